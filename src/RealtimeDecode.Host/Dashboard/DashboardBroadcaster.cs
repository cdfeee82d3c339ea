using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR;

namespace RealtimeDecode.Host.Dashboard;

/// <summary>
/// Keeps the session so far for late joiners and pushes live events to every connected client through
/// a bounded queue of its own: a slow client loses its oldest messages (counted) and never slows the
/// pipeline or the other clients. A connectivity matrix still waiting in a client's queue when a newer one
/// is published is skipped (counted in <see cref="SupersededMatrices"/>, not as dropped): a dashboard shows
/// only the newest matrix, and estimates behind it no longer wait for matrices nobody will see. Every other
/// event is sent, in sequence order. A client is given at most one matrix per
/// <see cref="DashboardOptions.MatrixIntervalMs"/>: one published sooner after the last it was given is not offered
/// to it (counted in <see cref="ThinnedMatrices"/>), except that the newest matrix, when it is the event just before a
/// status (the end of a run), is given to every client that lacks it, so a run's last matrix is always shown. Each
/// client has a phase of its own within the interval, spread evenly over the clients in the order they connect (the
/// first has none): its first live matrix is the first published at least that long after the first it could have
/// had. Viewers who connected together so take their matrices on different volumes rather than all the same one at
/// once. Each client's pump sends one message, then lets every other pump with messages send one before its next,
/// so that no viewer's estimate waits behind the matrices of the viewers served before it.
/// Publishing never blocks: it appends to the backlog and offers the
/// message to each queue. One broadcaster serves one session (<see cref="SessionId"/>): every message
/// it publishes is stamped with the session and the next sequence number; a session decoded elsewhere
/// is fed through <see cref="Ingest"/> with the numbers its decoder gave.
/// </summary>
public sealed class DashboardBroadcaster : IAsyncDisposable
{
    private readonly IHubContext<DecoderHub, IDecoderClient>? _hub;
    private readonly int _capacity;
    private readonly TimeProvider _time;
    private readonly long _matrixIntervalTicks;
    private readonly ConcurrentDictionary<string, Client> _clients = new();
    private readonly object _gate = new();
    private readonly SessionBacklog _backlog;
    private ConnectivityMessage? _connectivity;
    private StatusMessage _status = new("starting", null, 0, 0, 0, null);
    private long _dropped;
    private long _superseded;
    private long _thinned;
    private ProtocolInfo? _protocol;
    private FeedbackDisplayMessage? _feedback;
    private readonly List<BlockFeedback> _learning = [];
    private long _seq;
    private int _clientsAdded;
    private double? _staleSince;

    /// <summary>The golden-ratio fraction: client k's phase is frac(k · this) of the interval, evenly spread for any count.</summary>
    private const double PhaseStep = 0.6180339887498949;

    /// <param name="hub">Where client sends go; null for a decoder without a dashboard that only publishes to Redis (no clients).</param>
    /// <param name="options">Queue length, backlog and matrix interval.</param>
    /// <param name="time">The clock of the matrix interval: wall time, which viewers' bytes are counted in, even when the
    /// session runs on another clock (default: the system's).</param>
    public DashboardBroadcaster(IHubContext<DecoderHub, IDecoderClient>? hub, DashboardOptions options, TimeProvider? time = null)
    {
        _hub = hub;
        _capacity = options.ClientQueue;
        _backlog = new SessionBacklog(options.BacklogRoiVolumes);
        _time = time ?? TimeProvider.System;
        _matrixIntervalTicks = (long)(options.MatrixIntervalMs / 1000.0 * _time.TimestampFrequency);
    }

    /// <summary>Messages dropped over all clients because they read too slowly.</summary>
    public long DroppedMessages => Interlocked.Read(ref _dropped);

    /// <summary>Matrices skipped over all clients because a newer one was queued before they were sent.</summary>
    public long SupersededMatrices => Interlocked.Read(ref _superseded);

    /// <summary>Matrices not offered to a client because it was given one less than <see cref="DashboardOptions.MatrixIntervalMs"/> before.</summary>
    public long ThinnedMatrices => Interlocked.Read(ref _thinned);

    /// <summary>Connected clients.</summary>
    public int ClientCount => _clients.Count;

    /// <summary>The session this broadcaster serves; set before the first message (null: none named).</summary>
    public string? SessionId { get; set; }

    /// <summary>Called with every message once stamped and kept, in sequence order (the Redis publisher); must not block.</summary>
    internal Action<string, ISessionEvent>? Published { get; set; }

    public void Publish(EstimateMessage m)
    {
        lock (_gate) { m = m with { Session = SessionId, Seq = ++_seq }; _backlog.Add(m); }
        Offer(m);
    }

