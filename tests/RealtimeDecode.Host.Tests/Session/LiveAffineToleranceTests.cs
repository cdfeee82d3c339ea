using System.CommandLine;
using RealtimeDecode.Host.Tests.Commands;
using RealtimeDecode.Imaging;
using RealtimeDecode.Imaging.Nifti;

namespace RealtimeDecode.Host.Tests.Session;

/// <summary><c>Live:AffineToleranceMm</c> sets how far a volume may move from the run's first one and still be decoded.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class LiveAffineToleranceTests
{
    [Fact]
    public async Task Live_ConfiguredTolerance15Mm_10MmShiftDecoded20MmShiftAffineChanged()
    {
        using var s = new SmallSession(volumes: 20, seed: 9);
        string export = s.Path("export"), rec = s.Path("live"), config = s.Path("config") + ".json";
        Directory.CreateDirectory(export);
        File.WriteAllText(config, """{ "Live": { "AffineToleranceMm": 15 } }""");
        foreach (var v in BoldRun.Open(s.Run2).ReadVolumes())
        {
            var m = v.Affine.Values.ToArray();
            m[3] += v.Index switch { 14 => 10, 15 => 20, _ => 0 };
            File.WriteAllBytes(Path.Combine(export, $"vol_{v.Index:D4}.nii"), NiftiWriter.EncodeVolume(new Volume(v.Nx, v.Ny, v.Nz, v.Data, new Affine(m), v.Index)));
        }

        var output = new StringWriter();
        int exit = await LiveTests.WithConsoleAsync(output, async () =>
        {
            using var stop = new CancellationTokenSource();
            var live = Task.Run(() => RealtimeDecode.Host.Commands.CommandLine.BuildRoot().Parse(["live", "--watch", export, "--format", "nifti",
                "--include-existing", "--tr", "2", "--config", config, "--atlas", s.Atlas, "--labels", s.Labels, "--model", s.Model,
                "--no-dashboard", "--no-lsl", "--record", rec]).InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false }, stop.Token));
            await LiveTests.UntilAsync(() => LiveTests.Covered(rec, 19) || live.IsCompleted, TimeSpan.FromSeconds(60), () => output.ToString());
            Assert.False(live.IsCompleted, "live ended on its own: " + output);
            stop.Cancel();
            return await live.WaitAsync(TimeSpan.FromSeconds(20));
        });

        Assert.True(exit == 0, $"live exited {exit}: {output}");
        var statuses = Recording.Volumes(rec).ToDictionary(x => x.Volume, x => x.Status);
        Assert.Equal(20, statuses.Count);
        Assert.Equal("ok", statuses[14]);
        Assert.Equal("affine-changed", statuses[15]);
        Assert.All(statuses.Where(kv => kv.Key != 15), kv => Assert.Equal("ok", kv.Value));
        Assert.Contains("tolerance 15 mm", output.ToString(), StringComparison.Ordinal);
        Assert.Contains(14, Recording.Estimates(rec).Keys);
        Assert.DoesNotContain(15, Recording.Estimates(rec).Keys);
    }
}
