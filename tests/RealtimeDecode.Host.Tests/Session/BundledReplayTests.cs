using RealtimeDecode.Host.Tests.Commands;

namespace RealtimeDecode.Host.Tests.Session;

/// <summary>The default <c>replay</c> (no run given) on the bundled session: every volume decoded, and the estimates track the truth.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class BundledReplayTests : IDisposable
{
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    private static string RepositoryRoot() =>
        RealtimeDecode.Host.Configuration.RepositoryPaths.Root ?? throw new InvalidOperationException("no folder with replay-data/ and configs/ found");

    private static double Pearson(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        double mx = x.Average(), my = y.Average(), sxy = 0, sxx = 0, syy = 0;
        for (int i = 0; i < x.Count; i++)
        {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }
        return sxy / Math.Sqrt(sxx * syy);
    }

    [Fact]
    public void Replay_DefaultBundledRun_AllVolumesDecodedAndEstimatesTrackTruth()
    {
        string root = RepositoryRoot();
        string rec = _dir.File("rec");
        var r = CliRunner.Run("replay", "--speed", "max", "--no-dashboard", "--no-lsl", "--record", rec);
        Assert.True(r.ExitCode == 0, $"replay exited {r.ExitCode}: {r.Error}");

        var volumes = Recording.Volumes(rec);
        Assert.Equal(Enumerable.Range(0, 372).Select(v => (v, "ok")), volumes);
        var targets = Recording.Targets(rec);
        var estimates = Recording.Estimates(rec);
        Assert.Equal(360, estimates.Count);
        Assert.True(Recording.Completed(rec));

        var truth = TsvTable.Read(Path.Combine(root, "replay-data", "session", "sub-01", "func", "sub-01_task-alice_run-2_desc-truth_targets.tsv")).ByVolume(targets);
        var keys = estimates.Keys.Order().ToArray();
        var rs = new double[targets.Length];
        for (int t = 0; t < targets.Length; t++)
        {
            var est = keys.Select(v => estimates[v][t]).ToArray();
            var windowMean = keys.Select(v => Enumerable.Range(v - 12, 13).Average(u => truth[u][t])).ToArray();
            rs[t] = Pearson(est, windowMean);
        }
        double mean = rs.Average();
        Console.WriteLine($"bundled replay: r per target {string.Join(", ", targets.Zip(rs, (n, x) => $"{n} {x:F3}"))}; mean {mean:F3}");
        Assert.True(mean >= 0.6, $"mean Pearson r {mean:F3} against the window-mean truth is below 0.6");
    }
}
