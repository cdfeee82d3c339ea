namespace RealtimeDecode.Engine.Recording;

/// <summary>
/// When the participant display drew each volume's frame, as its acknowledgements report it: the source of
/// <c>feedback.tsv</c>'s <c>displayed_ms</c>. Implemented by the host that serves the display; thread-safe.
/// </summary>
public interface IFeedbackDisplayTimes
{
    /// <summary>
    /// True once volume <paramref name="volume"/>'s display time is settled: <paramref name="displayedMs"/> is
    /// then the milliseconds from the volume's file complete to the display's draw (host clock), or NaN when no
    /// display drew it within the host's wait. False while an acknowledgement may still come.
    /// </summary>
    bool TryGetDisplayedMs(int volume, out double displayedMs);

    /// <summary>Completes when every volume up to <paramref name="lastVolume"/> is settled (bounded by the host's wait).</summary>
    Task WhenSettledAsync(int lastVolume, CancellationToken cancellationToken);
}
