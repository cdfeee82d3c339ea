namespace RealtimeDecode.Engine.Ingest;

/// <summary>
/// Last-resort completeness check for formats without a format-aware one: a file is complete when it
/// is non-empty and its size is unchanged since the previous check of the same path. It therefore
/// needs two looks (one polling interval apart) and adds up to one interval of latency; a writer that
/// pauses longer than the interval fools it. Prefer the NIfTI header-size and DICOM pixel-data checks.
/// </summary>
public sealed class SizeStableCompleteness
{
    private readonly Dictionary<string, long> _lastSize = new(StringComparer.Ordinal);

    /// <summary>The check, as the delegate <see cref="ExportWatcherOptions.Completeness"/> takes.</summary>
    public FileCompleteness Check(string path)
    {
        long size;
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists) { _lastSize.Remove(path); return FileCompleteness.Incomplete; }
            size = info.Length;
        }
        catch (IOException) { return FileCompleteness.Incomplete; }
        catch (UnauthorizedAccessException) { return FileCompleteness.Incomplete; }

        bool stable = size > 0 && _lastSize.TryGetValue(path, out long last) && last == size;
        if (stable) _lastSize.Remove(path);
        else _lastSize[path] = size;
        return stable ? FileCompleteness.Complete : FileCompleteness.Incomplete;
    }
}
