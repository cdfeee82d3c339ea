namespace RealtimeDecode.Engine.Pipeline;

/// <summary>
/// Dynamic connectivity of the window ending at <see cref="Volume"/>: the edges i&lt;j of the ROI order,
/// row-major (0-1, 0-2, ..., 1-2, ...), R(R-1)/2 values, as the connectivity stage returns them.
/// </summary>
/// <param name="Volume">0-based index of the last volume of the window.</param>
/// <param name="OnsetSeconds">Onset (s) of that volume.</param>
/// <param name="Edges">Edge values (the array belongs to the frame).</param>
/// <param name="Timing">Timing of the volume (shared with its estimate frame).</param>
public sealed record ConnectivityFrame(int Volume, double OnsetSeconds, double[] Edges, FrameTiming Timing);
