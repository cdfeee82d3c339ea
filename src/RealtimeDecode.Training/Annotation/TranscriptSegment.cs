namespace RealtimeDecode.Training.Annotation;

/// <summary>
/// One timed segment of a story (usually a sentence): it covers [<see cref="Onset"/>,
/// <see cref="Offset"/>) in seconds from the start of the run's first volume.
/// </summary>
/// <param name="Index">0-based position in the transcript.</param>
/// <param name="Onset">Start, seconds.</param>
/// <param name="Offset">End (exclusive), seconds; greater than <paramref name="Onset"/>.</param>
/// <param name="Text">The words, non-empty.</param>
public sealed record TranscriptSegment(int Index, double Onset, double Offset, string Text);
