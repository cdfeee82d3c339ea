namespace RealtimeDecode.Engine.Pipeline;

/// <summary>
/// An output of the pipeline (dashboard, LSL outlet, recorder, summary). A <see cref="SinkFanout"/>
/// calls each sink from its own consumer task, one call at a time, frames in publication order;
/// a sink therefore needs no locking against itself, and its exceptions and slowness stay its own.
/// </summary>
public interface IFrameSink
{
    /// <summary>Name used in logs and statistics.</summary>
    string Name { get; }

    /// <summary>
    /// True when the sink keeps no reference to a frame's arrays once <see cref="OnFrameAsync"/> has returned (a
    /// sink that keeps something copies it), so that the edge array can go back to <see cref="FrameBufferPool"/>
    /// (see <see cref="SinkRegistration.ReleasesArrays"/>, which takes this as its default). Default false.
    /// </summary>
    bool ReleasesArrays => false;

    /// <summary>Handles one frame (estimate or skipped). Exceptions are logged and counted by the fan-out.</summary>
    ValueTask OnFrameAsync(PipelineFrame frame, CancellationToken cancellationToken);

    /// <summary>Called once after the last frame; <paramref name="error"/> is the pipeline's failure, if it failed.</summary>
    ValueTask OnCompletedAsync(Exception? error, CancellationToken cancellationToken);
}
