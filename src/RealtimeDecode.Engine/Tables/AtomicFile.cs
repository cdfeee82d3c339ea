using System.Text;
using RealtimeDecode.Imaging;

namespace RealtimeDecode.Engine.Tables;

/// <summary>
/// Writes an output file so that it is either complete or not there: the content goes to a temporary
/// file in the same folder (<c>.tmp-XXXXXXXX-&lt;name&gt;</c>, so it keeps the target's extension),
/// which is flushed to disk and then renamed over the target. A failed write (disk full, file size
/// limit) deletes the temporary file and leaves a previous target byte for byte as it was; the failure
/// becomes an <see cref="InputDataException"/> naming the target. A folder (a model package) is written
/// to a temporary folder beside it and swapped in the same way (<see cref="WriteFolder"/>); the files of
/// one output that must change together go through an <see cref="AtomicFileSet"/>.
/// </summary>
public static class AtomicFile
{
    /// <summary>Writes <paramref name="path"/> through <paramref name="write"/>, which gets the temporary file's path.</summary>
    public static void WriteVia(string path, Action<string> write)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(write);
        var full = Path.GetFullPath(path);
        var dir = Path.GetDirectoryName(full)!;
        var tmp = Path.Combine(dir, $".tmp-{Guid.NewGuid():N}"[..13] + "-" + Path.GetFileName(full));
        try
        {
            Directory.CreateDirectory(dir);
            write(tmp);
            // The data must be on disk before the rename makes it the output, or a crash could leave an empty file.
            using (var fs = new FileStream(tmp, FileMode.Open, FileAccess.ReadWrite, FileShare.None)) fs.Flush(flushToDisk: true);
            File.Move(tmp, full, overwrite: true);
        }
        catch (Exception e) when (IsWriteFailure(e))
        {
            TryDelete(tmp);
            throw new InputDataException(path, $"cannot write ({e.Message}); {(File.Exists(full) ? "the previous file is unchanged" : "nothing was written")}", e);
        }
        catch
        {
            TryDelete(tmp);
            throw;
        }
    }

    /// <summary>Writes <paramref name="path"/> through a stream.</summary>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        WriteVia(path, tmp =>
        {
            using var fs = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
            write(fs);
        });
    }

    /// <summary>Writes <paramref name="path"/> as UTF-8 text (no byte order mark).</summary>
    public static void WriteText(string path, Action<TextWriter> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        Write(path, s =>
        {
            using var w = new StreamWriter(s, new UTF8Encoding(false), 1 << 16);
            write(w);
        });
    }

    /// <summary>Writes <paramref name="text"/> to <paramref name="path"/> as UTF-8 (no byte order mark).</summary>
    public static void WriteAllText(string path, string text) => WriteText(path, w => w.Write(text));

    /// <summary>
    /// Writes the folder <paramref name="path"/> (a model package) through <paramref name="write"/>, which fills a
    /// temporary folder beside it (<c>.tmp-XXXXXXXX-&lt;name&gt;</c>); only once that succeeded is the previous
    /// folder moved aside, the new one renamed into its place and the previous one deleted. Entries of the previous
    /// folder that <paramref name="carryOver"/> accepts (by name) and the new one lacks, such as a report kept
    /// inside a package folder, are moved into the new folder first (renames: no space needed). A failure at any
    /// step deletes the temporary folder and leaves the previous folder, carried entries included, as it was.
    /// </summary>
    public static void WriteFolder(string path, Action<string> write, Func<string, bool>? carryOver = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(write);
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));
        var parent = Path.GetDirectoryName(full)!;
        var tag = Guid.NewGuid().ToString("N")[..8];
        var tmp = Path.Combine(parent, $".tmp-{tag}-{Path.GetFileName(full)}");
        var old = Path.Combine(parent, $".old-{tag}-{Path.GetFileName(full)}");
        var carried = new List<string>();
        try
        {
            Directory.CreateDirectory(parent);
            Directory.CreateDirectory(tmp);
            write(tmp);
            if (Directory.Exists(full))
            {
                foreach (var entry in Directory.GetFileSystemEntries(full))
                {
                    var name = Path.GetFileName(entry);
                    if (carryOver?.Invoke(name) != true || Path.Exists(Path.Combine(tmp, name))) continue;
                    MoveEntry(entry, Path.Combine(tmp, name));
                    carried.Add(name);
                }
                Directory.Move(full, old);
            }
            Directory.Move(tmp, full);
        }
        catch (Exception e)
        {
            Restore(full, tmp, old, carried);
            TryDeleteFolder(tmp);
            if (!IsWriteFailure(e)) throw;
            throw new InputDataException(path, $"cannot write ({e.Message}); {(Directory.Exists(full) ? "the previous package is unchanged" : "nothing was written")}", e);
        }
        TryDeleteFolder(old);
    }

    /// <summary>Writes a file of a folder being filled by <see cref="WriteFolder"/> and flushes it to disk.</summary>
    internal static void WriteFlushed(string path, Action<Stream> write)
    {
        using var fs = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
        write(fs);
        fs.Flush(flushToDisk: true);
    }

    private static void Restore(string full, string tmp, string old, List<string> carried)
    {
        try
        {
            if (!Directory.Exists(full) && Directory.Exists(old)) Directory.Move(old, full);
            if (Directory.Exists(tmp))
                foreach (var name in carried) MoveEntry(Path.Combine(tmp, name), Path.Combine(full, name));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { /* what could not be moved back stays where it is */ }
    }

    private static void MoveEntry(string from, string to)
    {
        if (Directory.Exists(from)) Directory.Move(from, to);
        else File.Move(from, to);
    }

    /// <summary>An error of the file system rather than of the program: I/O errors, access denied, and EFBIG
    /// (a file size limit), which .NET reports as an <see cref="ArgumentOutOfRangeException"/> on <c>value</c>.</summary>
    public static bool IsWriteFailure(Exception e) =>
        e is IOException or UnauthorizedAccessException
        || (e is ArgumentOutOfRangeException { ParamName: "value" } && e.StackTrace?.Contains("System.IO.", StringComparison.Ordinal) == true);

    private static void TryDelete(string path)
    {
        try { File.Delete(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }

    private static void TryDeleteFolder(string path)
    {
        try { if (Directory.Exists(path)) Directory.Delete(path, recursive: true); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }
}
