namespace RealtimeDecode.Training.Annotation;

/// <summary>
/// An annotation run could not finish: an invalid reply that stayed invalid, an endpoint that kept
/// failing or refused the request, or a request budget that would be exceeded. The message is one
/// line that names the segment when there is one. Answers received before it are in the cache.
/// </summary>
public sealed class AnnotationException : Exception
{
    public AnnotationException(string message, int? segment = null, Exception? inner = null) : base(message, inner) => Segment = segment;

    /// <summary>0-based index of the segment concerned, if any.</summary>
    public int? Segment { get; }
}
