namespace RealtimeDecode.Host.Dashboard;

/// <summary>
/// The estimates and QC rows of the session so far, kept for late joiners in rows of plain values rather than as the
/// messages published: a message is not held once sent, so it dies young with its sends, and a long session's
/// backlog grows by its rows alone, about 0.25 kB a volume. The ROI values and running counts of the newest
/// <c>roiKept</c> QC rows sit in slots reused round the ring, so once the ring is full a volume allocates nothing
/// here but a new chunk of rows every 512 volumes. <see cref="Estimates"/> and <see cref="Qc"/> build the messages again, equal to those added, except that a
/// QC row older than the newest <c>roiKept</c> has no ROI values and no counts. Not thread-safe: the broadcaster
/// calls it under its lock.
/// </summary>
internal sealed class SessionBacklog(int roiKept)
{
    private static readonly IReadOnlyDictionary<string, int> NoCounts = new Dictionary<string, int>();

    private readonly Chunked<EstimateRow> _estimates = new();
    private readonly Chunked<double> _values = new();
    private readonly Chunked<QcRow> _qc = new();
    private readonly int _kept = Math.Max(0, roiKept);
    private readonly List<string> _names = [];
    private string[]? _targets;
    private string[]? _countKeys;
    private RingSlot[]? _ring;

    public void Add(EstimateMessage m)
    {
        if (_targets is null || !_targets.AsSpan().SequenceEqual(m.Targets)) _targets = m.Targets;
        _estimates.Add(new EstimateRow(m.Volume, m.Onset, _targets, _values.Count, m.Values.Length, m.Latency, m.SentUnixMs,
            m.Censored, m.HighMotionVolume, m.Withheld, Name(m.Session), m.Seq, m.Run));
        foreach (var v in m.Values) _values.Add(v);
    }

    /// <summary>QC rows kept: one per volume of the run so far.</summary>
    public int QcCount => _qc.Count;

    public void Add(QcMessage m)
    {
        int index = _qc.Count;
        _qc.Add(new QcRow(m.Volume, m.Onset, Name(m.Status)!, m.Latency, m.Motion, m.MotionParameters, m.Fd, m.HighMotion, Name(m.Session), m.Seq,
            m.Run, m.SentUnixMs));
        if (_kept == 0) return;
        int at = index % _kept;
        if (_ring is null || at >= _ring.Length) Grow(at + 1);
        ref var slot = ref _ring![at];
        slot.Row = index;
        if (m.Roi is { } roi)
        {
            if (slot.Roi is null || slot.Roi.Length != roi.Length) slot.Roi = new float[roi.Length];
            roi.CopyTo(slot.Roi, 0);
            slot.HasRoi = true;
        }
        else slot.HasRoi = false;
        slot.CountKeys = Keys(m.Counts);
        if (slot.Counts is null || slot.Counts.Length != slot.CountKeys.Length) slot.Counts = new int[slot.CountKeys.Length];
        int k = 0;
        foreach (var kv in m.Counts) slot.Counts[k++] = kv.Value;
    }

    public void Clear()
    {
        _estimates.Clear();
        _values.Clear();
        _qc.Clear();
        if (_ring is not null)
            for (int i = 0; i < _ring.Length; i++) _ring[i].Row = -1;
    }

    public EstimateMessage[] Estimates()
    {
        var result = new EstimateMessage[_estimates.Count];
        for (int i = 0; i < result.Length; i++)
        {
            ref readonly var r = ref _estimates[i];
            var values = new double[r.ValueCount];
            for (int k = 0; k < values.Length; k++) values[k] = _values[r.ValuesAt + k];
            result[i] = new EstimateMessage(r.Volume, r.Onset, r.Targets, values, r.Latency, r.SentUnixMs, r.Censored, r.HighMotionVolume, r.Withheld)
            { Session = r.Session, Seq = r.Seq, Run = r.Run };
        }
        return result;
    }

    public QcMessage[] Qc()
    {
        var result = new QcMessage[_qc.Count];
        for (int i = 0; i < result.Length; i++)
        {
            ref readonly var r = ref _qc[i];
            float[]? roi = null;
            var counts = NoCounts;
            if (_ring is not null && i % _kept < _ring.Length && _ring[i % _kept] is { Row: var row } slot && row == i)
            {
                if (slot.HasRoi) roi = [.. slot.Roi!];
                var c = new Dictionary<string, int>(slot.CountKeys!.Length);
                for (int k = 0; k < slot.CountKeys.Length; k++) c[slot.CountKeys[k]] = slot.Counts![k];
                counts = c;
            }
            result[i] = new QcMessage(r.Volume, r.Onset, r.Status, counts, r.Latency, r.Motion, roi, r.MotionParameters, r.Fd, r.HighMotion)
            { Session = r.Session, Seq = r.Seq, Run = r.Run, SentUnixMs = r.SentUnixMs };
        }
        return result;
    }

    /// <summary>Makes room for at least <paramref name="slots"/> ring slots, doubling up to <c>roiKept</c>: a short session takes few.</summary>
    private void Grow(int slots)
    {
        int from = _ring?.Length ?? 0;
        Array.Resize(ref _ring, Math.Min(_kept, Math.Max(slots, Math.Max(64, 2 * from))));
        for (int i = from; i < _ring.Length; i++) _ring[i].Row = -1;
    }

    /// <summary>The one instance kept of a status or session name: a session has a handful, repeated on every row.</summary>
    private string? Name(string? s)
    {
        if (s is null) return null;
        foreach (var n in _names)
            if (n == s) return n;
        if (_names.Count < 64) _names.Add(s);
        return s;
    }

    /// <summary>The count keys of a row, in their order: the previous rows' array while they are the same.</summary>
    private string[] Keys(IReadOnlyDictionary<string, int> counts)
    {
        if (_countKeys is { } keys && keys.Length == counts.Count)
        {
            int k = 0;
            bool same = true;
            foreach (var kv in counts)
                if (kv.Key != keys[k++]) { same = false; break; }
            if (same) return keys;
        }
        return _countKeys = [.. counts.Keys];
    }

    private readonly record struct EstimateRow(int Volume, double Onset, string[] Targets, int ValuesAt, int ValueCount, double Latency,
        double SentUnixMs, bool Censored, int? HighMotionVolume, bool Withheld, string? Session, long Seq, int Run);

    private readonly record struct QcRow(int Volume, double Onset, string Status, double? Latency, double? Motion, double[]? MotionParameters,
        double? Fd, bool HighMotion, string? Session, long Seq, int Run, double SentUnixMs);

    /// <summary>The ROI values and counts of one of the newest rows; <see cref="Row"/> is the row they belong to (−1: none).</summary>
    private struct RingSlot
    {
        public int Row;
        public bool HasRoi;
        public float[]? Roi;
        public string[]? CountKeys;
        public int[]? Counts;
    }

    /// <summary>A list in fixed chunks of 512: growing never copies, and no chunk is a large object.</summary>
    private sealed class Chunked<T>
    {
        private const int Shift = 9;
        private const int Size = 1 << Shift;
        private readonly List<T[]> _chunks = [];

        public int Count { get; private set; }

        public ref T this[int i] => ref _chunks[i >> Shift][i & (Size - 1)];

        public void Add(T item)
        {
            if ((Count & (Size - 1)) == 0 && Count >> Shift == _chunks.Count) _chunks.Add(new T[Size]);
            _chunks[Count >> Shift][Count & (Size - 1)] = item;
            Count++;
        }

        public void Clear()
        {
            _chunks.Clear();
            Count = 0;
        }
    }
}
