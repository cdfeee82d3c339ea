namespace RealtimeDecode.Engine.Ingest;

/// <summary>Whether an exported file can be read yet.</summary>
public enum FileCompleteness
{
    /// <summary>Still being written (or vanished): look again later.</summary>
    Incomplete,
    /// <summary>All its bytes are there: read it.</summary>
    Complete,
}
