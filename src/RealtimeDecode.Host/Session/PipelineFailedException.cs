namespace RealtimeDecode.Host.Session;

/// <summary>
/// A live or replay session whose pipeline stopped on an unexpected error: the recording holds
/// everything up to it, and the command exits non-zero with the one-line message.
/// </summary>
internal sealed class PipelineFailedException(string message, Exception inner) : Exception(message, inner);
