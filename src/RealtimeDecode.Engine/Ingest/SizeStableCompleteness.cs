namespace RealtimeDecode.Engine.Ingest;

/// <summary>
/// Last-resort completeness check for formats without a format-aware one: a file is complete when it
/// is non-empty and its size has not changed for at least <c>stableFor</c> (measured between checks of
/// the same path). It adds at least that much latency, and a writer that pauses longer than that fools
/// it: prefer the NIfTI header-size and DICOM pixel-data checks.
/// </summary>
public sealed class SizeStableCompleteness
{
    private readonly Dictionary<string, (long Size, long Since)> _seen = new(StringComparer.Ordinal);
    private readonly TimeSpan _stableFor;
    private readonly TimeProvider _time;

    /// <summary>Creates the check.</summary>
    /// <param name="stableFor">How long the size must stay the same (the watcher uses its polling interval).</param>
    /// <param name="time">Clock of the checks.</param>
    public SizeStableCompleteness(TimeSpan stableFor, TimeProvider time)
    {
        if (stableFor <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(stableFor), $"The stability time must be positive, got {stableFor.TotalMilliseconds} ms.");
        _stableFor = stableFor;
        _time = time ?? throw new ArgumentNullException(nameof(time));
    }

    /// <summary>The check, as the delegate <see cref="ExportWatcherOptions.Completeness"/> takes.</summary>
    public FileCompleteness Check(string path)
    {
        long size;
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists) { _seen.Remove(path); return FileCompleteness.Incomplete; }
            size = info.Length;
        }
        catch (IOException) { return FileCompleteness.Incomplete; }
        catch (UnauthorizedAccessException) { return FileCompleteness.Incomplete; }

        long now = _time.GetTimestamp();
        if (size > 0 && _seen.TryGetValue(path, out var last) && last.Size == size)
        {
            if (_time.GetElapsedTime(last.Since, now) < _stableFor) return FileCompleteness.Incomplete;
            _seen.Remove(path);
            return FileCompleteness.Complete;
        }
        _seen[path] = (size, now);
        return FileCompleteness.Incomplete;
    }
}
