using System.CommandLine;
using System.Globalization;
using RealtimeDecode.Host.Tests.Commands;
using RealtimeDecode.Imaging;
using RealtimeDecode.Imaging.Dicom;

namespace RealtimeDecode.Host.Tests.Session;

/// <summary>
/// <c>live</c> on a folder of DICOM files named by arrival (<c>IM_0000.dcm</c>, ...), as some scanners export them:
/// the names carry neither series nor volume number, the headers do. Two series follow one another; the session
/// records each in its own folder with the series number of its frames (from the headers, read once at ingest),
/// each run from fresh stages (its estimates equal a replay of that run alone), and every estimate's publication
/// is the first of its sinks' hand-offs (recorder and LSL), each recorded in handoffs.tsv.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class LiveSeriesTests
{
    private const int PerSeries = 16;
    private const int Window = 13;

    [Fact]
    public async Task Live_TwoSeriesKnownOnlyFromTheirHeaders_EachRecordedUnderItsFramesSeriesFromFreshStages()
    {
        using var s = new SmallSession(volumes: 20, seed: 3);
        string export = s.Path("export"), rec = s.Path("live");
        Directory.CreateDirectory(export);
        int file = 0;
        var names = new Dictionary<int, List<string>>();
        foreach (var (series, run) in new[] { (3, s.Run1), (5, s.Run2) })
        {
            names[series] = [];
            foreach (var v in BoldRun.Open(run).ReadVolumes().Take(PerSeries))
            {
                string name = $"IM_{file++:D4}.dcm";
                File.WriteAllBytes(Path.Combine(export, name), DicomWriter.EncodeMosaic(v, new DicomWriteOptions
                {
                    SeriesNumber = series,
                    InstanceNumber = v.Index + 1,
                    RepetitionTimeSeconds = 2,
                }));
                names[series].Add(name);
            }
        }

        var output = new StringWriter();
        int exit = await LiveTests.WithConsoleAsync(output, async () =>
        {
            using var stop = new CancellationTokenSource();
            var live = Task.Run(() => RealtimeDecode.Host.Commands.CommandLine.BuildRoot().Parse(
                ["live", "--watch", export, "--format", "dicom", "--include-existing", "--tr", "2",
                 "--atlas", s.Atlas, "--labels", s.Labels, "--model", s.Model, "--no-dashboard", "--record", rec])
                .InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false }, stop.Token));
            await LiveTests.UntilAsync(() => live.IsCompleted || LiveTests.Covered(Path.Combine(rec, "series-5"), PerSeries - 1),
                TimeSpan.FromSeconds(60), () => output.ToString());
            Assert.False(live.IsCompleted, "live ended on its own: " + output);
            stop.Cancel();
            return await live.WaitAsync(TimeSpan.FromSeconds(20));
        });
        Assert.True(exit == 0, $"live exited {exit}: {output}");

        var folders = new Dictionary<int, string> { [3] = rec, [5] = Path.Combine(rec, "series-5") };
        Assert.Equal(["series-5"], Directory.GetDirectories(rec).Select(Path.GetFileName));
        // the session folder's session.json lists both runs, where they are and their counts; a series folder names no
        // file it does not hold (the log and hand-offs are the session's, one level up)
        var root = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(rec, "session.json")))!;
        var runs = root["runs"]!.AsArray();
        Assert.Equal([(3, ".", PerSeries), (5, "series-5", PerSeries)],
            runs.Select(r => (r!["series"]!.GetValue<int>(), r["folder"]!.GetValue<string>(), r["counts"]!["ok"]!.GetValue<int>())));
        Assert.All(runs, r => Assert.True(r!["completed"]!.GetValue<bool>()));
        var second = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(rec, "series-5", "session.json")))!;
        Assert.Null(second["runs"]);
        Assert.Equal("../session.log", second["files"]!["log"]!.GetValue<string>());
        Assert.Equal("../handoffs.tsv", second["timing"]!["handoffs"]!.GetValue<string>());
        Assert.True(File.Exists(Path.GetFullPath(Path.Combine(rec, "series-5", "../session.log"))));
        foreach (var (series, run) in new[] { (3, s.Run1), (5, s.Run2) })
        {
            string dir = folders[series];
            Assert.True(Recording.Completed(dir), $"series {series}: session.json does not say completed");
            // every volume of the series, in its own folder, from its own file
            var volumes = TsvTable.Read(Path.Combine(dir, "volumes.tsv"));
            Assert.Equal(Enumerable.Range(0, PerSeries).Select(v => (v, "ok", names[series][v])),
                volumes.Rows.Select(r => (int.Parse(r[0], CultureInfo.InvariantCulture), r[1], Path.GetFileName(r[2]))));
            Assert.Equal(PerSeries, TsvTable.Read(Path.Combine(dir, "roi.tsv")).Rows.Count);

            // fresh stages at the boundary: the series' estimates are those of a replay of its run alone
            string replay = s.Path("replay");
            var r = CliRunner.Run("replay", "--run", run, "--atlas", s.Atlas, "--labels", s.Labels, "--model", s.Model,
                "--speed", "max", "--no-dashboard", "--no-lsl", "--record", replay);
            Assert.True(r.ExitCode == 0, $"replay exited {r.ExitCode}: {r.Error}");
            var reference = Recording.Estimates(replay);
            var estimates = Recording.Estimates(dir);
            Assert.Equal(Enumerable.Range(Window - 1, PerSeries - Window + 1), estimates.Keys.Order());
            foreach (var (v, values) in estimates)
                for (int t = 0; t < values.Length; t++)
                    Assert.True(Math.Abs(reference[v][t] - values[t]) <= 1e-12, $"series {series} volume {v} target {t}: live {values[t]:R}, replay {reference[v][t]:R}");

            // published = the first hand-off of the estimate; the recorder's and LSL's own are recorded, none before it
            var table = TsvTable.Read(Path.Combine(dir, "estimates.tsv"));
            var handOffs = TsvTable.Read(Path.Combine(rec, "handoffs.tsv"));
            foreach (var row in table.Rows)
            {
                string v = row[table.Column("volume")];
                double published = double.Parse(row[table.Column("published_ms")], CultureInfo.InvariantCulture);
                var mine = handOffs.Rows.Where(h => h[0] == v && h[1] == series.ToString(CultureInfo.InvariantCulture)).ToList();
                Assert.Equal(["lsl", "recorder"], mine.Select(h => h[2]).Order());
                var times = mine.Select(h => double.Parse(h[3], CultureInfo.InvariantCulture)).ToList();
                Assert.Equal(times.Min(), published, 3);
                Assert.True(published >= double.Parse(row[table.Column("decoded_ms")], CultureInfo.InvariantCulture), $"series {series} volume {v} published before decoded");
            }
        }
    }
}
