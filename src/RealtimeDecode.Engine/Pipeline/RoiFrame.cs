namespace RealtimeDecode.Engine.Pipeline;

/// <summary>Cleaned ROI signals of one volume: one value per atlas label, ascending label value.</summary>
/// <param name="Volume">0-based volume index.</param>
/// <param name="OnsetSeconds">Onset (s) from the start of the run.</param>
/// <param name="Values">ROI values after the clean stage (the array belongs to the frame).</param>
/// <param name="Timing">Timing of the volume (shared with its estimate frame).</param>
public sealed record RoiFrame(int Volume, double OnsetSeconds, double[] Values, FrameTiming Timing);