    public void Publish(QcMessage m)
    {
        lock (_gate) { m = m with { Session = SessionId, Seq = ++_seq }; _backlog.Add(m); }
        Offer(m);
    }

    public void Publish(ConnectivityMessage m)
    {
        ConnectivityMessage? previous;
        lock (_gate)
        {
            // Kept as the newest matrix: held until a newer one replaces it (see MatrixBytes).
            if (m.Lease is { } lease && !lease.TryHold()) throw new ArgumentException("The matrix's bytes were already given back.", nameof(m));
            m = m with { Session = SessionId, Seq = ++_seq };
            previous = _connectivity;
            _connectivity = m;
        }
        Offer(m);
        previous?.Lease?.Release();
    }

    public void Publish(StatusMessage m)
    {
        lock (_gate) { m = m with { DroppedMessages = DroppedMessages, Session = m.Session is { } i ? i with { Id = SessionId } : null, Seq = ++_seq }; _status = m; }
        Offer(m);
    }

    /// <summary>The session's protocol, for displays and dashboards that connect (<see cref="FeedbackSnapshot"/>).</summary>
    public void SetProtocol(ProtocolInfo protocol)
    {
        lock (_gate) _protocol = protocol;
    }

    /// <summary>Publishes a frame of the participant display; kept as the current frame, its completed block added to the learning curve.</summary>
    public void Publish(FeedbackDisplayMessage m)
    {
        lock (_gate)
        {
            _feedback = m;
            if (m.Completed is { } c) _learning.Add(c);
        }
        Offer(m);
    }

    /// <summary>The protocol, the current display frame and the learning curve of every run so far (not cleared by <see cref="Reset"/>).</summary>
    public FeedbackState FeedbackSnapshot()
    {
        lock (_gate) return new FeedbackState(_protocol, _feedback, [.. _learning]);
    }

    /// <summary>
    /// Adds a message of a session decoded elsewhere, keeping its session and sequence number; a message
    /// whose number is not above the last one taken (a repeat after a reconnection) is ignored.
    /// </summary>
    /// <returns>False when the message was a repeat or of an unknown kind.</returns>
    internal bool Ingest(ISessionEvent message)
    {
        lock (_gate)
        {
            if (message.Seq <= _seq) return false;
            switch (message)
            {
                case EstimateMessage e: _backlog.Add(e); break;
                case QcMessage q: _backlog.Add(q); break;
                case ConnectivityMessage c:
                    if (c.Lease is { } lease && !lease.TryHold()) return false;
                    _connectivity?.Lease?.Release();
                    _connectivity = c;
                    break;
                case StatusMessage st: _status = st; break;
                default: return false;
            }
            _seq = message.Seq;
        }
        Offer(message);
        return true;
    }

    /// <summary>
    /// A session decoded elsewhere has had no news since <paramref name="sinceUnixMs"/> (null: news again). While live, its
    /// status reads <c>stale</c> with that time in its message; each change is sent to the clients as a status numbered like
    /// the last event, a host's note rather than an event of the session (clients that follow <c>seq</c> strictly skip it).
    /// </summary>
    internal void SetStale(double? sinceUnixMs)
    {
        StatusMessage note;
        lock (_gate)
        {
            if ((_staleSince is null) == (sinceUnixMs is null)) return;
            _staleSince = sinceUnixMs;
            if (!IsLive(_status)) return;
            note = CurrentStatus() with { Seq = _seq };
        }
        Offer(note);
    }

    private static bool IsLive(StatusMessage s) => s.State is not ("ended" or "failed");

    /// <summary>Numbers the next message published after <paramref name="seq"/> at least (a session taking over the id of one that ended or went silent).</summary>
    internal void ContinueAfter(long seq)
    {
        lock (_gate) _seq = Math.Max(_seq, seq);
    }

    /// <summary>
    /// A session decoded elsewhere was replaced by a new one of the same id (a decoder took over the id): everything kept
    /// of the old one goes (backlog, matrix, status, stale note, the last number taken), so the new session's events, read
    /// again from its first, are all taken and a viewer joining later gets the new session alone.
    /// </summary>
    internal void Restart()
    {
        ConnectivityMessage? previous;
        lock (_gate)
        {
            _backlog.Clear();
            previous = _connectivity;
            _connectivity = null;
            _status = new("starting", null, 0, 0, 0, null);
            _staleSince = null;
            _seq = 0;
        }
        previous?.Lease?.Release();
    }

    /// <summary>The last sequence number published or taken.</summary>
    public long LastSeq { get { lock (_gate) return _seq; } }

