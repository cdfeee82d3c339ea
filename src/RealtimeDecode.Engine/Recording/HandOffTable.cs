using System.Globalization;
using RealtimeDecode.Engine.Pipeline;
using RealtimeDecode.Engine.Tables;
using RealtimeDecode.Imaging;
using Serilog;
using Serilog.Core;

namespace RealtimeDecode.Engine.Recording;

/// <summary>
/// Writes <see cref="RecordingLayout.HandOffsFile"/>: each sink's own latency. One row per estimate (a frame with
/// estimates) and sink that handed it to its transport, written as the hand-off is reported
/// (<see cref="SinkFanout"/>'s hand-off callback, from that sink's consumer), so rows of different sinks interleave:
/// <c>volume</c>, <c>series</c> (<see cref="PipelineFrame.Series"/>), <c>sink</c> (its name: <c>recorder</c>,
/// <c>dashboard</c>, <c>lsl</c>, <c>feedback</c>), <c>handoff_ms</c> (ms since session start, monotonic clock) and
/// <c>latency_ms</c> (hand-off − detection). The smallest <c>handoff_ms</c> of a volume is its <c>published_ms</c> in
/// <c>estimates.tsv</c>. A frame a bounded sink dropped has no row of that sink. Rows are whole, one write each, as
/// <see cref="RecordingFile"/> writes them; a write failure ends the file (logged once, <see cref="Failure"/>).
/// Thread-safe.
/// </summary>
public sealed class HandOffTable : IDisposable
{
    private readonly RecordingFile _file;
    private readonly long _origin;
    private readonly ILogger _log;
    private readonly object _gate = new();
    private bool _reported;
    private bool _closed;

    /// <summary>Creates the file (with its header) in <paramref name="directory"/>.</summary>
    /// <param name="directory">The session's recording folder.</param>
    /// <param name="sessionStart">Monotonic timestamp the ms columns count from.</param>
    /// <param name="log">Where a write failure is reported.</param>
    /// <exception cref="InputDataException">The file cannot be created.</exception>
    public HandOffTable(string directory, long sessionStart, ILogger? log = null)
    {
        ArgumentNullException.ThrowIfNull(directory);
        _origin = sessionStart;
        _log = (log ?? Logger.None).ForContext<HandOffTable>();
        string path = System.IO.Path.Combine(directory, RecordingLayout.HandOffsFile);
        try { _file = new RecordingFile(path); }
        catch (Exception e) when (AtomicFile.IsWriteFailure(e))
        {
            throw new InputDataException(path, $"cannot write the recording: {e.Message}", e);
        }
        Append("volume\tseries\tsink\thandoff_ms\tlatency_ms\n");
    }

    /// <summary>The file's path.</summary>
    public string Path => _file.Path;

    /// <summary>Why the file stopped being written, or null.</summary>
    public string? Failure
    {
        get
        {
            lock (_gate) return _file.Failure;
        }
    }

    /// <summary>Records <paramref name="handOff"/> of <paramref name="frame"/> when the frame has estimates; other frames are ignored.</summary>
    public void Record(PipelineFrame frame, SinkHandOff handOff)
    {
        ArgumentNullException.ThrowIfNull(frame);
        ArgumentNullException.ThrowIfNull(handOff);
        if (frame is not EstimateFrame { Estimates: not null }) return;
        var t = frame.Timing;
        var ci = CultureInfo.InvariantCulture;
        string row = string.Create(ci, $"{frame.Volume}\t{frame.Series}\t{handOff.Sink}\t{Ms(t.MillisecondsSince(_origin, handOff.Timestamp))}\t{Ms(t.MillisecondsSince(t.DetectedTimestamp, handOff.Timestamp))}\n");
        lock (_gate)
        {
            if (!_closed) Append(row);
        }
    }

    /// <summary>Closes the file.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            _closed = true;
            _file.Dispose();
        }
    }

    private static string Ms(double ms) => ms.ToString("0.###", CultureInfo.InvariantCulture);

    private void Append(string row)
    {
        if (_file.TryAppend(row) || _reported || _file.Failure is not { } problem) return;
        _reported = true;
        _log.Error("Recording: cannot write {File} ({Problem}); its complete rows are kept, no more are written to it, the session goes on", _file.Path, problem);
    }
}
