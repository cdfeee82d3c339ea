namespace RealtimeDecode.Lsl;

/// <summary>The other party broke the LSL protocol (malformed reply, error status, wrong test pattern).</summary>
public sealed class LslProtocolException : IOException
{
    /// <summary>Creates the exception.</summary>
    public LslProtocolException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with its cause.</summary>
    public LslProtocolException(string message, Exception inner) : base(message, inner)
    {
    }

    /// <summary>The status code of an error reply (404, 505, ...), 0 otherwise.</summary>
    public int StatusCode { get; init; }
}