    /// <summary>A new session begins on this broadcaster: the backlog is cleared. (A new run of the same session keeps
    /// it: its messages carry their <see cref="EstimateMessage.Run"/>.)</summary>
    public void Reset()
    {
        ConnectivityMessage? previous;
        lock (_gate) { _backlog.Clear(); previous = _connectivity; _connectivity = null; }
        previous?.Lease?.Release();
    }

    /// <summary>
    /// The session so far: the newest status, every estimate and QC row of every run (ROI values and counts for the newest
    /// <see cref="DashboardOptions.BacklogRoiVolumes"/> rows) and the newest matrix, stamped with this host's time. The records are built for the
    /// call (<see cref="SessionBacklog"/>); <see cref="Status"/> alone costs nothing.
    /// </summary>
    public SessionSnapshot Snapshot()
    {
        lock (_gate)
        {
            // Sent to a client some time later: its matrix bytes are kept out of the pool for good.
            _connectivity?.Lease?.Pin();
            return new SessionSnapshot(CurrentStatus(), _backlog.Estimates(), _backlog.Qc(), _connectivity)
            { Session = SessionId, Seq = _seq, SentUnixMs = (_time.GetUtcNow() - DateTimeOffset.UnixEpoch).TotalMilliseconds };
        }
    }

    /// <summary>The newest status, with the drop count and the volumes seen so far (the sessions list and
    /// <c>/api/session</c> read it between status changes).</summary>
    public StatusMessage Status
    {
        get { lock (_gate) return CurrentStatus(); }
    }

    // Under the lock. A status is published when the session's state changes; the volume count moves with every QC row.
    private StatusMessage CurrentStatus()
    {
        var s = _status with { DroppedMessages = DroppedMessages, VolumesSeen = Math.Max(_status.VolumesSeen, _backlog.QcCount) };
        return _staleSince is { } since && IsLive(s)
            ? s with { State = "stale", Message = $"no news from the decoder since {DateTimeOffset.FromUnixTimeMilliseconds((long)since):HH:mm:ss} UTC" }
            : s;
    }

