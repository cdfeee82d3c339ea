using System.CommandLine;
using RealtimeDecode.Host.Tests.Commands;

namespace RealtimeDecode.Host.Tests.Session;

/// <summary>
/// <c>live</c> at a TR its volumes contradict: a series exported at TR 0.8 s (DICOM RepetitionTime, NIfTI pixdim[4] with
/// time units) watched at the default 2 s gets one warning naming the file and both TRs; given the right <c>--tr</c>, none.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class LiveRepetitionTimeTests : IClassFixture<SmallSession>
{
    private readonly SmallSession _s;

    public LiveRepetitionTimeTests(SmallSession session) => _s = session;

    private static Task<int> InvokeAsync(string[] args, CancellationToken ct) =>
        Task.Run(() => RealtimeDecode.Host.Commands.CommandLine.BuildRoot().Parse(args)
            .InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false }, ct));

    [Theory]
    [InlineData("dicom", null, true)]
    [InlineData("nifti", null, true)]
    [InlineData("dicom", "0.8", false)]
    public async Task Live_SeriesAtAnotherTr_WarnedOnceNamingTheFile(string format, string? tr, bool warned)
    {
        string export = _s.Path("export"), rec = _s.Path("rec");
        Assert.Equal(0, RealtimeDecode.Host.Commands.CommandLine.Run(["simulate-scanner", "--run", _s.Run2, "--out", export, "--format", format,
            "--tr", "0.8", "--speed", "max"]));
        var output = new StringWriter();
        int exit = await LiveTests.WithConsoleAsync(output, async () =>
        {
            using var stop = new CancellationTokenSource();
            string[] args = ["live", "--watch", export, "--include-existing", "--atlas", _s.Atlas, "--labels", _s.Labels, "--model", _s.Model,
                "--no-dashboard", "--no-lsl", "--record", rec, .. tr is null ? Array.Empty<string>() : ["--tr", tr]];
            var live = InvokeAsync(args, stop.Token);
            await LiveTests.UntilAsync(() => LiveTests.Covered(rec, 39), TimeSpan.FromSeconds(60), () => output.ToString());
            stop.Cancel();
            return await live.WaitAsync(TimeSpan.FromSeconds(30));
        });
        Assert.True(exit == 0, $"live exited {exit}: {output}");
        var warnings = output.ToString().Split('\n').Where(l => l.Contains("states TR", StringComparison.Ordinal)).ToList();
        if (!warned)
        {
            Assert.Empty(warnings);
            return;
        }
        var line = Assert.Single(warnings);
        Assert.Contains("Volume 0 (", line, StringComparison.Ordinal);
        Assert.Contains(export, line, StringComparison.Ordinal);
        Assert.Contains("states TR 0.8 s but the session runs at TR 2 s", line, StringComparison.Ordinal);
    }
}
