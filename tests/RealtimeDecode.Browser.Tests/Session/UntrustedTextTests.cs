using Microsoft.Playwright;
using RealtimeDecode.Browser.Tests.Support;
using RealtimeDecode.Host.Dashboard;
using RealtimeDecode.Host.Lsl;
using RealtimeDecode.Host.Session;
using RealtimeDecode.Training.Synthesis;
using Xunit.Abstractions;

namespace RealtimeDecode.Browser.Tests.Session;

/// <summary>
/// Names from the files a session is given (a model package's target names and folder name, an atlas label table's
/// ROI labels and network names) carry markup that runs script if parsed as HTML. A real replay with the dashboard,
/// the participant display and the sessions list open in Chromium: nothing runs, no element is created from the
/// markup, and each name is on the page as literal text.
/// </summary>
public sealed class UntrustedTextTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);
    private const int Volumes = 30;
    private const string TargetName = "<img src=x onerror=window.__xss=1>";
    private const string RoiName = "<img src=x onerror=window.__xss=2>";
    private const string NetworkName = "<img src=x onerror=window.__xss=3>";
    private const string ModelName = "<img src=x onerror=window.__xss=4>";
    private const string SessionName = "<img src=x onerror=window.__xss=5>";
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "rtd-browser-xss-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    [BrowserFact]
    public async Task Replay_NamesCarryingMarkup_AreShownAsTextOnEveryPage()
    {
        var synth = SyntheticSession.Write(Path.Combine(_dir, "session"), new SynthOptions { Nx = 20, Ny = 24, Nz = 18, Parcels = 40, Volumes = Volumes, Runs = 2, Seed = 5 });
        // The label table: ROI 2's name and the network of every third ROI become markup.
        var labels = File.ReadAllLines(synth.Labels);
        var head = labels[0].Split('\t');
        int nameCol = Array.IndexOf(head, "name"), netCol = Array.IndexOf(head, "network");
        Assert.True(nameCol > 0 && netCol > 0, $"unexpected label table header: {labels[0]}");
        for (int i = 1; i < labels.Length; i++)
        {
            var f = labels[i].Split('\t');
            if (i == 2) f[nameCol] = RoiName;
            if (i % 3 == 0) f[netCol] = NetworkName;
            labels[i] = string.Join('\t', f);
        }
        File.WriteAllLines(synth.Labels, labels);
        // The training targets: the first target is named with markup, so the model package carries it.
        var truth = File.ReadAllLines(synth.Truth[0]);
        var columns = truth[0].Split('\t');
        columns[1] = TargetName;
        truth[0] = string.Join('\t', columns);
        File.WriteAllLines(synth.Truth[0], truth);

        string model = Path.Combine(_dir, ModelName);
        int trained = RealtimeDecode.Host.Commands.CommandLine.Run(["train", "--bold", synth.Runs[0], "--atlas", synth.Atlas, "--labels", synth.Labels,
            "--targets", synth.Truth[0], "--estimator", "ridge", "--cv", "none", "--out", model]);
        Assert.Equal(0, trained);

        var request = new SessionRequest
        {
            Run = synth.Runs[1],
            Atlas = synth.Atlas,
            Labels = synth.Labels,
            Model = model,
            Speed = "10",
            KeepServing = true,
            Dashboard = new DashboardOptions { Urls = "http://127.0.0.1:0" },
            Feedback = new FeedbackOptions(),
            Lsl = new LslOptions { Enabled = false },
        };
        await using var chromium = await ChromiumBrowser.LaunchAsync();
        var runner = new SessionRunner(request, output: TextWriter.Null);
        var started = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        runner.DashboardStarted += url => started.TrySetResult(url);
        using var stop = new CancellationTokenSource();
        var session = runner.RunAsync(stop.Token);
        try
        {
            string baseUrl = (await started.Task.WaitAsync(Wait)).TrimEnd('/');
            var dashboard = await OpenAsync(chromium, baseUrl + "/");
            var feedback = await OpenAsync(chromium, baseUrl + "/feedback?smooth=1&target=" + Uri.EscapeDataString(TargetName));
            await dashboard.Page.WaitForAsync("() => window.rtdecode && window.rtdecode.connected()", Wait);
            await feedback.Page.WaitForAsync("() => window.rtfeedback && window.rtfeedback.connected", Wait);
            await dashboard.Page.WaitForAsync("() => document.getElementById('state').textContent.startsWith('ended')", Wait);
            await dashboard.Page.WaitForAsync("() => window.rtdecode.heatmapDraws() > 0 && document.querySelectorAll('#contributions td').length > 0", Wait);
            await feedback.Page.WaitForAsync("() => window.rtfeedback.values.length > 0", Wait);
            var sessions = await OpenAsync(chromium, baseUrl + SessionRouteMiddleware.ListPage);
            await sessions.Page.WaitForAsync("() => document.querySelectorAll('#sessions a').length > 0", Wait);
            var unknown = await OpenAsync(chromium, baseUrl + "/?session=" + Uri.EscapeDataString(SessionName));

            // The dashboard: the target's legend, the ROI list (label and network), the network blocks beside the heatmap, the model.
            var p = dashboard.Page.Page;
            Assert.Equal(TargetName, await p.Locator("#values .name").First.InnerTextAsync());
            Assert.True(await p.Locator("#values .name").First.IsVisibleAsync());
            var options = await p.Locator("#roi-select option").AllInnerTextsAsync();
            Assert.Contains($"1 {RoiName} (", options[1], StringComparison.Ordinal);
            Assert.Contains(options, o => o.EndsWith($"({NetworkName})", StringComparison.Ordinal));
            Assert.Equal(ModelName, await p.Locator("#model").InnerTextAsync());
            Assert.True(await p.Locator("#model").IsVisibleAsync());
            var contributions = await p.Locator("#contributions").InnerTextAsync();
            Assert.Contains(TargetName, contributions, StringComparison.Ordinal);
            var roiLegend = await p.Locator("#roi-chart").InnerTextAsync();
            Assert.Contains(RoiName, roiLegend, StringComparison.Ordinal);
            var estimateLegend = await p.Locator("#estimates").InnerTextAsync();
            Assert.Contains(TargetName, estimateLegend, StringComparison.Ordinal);

            // The participant display: the label is the target's name.
            Assert.Equal(TargetName, await feedback.Page.Page.Locator("#label").InnerTextAsync());
            Assert.True(await feedback.Page.Page.Locator("#label").IsVisibleAsync());

            // The sessions list: the model's name in its cell.
            var row = await sessions.Page.Page.Locator("#sessions tr").First.InnerTextAsync();
            Assert.Contains(ModelName, row, StringComparison.Ordinal);

            // A refusal quoting the request is plain text, shown as such.
            Assert.Equal(404, unknown.Status);
            Assert.StartsWith("text/plain", unknown.ContentType, StringComparison.Ordinal);
            Assert.Equal("nosniff", unknown.NoSniff);
            Assert.Contains(SessionName, await unknown.Page.Page.Locator("body").InnerTextAsync(), StringComparison.Ordinal);

            foreach (var (name, page) in new[] { ("dashboard", dashboard), ("feedback", feedback), ("sessions", sessions), ("unknown session", unknown) })
            {
                Assert.True(await page.Page.Page.EvaluateAsync<bool>("() => typeof window.__xss === 'undefined'"), $"{name}: the markup ran script");
                Assert.Equal(0, await page.Page.Page.Locator("img").CountAsync());
                Assert.True(page.ImageRequests.Count == 0, $"{name}: the markup requested {string.Join(", ", page.ImageRequests)}");
            }
            var errors = dashboard.Page.Errors.Concat(feedback.Page.Errors).Concat(sessions.Page.Errors).ToList();
            Assert.True(errors.Count == 0, string.Join("\n", errors));
            output.WriteLine($"screenshot: {await dashboard.Page.ScreenshotAsync("untrusted-text-dashboard")}");
        }
        finally
        {
            stop.Cancel();
            try { await session.WaitAsync(Wait); } catch (OperationCanceledException) { }
        }
    }

    /// <summary>A page, its main response, and the requests it made for the payload's image (<c>src=x</c>).</summary>
    private sealed record Opened(ObservedPage Page, int Status, string ContentType, string? NoSniff, List<string> ImageRequests);

    private static async Task<Opened> OpenAsync(ChromiumBrowser chromium, string url)
    {
        var context = await chromium.Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1600, Height = 1000 } });
        var page = await context.NewPageAsync();
        var observed = new ObservedPage(page);
        var images = new List<string>();
        page.Request += (_, r) => { if (new Uri(r.Url).AbsolutePath == "/x") lock (images) images.Add(r.Url); };
        var response = await page.GotoAsync(url, new PageGotoOptions { WaitUntil = WaitUntilState.Load });
        Assert.NotNull(response);
        var headers = await response.AllHeadersAsync();
        return new Opened(observed, response.Status, headers.GetValueOrDefault("content-type") ?? "", headers.GetValueOrDefault("x-content-type-options"), images);
    }
}