    /// <summary>Starts sending live events to a client; <paramref name="events"/>: those it takes (default every one).</summary>
    internal void AddClient(string connectionId, HubEventFilter? events = null)
    {
        if (_hub is null) throw new InvalidOperationException("This broadcaster has no hub: it only publishes to Redis.");
        var channel = Channel.CreateBounded<object>(
            new BoundedChannelOptions(_capacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
            dropped =>
            {
                Interlocked.Increment(ref _dropped);
                if (_clients.TryGetValue(connectionId, out var me)) me.CountDrop();
                (dropped as PendingMatrix)?.Release();
            });
        int k = Interlocked.Increment(ref _clientsAdded) - 1;
        var client = new Client(channel, new CancellationTokenSource(), events ?? HubEventFilter.All)
        {
            PhaseTicks = (long)(k * PhaseStep % 1.0 * _matrixIntervalTicks),
        };
        if (_clients.TryAdd(connectionId, client))
            client.Pump = Task.Run(() => PumpAsync(connectionId, client));
    }

    internal void RemoveClient(string connectionId)
    {
        if (_clients.TryRemove(connectionId, out var c))
        {
            c.Channel.Writer.TryComplete();
            c.Stop.Cancel();
        }
    }

    private void Offer(object message)
    {
        var evt = DashboardEvents.NameOf(message);
        // Session events go on to Redis; the participant display's frames stay with this host's pages.
        if (message is ISessionEvent e && Published is { } published)
        {
            // The Redis queue serialises it later: its matrix bytes are kept out of the pool for good.
            (message as ConnectivityMessage)?.Lease?.Pin();
            published(evt, e);
        }
        foreach (var c in _clients.Values)
        {
            if (!c.Events.Takes(evt)) continue;
            if (message is ConnectivityMessage)
            {
                if (_matrixIntervalTicks > 0)
                {
                    long now = _time.GetTimestamp();
                    // Before its first matrix, a client counts as given one its phase short of an interval ago.
                    long last = c.LastMatrixAt ??= now - _matrixIntervalTicks + c.PhaseTicks;
                    if (now - last < _matrixIntervalTicks)
                    {
                        c.ThinnedSeq = ((ConnectivityMessage)message).Seq;
                        Interlocked.Increment(ref _thinned);
                        continue;
                    }
                    c.LastMatrixAt = now;
                }
                OfferMatrix(c, (ConnectivityMessage)message);
            }
            else
            {
                // The run's newest matrix, thinned for this client and followed by nothing but this status, still
                // comes before it: in sequence order, and the page ends on the last window.
                if (message is StatusMessage status && c.ThinnedSeq == status.Seq - 1 && NewestMatrixHeld(c.ThinnedSeq) is { } newest)
                    OfferMatrix(c, newest, held: true);
                c.Channel.Writer.TryWrite(message);
            }
        }
    }

    /// <summary>The newest matrix when its number is <paramref name="seq"/>, with one more holder of its bytes, else null.</summary>
    private ConnectivityMessage? NewestMatrixHeld(long seq)
    {
        lock (_gate)
            return _connectivity is { } newest && newest.Seq == seq && (newest.Lease is not { } lease || lease.TryHold()) ? newest : null;
    }

    private static void OfferMatrix(Client c, ConnectivityMessage message, bool held = false)
    {
        // Held until this client's pump has sent it, skipped it or the queue has dropped it.
        if (!held && message.Lease is { } lease && !lease.TryHold()) return;
        var pending = new PendingMatrix(message);
        Interlocked.Exchange(ref c.LastMatrix, pending)?.Supersede();
        c.Channel.Writer.TryWrite(pending);
    }

    private async Task PumpAsync(string connectionId, Client c)
    {
        var proxy = _hub!.Clients.Client(connectionId);
        try
        {
            await foreach (var queued in c.Channel.Reader.ReadAllAsync(c.Stop.Token))
            {
                var message = queued;
                var pending = queued as PendingMatrix;
                if (pending is not null)
                {
                    if (pending.IsSuperseded)
                    {
                        Interlocked.Increment(ref _superseded);
                        pending.Release();
                        continue;
                    }
                    message = pending.Message;
                }
                try
                {
                    await DashboardEvents.SendAsync(proxy, message).WaitAsync(c.Stop.Token);
                    pending?.Release(); // written to the connection: its bytes are no longer read
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // A message that could not be sent is lost for this client alone; the hub removes
                    // the client when its connection closes. (A send given up on when the client leaves may still
                    // be writing: its matrix bytes stay held.)
                    Interlocked.Increment(ref _dropped);
                    c.CountDrop();
                    pending?.Release();
                }
                // More queued: the other clients' pumps woken by the same publication go first, one message each in
                // turn, so no viewer's estimate waits behind the matrices of the viewers before it.
                if (c.Channel.Reader.TryPeek(out _)) await Task.Yield();
            }
        }
        catch (OperationCanceledException) { }
    }

    /// <summary>Messages dropped so far for each connected client (connection id → count).</summary>
    public IReadOnlyDictionary<string, long> DroppedByClient() =>
        _clients.ToDictionary(kv => kv.Key, kv => kv.Value.Dropped);

    /// <summary>How long <see cref="DisposeAsync"/> lets the clients' queues drain before it stops their pumps.</summary>
    internal static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Sends what is already queued (a session's last estimates and its final status, which the pages would otherwise
    /// never see when the host exits right after the session) for up to <see cref="DrainTimeout"/>, then stops every client.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        var clients = _clients.ToArray();
        foreach (var (_, c) in clients) c.Channel.Writer.TryComplete();
        var pumps = clients.Select(kv => kv.Value.Pump).OfType<Task>().ToArray();
        try { await Task.WhenAll(pumps).WaitAsync(DrainTimeout, _time).ConfigureAwait(false); }
        catch (TimeoutException) { }
        foreach (var id in _clients.Keys.ToArray()) RemoveClient(id);
    }

    /// <summary>A matrix in a client's queue, skipped by the pump once a newer one is queued behind it; it holds the
    /// matrix's bytes until released, once (sent, skipped or dropped).</summary>
    private sealed class PendingMatrix(ConnectivityMessage message)
    {
        private volatile bool _superseded;
        private int _released;
        public ConnectivityMessage Message { get; } = message;
        public bool IsSuperseded => _superseded;
        public void Supersede() => _superseded = true;
        public void Release()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0) Message.Lease?.Release();
        }
    }

    private sealed class Client(Channel<object> channel, CancellationTokenSource stop, HubEventFilter events)
    {
        /// <summary>The newest matrix queued for this client (read and replaced by the publishing thread).</summary>
        public PendingMatrix? LastMatrix;

        /// <summary>When this client was last offered a matrix (the publishing thread's), or null before the first was published.</summary>
        public long? LastMatrixAt;

        /// <summary>How long after the first matrix it could have had this client's first is offered (timestamp ticks).</summary>
        public long PhaseTicks { get; init; }

        /// <summary>The sequence number of the last matrix not offered to this client because of the interval, or -1.</summary>
        public long ThinnedSeq = -1;

        public HubEventFilter Events { get; } = events;
        public Channel<object> Channel { get; } = channel;
        public CancellationTokenSource Stop { get; } = stop;
        private long _dropped;
        public Task? Pump { get; set; }
        public long Dropped => Interlocked.Read(ref _dropped);
        public void CountDrop() => Interlocked.Increment(ref _dropped);
    }
}
