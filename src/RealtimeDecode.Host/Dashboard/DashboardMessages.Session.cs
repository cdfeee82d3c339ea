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
}

public sealed partial record SessionSnapshot
{
    /// <summary>Id of the session.</summary>
    public string? Session { get; init; }

    /// <summary>The largest <see cref="ISessionEvent.Seq"/> the snapshot includes: a client applies the snapshot, then live events with a larger seq.</summary>
    public long Seq { get; init; }
}
