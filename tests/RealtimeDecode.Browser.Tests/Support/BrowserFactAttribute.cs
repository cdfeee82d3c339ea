namespace RealtimeDecode.Browser.Tests.Support;

/// <summary>
/// A fact that needs Debian's Chromium (<see cref="ChromiumBrowser.ExecutablePath"/>): skipped with the
/// reason when it is missing, except on CI (<c>CI=true</c>) where the test runs and fails instead.
/// </summary>
public sealed class BrowserFactAttribute : FactAttribute
{
    public BrowserFactAttribute()
    {
        if (!File.Exists(ChromiumBrowser.ExecutablePath) && !ChromiumBrowser.IsCi)
            Skip = $"Chromium not found at {ChromiumBrowser.ExecutablePath} (apt-get install chromium); set CI=true to fail instead of skipping.";
    }
}
