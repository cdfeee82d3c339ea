using System.Text;
using RealtimeDecode.Imaging;

namespace RealtimeDecode.Engine.Tables;

/// <summary>
/// Writes the files of one output (a report folder, a synthetic session) so that they replace their
/// targets all together or not at all: each file is written to a temporary file beside its target
/// (<c>.tmp-XXXXXXXX-&lt;name&gt;</c>) and flushed to disk, and only <see cref="Commit"/>, once every file
/// was written, renames them over their targets. Renames need no free space, so a full disk stops the
/// output while it is being written, never half-way through the commit.
/// A failed write (disk full, file size limit) deletes every temporary file of the set and every folder
/// the set made that is still empty, so previous targets stay byte for byte as they were, and becomes an
/// <see cref="InputDataException"/> naming the file that could not be written. Disposing a set that was
/// not committed discards it the same way. Writing a target twice keeps the second content.
/// Not thread-safe: one writer at a time.
/// </summary>
public sealed class AtomicFileSet : IDisposable
{
    private readonly string _what;
    private readonly List<(string Temp, string Target)> _staged = [];
    private readonly List<string> _madeFolders = [];
    private bool _closed;

    /// <summary>Creates an empty set; <paramref name="what"/> names the output in messages (e.g. "report").</summary>
    public AtomicFileSet(string what)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(what);
        _what = what;
    }

    /// <summary>Target paths (full) written so far, in the order they were first written.</summary>
    public IReadOnlyList<string> Targets => _staged.Select(s => s.Target).ToList();

    /// <summary>Writes <paramref name="path"/> through <paramref name="write"/>, which gets the temporary file's path
    /// (it keeps the target's extension); returns the target's full path.</summary>
    public string WriteVia(string path, Action<string> write)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(write);
        ObjectDisposedException.ThrowIf(_closed, this);
        var full = Path.GetFullPath(path);
        var tmp = Path.Combine(Path.GetDirectoryName(full)!, $".tmp-{Guid.NewGuid():N}"[..13] + "-" + Path.GetFileName(full));
        try
        {
            MakeFolder(Path.GetDirectoryName(full)!);
            write(tmp);
            // On disk before any rename makes it an output: a crash after the commit must not leave an empty file.
            using (var fs = new FileStream(tmp, FileMode.Open, FileAccess.ReadWrite, FileShare.None)) fs.Flush(flushToDisk: true);
        }
        catch (Exception e) when (AtomicFile.IsWriteFailure(e) || e is InputDataException { InnerException: { } inner } && AtomicFile.IsWriteFailure(inner))
        {
            TryDelete(tmp);
            Discard();
            var cause = e is InputDataException { InnerException: { } i } ? i : e;
            throw new InputDataException(path, $"cannot write ({cause.Message}); no file of the {_what} was changed", e);
        }
        catch
        {
            TryDelete(tmp);
            Discard();
            throw;
        }

        int same = _staged.FindIndex(s => s.Target == full);
        if (same >= 0)
        {
            TryDelete(_staged[same].Temp);
            _staged[same] = (tmp, full);
        }
        else _staged.Add((tmp, full));
        return full;
    }

    /// <summary>Writes <paramref name="path"/> through a stream; returns the target's full path.</summary>
    public string WriteStream(string path, Action<Stream> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        return WriteVia(path, tmp =>
        {
            using var fs = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
            write(fs);
        });
    }

    /// <summary>Writes <paramref name="path"/> as UTF-8 text (no byte order mark); returns the target's full path.</summary>
    public string WriteText(string path, Action<TextWriter> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        return WriteStream(path, s =>
        {
            using var w = new StreamWriter(s, new UTF8Encoding(false), 1 << 16);
            write(w);
        });
    }

    /// <summary>Writes <paramref name="text"/> to <paramref name="path"/> as UTF-8 (no byte order mark); returns the target's full path.</summary>
    public string WriteAllText(string path, string text) => WriteText(path, w => w.Write(text));

    /// <summary>Renames every written file over its target. A rename that fails (the folder removed meanwhile)
    /// discards the files not yet renamed and is reported as for a failed write.</summary>
    public void Commit()
    {
        ObjectDisposedException.ThrowIf(_closed, this);
        int total = _staged.Count;
        for (int k = 0; k < _staged.Count; k++)
        {
            var (tmp, target) = _staged[k];
            try { File.Move(tmp, target, overwrite: true); }
            catch (Exception e) when (AtomicFile.IsWriteFailure(e))
            {
                _staged.RemoveRange(0, k);
                Discard();
                throw new InputDataException(target, $"cannot write ({e.Message}); {k} of the {_what}'s {total} files were replaced before it", e);
            }
        }
        _staged.Clear();
        _closed = true;
    }

    /// <summary>Discards what was written unless <see cref="Commit"/> ran.</summary>
    public void Dispose()
    {
        if (!_closed) Discard();
    }

    private void Discard()
    {
        foreach (var (tmp, _) in _staged) TryDelete(tmp);
        _staged.Clear();
        // Deepest first: a folder made inside another made one goes before its parent.
        for (int k = _madeFolders.Count - 1; k >= 0; k--)
        {
            try
            {
                if (Directory.Exists(_madeFolders[k]) && !Directory.EnumerateFileSystemEntries(_madeFolders[k]).Any()) Directory.Delete(_madeFolders[k]);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        }
        _madeFolders.Clear();
        _closed = true;
    }

    private void MakeFolder(string dir)
    {
        var missing = new Stack<string>();
        for (var d = dir; !string.IsNullOrEmpty(d) && !Directory.Exists(d); d = Path.GetDirectoryName(d)) missing.Push(d);
        while (missing.TryPop(out var d))
        {
            Directory.CreateDirectory(d);
            _madeFolders.Add(d);
        }
    }

    private static void TryDelete(string path)
    {
        try { File.Delete(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }
}
