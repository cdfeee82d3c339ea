// The browser tests drive the real session runner (replay with the dashboard) in Chromium.
[assembly: System.Runtime.CompilerServices.InternalsVisibleTo("RealtimeDecode.Browser.Tests")]
