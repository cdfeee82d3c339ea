namespace RealtimeDecode.Engine.Pipeline;

/// <summary>
/// A volume that produced no data. For <see cref="VolumeStatus.Missing"/> and
/// <see cref="VolumeStatus.Corrupt"/> the frame stands in the volume's TR slot so the TR clock stays
/// aligned (the stages' skip hook was called); <see cref="VolumeStatus.Late"/> and
/// <see cref="VolumeStatus.Duplicate"/> frames report an ignored extra file and take no slot.
/// </summary>
/// <param name="Volume">0-based volume index.</param>
/// <param name="OnsetSeconds">Onset (s) of the slot: index × TR.</param>
/// <param name="Status">Missing, corrupt, late or duplicate.</param>
/// <param name="File">The file, when there was one.</param>
/// <param name="Timing">Detection and publication timestamps (no read or decode).</param>
/// <param name="Reason">One line saying why (the <see cref="Imaging.InputDataException"/> message for corrupt volumes).</param>
public sealed record SkippedFrame(
    int Volume,
    double OnsetSeconds,
    VolumeStatus Status,
    string? File,
    string Reason,
    FrameTiming Timing)
    : PipelineFrame(Volume, OnsetSeconds, Status, File, Timing);
