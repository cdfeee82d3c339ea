namespace RealtimeDecode.Imaging.Tests.Support;

/// <summary>Paths of the committed golden fixtures copied next to the test assembly.</summary>
internal static class GoldenFiles
{
    public static string Path(params string[] parts) =>
        System.IO.Path.Combine([AppContext.BaseDirectory, "Golden", .. parts]);
}
