namespace RealtimeDecode.Host.Dashboard;

// Every hub event names its session and its place in that session, so a client can join any host,
// merge the backlog with live events exactly (no gap, no duplicate) and ignore other sessions.

/// <summary>An event of one session, numbered in publication order.</summary>
internal interface ISessionEvent
{
    /// <summary>Id of the session the event belongs to (see <see cref="SessionIds"/>).</summary>
    string? Session { get; }

    /// <summary>Publication number within the session: 1, 2, 3, … in the order the decoder published; gaps allowed (superseded matrices), never repeated.</summary>
    long Seq { get; }
}

public sealed partial record EstimateMessage : ISessionEvent
{
    /// <inheritdoc />
    public string? Session { get; init; }

    /// <inheritdoc />
    public long Seq { get; init; }
}

public sealed partial record QcMessage : ISessionEvent
{
    /// <inheritdoc />
    public string? Session { get; init; }

    /// <inheritdoc />
    public long Seq { get; init; }
}

public sealed partial record ConnectivityMessage : ISessionEvent
{
    /// <inheritdoc />
    public string? Session { get; init; }

    /// <inheritdoc />
    public long Seq { get; init; }
}

/// <summary>A status names its session in <see cref="StatusMessage.Session"/>.<see cref="SessionInfo.Id"/> (JSON <c>session.id</c>), beside the session's facts.</summary>
public sealed partial record StatusMessage : ISessionEvent
{
    string? ISessionEvent.Session => Session?.Id;

    /// <inheritdoc />
    public long Seq { get; init; }
}

public sealed partial record SessionInfo
{
    /// <summary>The session's id.</summary>
    public string? Id { get; init; }

    /// <summary>When the decoder began the session (Unix ms, its clock), or null when not known. With <see cref="Id"/> it
    /// tells one session from another of the same id (a decoder took the id over once the first ended or went stale):
    /// a client that sees it change drops what it has of the session, whose runs and volumes count from the start again.</summary>
    public double? StartedUnixMs { get; init; }
}

public sealed partial record SessionSnapshot
{
    /// <summary>Id of the session.</summary>
    public string? Session { get; init; }

    /// <summary>The largest <see cref="ISessionEvent.Seq"/> the snapshot includes: a client applies the snapshot, then live events with a larger seq.</summary>
    public long Seq { get; init; }

    /// <summary>When this host made the snapshot (Unix ms, its clock): a client subtracts the newest row's
    /// <see cref="QcMessage.SentUnixMs"/> to know how long ago the last volume came in, whatever its own clock says.</summary>
    public double SentUnixMs { get; init; }
}

// A live session can hold several runs (a new scanner series starts one, its volumes counting from 0 again): every
// event of a run says which, so a client tells a new run's volume 0 from a repeat of the previous run's.

public sealed partial record EstimateMessage
{
    /// <summary>The run of the session the volume belongs to: 1 for the first, one more at each new scanner series
    /// (<see cref="Engine.Pipeline.PipelineFrame.Series"/>), as the participant display's frames count them.</summary>
    public int Run { get; init; }
}

public sealed partial record QcMessage
{
    /// <inheritdoc cref="EstimateMessage.Run" />
    public int Run { get; init; }

    /// <summary>When the decoder published the row (Unix ms, its clock; 0: not known): with
    /// <see cref="SessionSnapshot.SentUnixMs"/>, how long ago the run's last volume came in.</summary>
    public double SentUnixMs { get; init; }
}

public sealed partial record ConnectivityMessage
{
    /// <inheritdoc cref="EstimateMessage.Run" />
    public int Run { get; init; }
}

public sealed partial record StatusMessage
{
    /// <summary>The run in progress (<see cref="EstimateMessage.Run"/>): 1 until a second scanner series begins.</summary>
    public int Run { get; init; }

    /// <summary>The scanner series of the run in progress (0 when the source gives none), or null before its first volume.</summary>
    public int? Series { get; init; }
}
