using System.CommandLine;
using System.Globalization;
using RealtimeDecode.Host.Tests.Commands;
using RealtimeDecode.Tests.Support;

namespace RealtimeDecode.Host.Tests.Session;

/// <summary><c>live --protocol</c> driven by <c>simulate-scanner</c> with dropped and corrupt volumes: feedback.tsv equals the independent recomputation.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class LiveProtocolTests
{
    private static Task<int> InvokeAsync(string[] args, CancellationToken ct) =>
        Task.Run(() => RealtimeDecode.Host.Commands.CommandLine.BuildRoot().Parse(args)
            .InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false }, ct));

    [Fact]
    public async Task Live_FaultyScannerWithProtocol_FeedbackEqualsRecomputationIncludingMissingVolumes()
    {
        using var s = new SmallSession(volumes: 60, seed: 1);
        string export = s.Path("export"), rec = s.Path("live"), dir = s.Path("protocol");
        Directory.CreateDirectory(export);
        Directory.CreateDirectory(dir);
        string protocol = Path.Combine(dir, "nf.tsv");
        File.WriteAllText(protocol, "onset\tduration\ttrial_type\n0\t10\trest\n10\t30\tbase\n40\t20\tup\n60\t20\tbase\n80\t20\tdown\n100\t10\tscore\n");
        File.WriteAllText(Path.ChangeExtension(protocol, ".json"), """
            {"Conditions": {"rest": {"Role": "rest"}, "base": {"Role": "baseline"},
              "up": {"Role": "regulate", "Target": "joy"},
              "down": {"Role": "regulate", "Target": "fear", "Direction": "down", "Feedback": "intermittent"},
              "score": {"Role": "display"}},
             "Normalisation": {"Method": "z", "BaselineSkip": 4}, "HaemodynamicDelay": 2}
            """);

        var text = new StringWriter();
        var output = TextWriter.Synchronized(text);
        var (oldOut, oldErr) = (Console.Out, Console.Error);
        Console.SetOut(output);
        Console.SetError(output);
        int liveExit, simExit;
        try
        {
            using var stop = new CancellationTokenSource();
            var live = InvokeAsync(["live", "--watch", export, "--format", "dicom", "--include-existing", "--missing-after", "1",
                "--atlas", s.Atlas, "--labels", s.Labels, "--model", s.Model, "--no-dashboard", "--no-lsl", "--record", rec, "--protocol", protocol], stop.Token);
            using (var ready = new PeriodicTimer(TimeSpan.FromMilliseconds(50)))
            using (var bound = new CancellationTokenSource(TimeSpan.FromSeconds(20)))
                while (!text.ToString().Contains("recording: ", StringComparison.Ordinal) && !live.IsCompleted)
                    await ready.WaitForNextTickAsync(bound.Token);
            simExit = await InvokeAsync(["simulate-scanner", "--run", s.Run2, "--out", export, "--format", "dicom",
                "--faults", "drop=0.05,corrupt=0.05", "--seed", "11", "--speed", "10"], CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(60));
            var written = File.ReadAllLines(Path.Combine(export, "faults.tsv")).Skip(1).Select(l => l.Split('\t'))
                .Where(f => f.Length > 1 && f.Contains("drop")).Select(f => int.Parse(f[0], CultureInfo.InvariantCulture)).ToHashSet();
            int last = Enumerable.Range(0, 60).Last(v => !written.Contains(v));
            using (var poll = new PeriodicTimer(TimeSpan.FromMilliseconds(100)))
            using (var bound = new CancellationTokenSource(TimeSpan.FromSeconds(20)))
                while (!Covered(rec, last)) await poll.WaitForNextTickAsync(bound.Token);
            stop.Cancel();
            liveExit = await live.WaitAsync(TimeSpan.FromSeconds(20));
        }
        finally
        {
            Console.SetOut(oldOut);
            Console.SetError(oldErr);
        }
        Assert.True(simExit == 0 && liveExit == 0, $"simulate-scanner {simExit}, live {liveExit}: {text}");

        string theirs = s.Path("theirs.tsv");
        PythonRunner.Run(PythonRunner.RepoFile("tests", "RealtimeDecode.Engine.Tests", "Feedback", "recompute_feedback.py"),
            protocol, Path.Combine(rec, "estimates.tsv"), "2", "13", theirs);
        var a = File.ReadAllLines(Path.Combine(rec, "feedback.tsv"));
        var b = File.ReadAllLines(theirs);
        Assert.Equal(b.Length, a.Length);
        int missing = 0;
        for (int i = 0; i < a.Length; i++)
        {
            var x = a[i].Split('\t');
            var y = b[i].Split('\t');
            for (int c = 0; c < x.Length; c++)
            {
                if (double.TryParse(y[c], NumberStyles.Float, CultureInfo.InvariantCulture, out double yv)
                    && double.TryParse(x[c], NumberStyles.Float, CultureInfo.InvariantCulture, out double xv))
                    Assert.True(Math.Abs(xv - yv) <= 1e-9 * Math.Max(1, Math.Abs(yv)), $"line {i + 1} column {c}: {x[c]} vs {y[c]}");
                else Assert.True(x[c] == y[c], $"line {i + 1} column {c}: {x[c]} vs {y[c]}");
            }
            if (i > 0 && x[4] == "n/a") missing++;
        }
        Assert.True(missing > 0, "the faults left no volume without an estimate inside the recorded range");
    }

    private static bool Covered(string rec, int last)
    {
        string path = Path.Combine(rec, "volumes.tsv");
        if (!File.Exists(path)) return false;
        try
        {
            var seen = File.ReadAllLines(path).Skip(1).Select(l => l.Split('\t')[0]).ToHashSet();
            return Enumerable.Range(0, last + 1).All(v => seen.Contains(v.ToString(CultureInfo.InvariantCulture)));
        }
        catch (IOException) { return false; }
    }
}
