namespace RealtimeDecode.Host.Configuration;

/// <summary>
/// Where the bundled files are: the folder holding <c>replay-data/</c> and <c>configs/</c>, found from
/// the working directory or, failing that, upwards from the program's own folder, so the defaults work
/// from the repository root and from a build output alike.
/// </summary>
internal static class RepositoryPaths
{
    private static readonly Lazy<string?> RootLazy = new(FindRoot);

    /// <summary>The folder with <c>replay-data/</c>, or null when none is found.</summary>
    public static string? Root => RootLazy.Value;

    /// <summary>A path under the root (or relative to the working directory when no root is found).</summary>
    public static string Bundled(params string[] parts) => Path.Combine([Root ?? Directory.GetCurrentDirectory(), .. parts]);

    private static string? FindRoot()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var d = new DirectoryInfo(start); d is not null; d = d.Parent)
                if (Directory.Exists(Path.Combine(d.FullName, "replay-data")) && Directory.Exists(Path.Combine(d.FullName, "configs")))
                    return d.FullName;
        }
        return null;
    }
}
