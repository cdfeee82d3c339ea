using Microsoft.Playwright;

namespace RealtimeDecode.Browser.Tests.Support;

/// <summary>
/// Debian's Chromium driven by Playwright (no browser download), with helpers to open pages that
/// record console errors and page errors. Reusable by any browser test: create one per test class
/// (or per test), open pages with <see cref="OpenAsync"/>, dispose at the end.
/// </summary>
public sealed class ChromiumBrowser : IAsyncDisposable
{
    public const string ExecutablePath = "/usr/bin/chromium";

    private readonly IPlaywright _playwright;

    private ChromiumBrowser(IPlaywright playwright, IBrowser browser)
    {
        _playwright = playwright;
        Browser = browser;
    }

    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    public IBrowser Browser { get; }

    /// <summary>Launches headless Chromium; fails with a clear message when it is missing.</summary>
    public static async Task<ChromiumBrowser> LaunchAsync()
    {
        if (!File.Exists(ExecutablePath))
            throw new InvalidOperationException($"Chromium is required at {ExecutablePath} (apt-get install chromium).");
        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync"],
        });
        return new ChromiumBrowser(playwright, browser);
    }

    /// <summary>Opens <paramref name="url"/> in a fresh context and waits for the load event.</summary>
    public async Task<ObservedPage> OpenAsync(string url, int width = 1600, int height = 1000)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = width, Height = height } });
        var page = await context.NewPageAsync();
        var observed = new ObservedPage(page);
        await page.GotoAsync(url, new PageGotoOptions { WaitUntil = WaitUntilState.Load });
        return observed;
    }

    /// <summary>Where screenshots go: TestResults/screenshots under the test output folder (created).</summary>
    public static string ScreenshotFolder
    {
        get
        {
            var dir = Path.Combine(AppContext.BaseDirectory, "TestResults", "screenshots");
            Directory.CreateDirectory(dir);
            return dir;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Browser.DisposeAsync();
        _playwright.Dispose();
    }
}

/// <summary>A page whose console errors, page errors and failed requests are recorded.</summary>
public sealed class ObservedPage
{
    private readonly List<string> _errors = [];

    public ObservedPage(IPage page)
    {
        Page = page;
        page.Console += (_, m) => { if (m.Type == "error") lock (_errors) _errors.Add($"console: {m.Text}"); };
        page.PageError += (_, e) => { lock (_errors) _errors.Add($"page error: {e}"); };
        page.RequestFailed += (_, r) => { lock (_errors) _errors.Add($"request failed: {r.Url} {r.Failure}"); };
    }

    public IPage Page { get; }

    /// <summary>Console errors, uncaught exceptions and failed requests so far.</summary>
    public IReadOnlyList<string> Errors { get { lock (_errors) return [.. _errors]; } }

    /// <summary>Evaluates <paramref name="expression"/> until it is truthy or <paramref name="timeout"/> passes.</summary>
    public async Task WaitForAsync(string expression, TimeSpan timeout) =>
        await Page.WaitForFunctionAsync(expression, null, new PageWaitForFunctionOptions { Timeout = (float)timeout.TotalMilliseconds, PollingInterval = 50 });

    /// <summary>Saves a full-page screenshot under <see cref="ChromiumBrowser.ScreenshotFolder"/> and returns its path.</summary>
    public async Task<string> ScreenshotAsync(string name)
    {
        var path = Path.Combine(ChromiumBrowser.ScreenshotFolder, name + ".png");
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        return path;
    }
}
