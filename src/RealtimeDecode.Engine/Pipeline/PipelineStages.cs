using RealtimeDecode.Imaging;

namespace RealtimeDecode.Engine.Pipeline;

/// <summary>
/// The numeric steps the pipeline composes, for ONE subscription (one run): stateful stages
/// (online preprocessing, the sliding window) keep their state in the objects these delegates close
/// over, so <see cref="RealtimePipeline"/> asks its factory for a fresh set per subscription.
/// All delegates are called on the pipeline's scheduler, one volume at a time, in volume order.
/// Arrays returned by a stage are handed downstream and published: a stage must return an array no one
/// else holds each call (a new one, or one rented from <see cref="FrameBufferPool"/>; never its own reused buffer).
/// </summary>
/// <param name="Read">Reads the volume of an arrival; throws <see cref="InputDataException"/> when the file is corrupt.</param>
/// <param name="Roi">Mean per atlas label (ascending label value); may throw <see cref="InputDataException"/> on a grid mismatch.</param>
/// <param name="Clean">Online preprocessing of the ROI vector (detrend, z-score, nuisance), in place: returns its argument, cleaned.</param>
/// <param name="Connectivity">Pushes the cleaned ROI vector into the sliding window; returns the Fisher-z upper
/// triangle once the window is full, null while warming up.</param>
/// <param name="Decode">Turns a connectivity vector into one estimate per target.</param>
/// <param name="Skip">Called with the volume index when a TR slot has no data (missing or corrupt), so
/// stateful stages can mark the gap; null = the gap is simply not pushed.</param>
/// <param name="Motion">With realignment (done inside <paramref name="Roi"/>), the motion of the volume the roi stage just took; null = no realignment.</param>
/// <param name="Censor">With realignment, the censoring of the window ending at the volume the roi stage just took; null = none.</param>
public sealed record PipelineStages(
    Func<VolumeArrival, Volume> Read,
    Func<Volume, double[]> Roi,
    Func<double[], double[]> Clean,
    Func<double[], double[]?> Connectivity,
    Func<double[], double[]> Decode,
    Action<int>? Skip = null,
    Func<Motion.MotionEstimate?>? Motion = null,
    Func<Motion.CensorVerdict?>? Censor = null)
{
    /// <summary>
    /// A reader that uses the arrival's in-memory provider when it has one and otherwise reads its file
    /// with <paramref name="readFile"/> (e.g. the NIfTI or DICOM reader).
    /// </summary>
    public static Func<VolumeArrival, Volume> ReadFromProviderOrFile(Func<string, Volume> readFile)
    {
        ArgumentNullException.ThrowIfNull(readFile);
        return arrival =>
        {
            if (arrival.Load is not null) return arrival.Load();
            if (arrival.Path is null) throw new InputDataException(null, $"volume {arrival.Index} has neither a file nor an in-memory source");
            return readFile(arrival.Path);
        };
    }
}
