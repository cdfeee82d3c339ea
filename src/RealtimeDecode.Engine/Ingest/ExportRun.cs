using RealtimeDecode.Engine.Pipeline;

namespace RealtimeDecode.Engine.Ingest;

/// <summary>
/// One run (scanner series) seen by the <see cref="ExportFolderWatcher"/>: the start of a new series
/// is the run boundary. <see cref="Volumes"/> are in index order, including Missing slots and
/// Late/Duplicate reports; it completes when the next series starts or the watch stops. It replays
/// to late subscribers, so it can be subscribed after the previous run's processing has finished.
/// </summary>
/// <param name="Series">Scanner series number.</param>
/// <param name="Volumes">The run's arrivals, ordered.</param>
public sealed record ExportRun(int Series, IObservable<VolumeArrival> Volumes);
