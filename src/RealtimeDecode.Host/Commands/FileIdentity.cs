namespace RealtimeDecode.Host.Commands;

/// <summary>
/// Whether two paths name the same file or folder: equal full paths once every symbolic link along them is
/// followed. Names compare ordinally on Linux and ignoring case elsewhere (Windows and macOS file systems
/// mostly ignore it). Hard links (two names of one inode) are not detected.
/// </summary>
internal static class FileIdentity
{
    /// <summary>Most links followed in one path; a longer chain (or a loop) stops there, as the OS stops with ELOOP.</summary>
    private const int MaxLinks = 40;

    private static StringComparison Comparison => OperatingSystem.IsLinux() ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase;

    /// <summary>True when <paramref name="a"/> and <paramref name="b"/> are the same file or folder (existing or not).</summary>
    public static bool Same(string a, string b) =>
        string.Equals(Path.TrimEndingDirectorySeparator(Resolve(a)), Path.TrimEndingDirectorySeparator(Resolve(b)), Comparison);

    /// <summary>
    /// The full path of <paramref name="path"/> with each symbolic link among its existing parts replaced by its
    /// target (a relative target is taken from the link's folder); the parts that do not exist stay as written.
    /// </summary>
    public static string Resolve(string path)
    {
        var full = Path.GetFullPath(path);
        for (int links = 0; links < MaxLinks; links++)
        {
            string? next = FollowFirstLink(full);
            if (next is null) return full;
            full = next;
        }
        return full;
    }

    /// <summary>The path with its first symbolic link (from the root) replaced by the link's target, or null when none is.</summary>
    private static string? FollowFirstLink(string full)
    {
        string root = Path.GetPathRoot(full) ?? "";
        var parts = full[root.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries);
        string current = root;
        for (int i = 0; i < parts.Length; i++)
        {
            current = Path.Combine(current, parts[i]);
            string? target;
            try { target = new FileInfo(current).LinkTarget; }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
            if (target is null) continue;
            string linked = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(current) ?? root, target));
            return Path.GetFullPath(Path.Combine([linked, .. parts[(i + 1)..]]));
        }
        return null;
    }
}
