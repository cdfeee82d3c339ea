using System.Globalization;
using RealtimeDecode.Imaging;

namespace RealtimeDecode.Engine.Feedback;

/// <summary>
/// A neurofeedback protocol: blocks in time (the events table) and what each condition shows and
/// computes (the sidecar). Read one with <see cref="ProtocolFile.Read"/>; <see cref="FeedbackKernel"/>
/// turns estimates into feedback with it.
/// </summary>
/// <remarks>
/// Times are seconds from the first volume's acquisition (volume v is acquired at v·TR). Blocks are in
/// onset order and do not overlap; every regulation block has a baseline block before it.
/// </remarks>
public sealed class FeedbackProtocol
{
    private readonly int[] _baselineOf;
    private readonly int[] _sourceOf;

    /// <summary>Creates a validated protocol; <see cref="ProtocolFile.Read"/> is the usual way.</summary>
    /// <exception cref="InputDataException">Blocks overlap or a regulation block has no baseline before it.</exception>
    public FeedbackProtocol(
        string path,
        IReadOnlyList<ProtocolCondition> conditions,
        IReadOnlyList<ProtocolBlock> blocks,
        NormalisationMethod normalisation,
        double baselineSkipSeconds,
        int smoothing,
        double haemodynamicDelaySeconds,
        double rangeMin,
        double rangeMax)
    {
        Path = path;
        Conditions = conditions;
        Blocks = blocks;
        Normalisation = normalisation;
        BaselineSkipSeconds = baselineSkipSeconds;
        Smoothing = smoothing;
        HaemodynamicDelaySeconds = haemodynamicDelaySeconds;
        RangeMin = rangeMin;
        RangeMax = rangeMax;
        if (blocks.Count == 0) throw new InputDataException(path, "the events table has no blocks");
        for (int k = 1; k < blocks.Count; k++)
            if (blocks[k].Onset < blocks[k - 1].End - 1e-9)
                throw new InputDataException(path, Invariant(
                    $"blocks {blocks[k - 1].Number} ({blocks[k - 1].Condition.Name}, {blocks[k - 1].Onset:0.###}–{blocks[k - 1].End:0.###} s) and {blocks[k].Number} ({blocks[k].Condition.Name}, onset {blocks[k].Onset:0.###} s) overlap"));
        _baselineOf = new int[blocks.Count];
        int lastBaseline = -1;
        for (int k = 0; k < blocks.Count; k++)
        {
            _baselineOf[k] = lastBaseline;
            if (blocks[k].Condition.Role == ConditionRole.Baseline) lastBaseline = k;
            if (blocks[k].Condition.Role == ConditionRole.Regulate && _baselineOf[k] < 0)
                throw new InputDataException(path, $"regulation block {blocks[k].Number} ({blocks[k].Condition.Name}) has no baseline block before it");
        }
        _sourceOf = new int[blocks.Count + 1];
        int next = -1;
        for (int k = blocks.Count; k >= 0; k--)
        {
            if (k < blocks.Count && blocks[k].Condition.Role == ConditionRole.Regulate) next = k;
            _sourceOf[k] = next;
        }
        int last = -1;
        for (int k = 0; k <= blocks.Count; k++)
        {
            if (_sourceOf[k] < 0) _sourceOf[k] = last;
            if (k < blocks.Count && blocks[k].Condition.Role == ConditionRole.Regulate) last = k;
        }
    }

    /// <summary>The events table's path.</summary>
    public string Path { get; }

    /// <summary>The sidecar's conditions.</summary>
    public IReadOnlyList<ProtocolCondition> Conditions { get; }

    /// <summary>The blocks, row k of the events table at index k − 1.</summary>
    public IReadOnlyList<ProtocolBlock> Blocks { get; }

    /// <summary>How estimates are compared with their baseline.</summary>
    public NormalisationMethod Normalisation { get; }

    /// <summary>Estimates describing the first seconds of a baseline block are left out of its statistics (s, ≥ 0).</summary>
    public double BaselineSkipSeconds { get; }

    /// <summary>Feedback is the mean of the last k normalised estimates of the block (k ≥ 1).</summary>
    public int Smoothing { get; }

    /// <summary>The delay (s, ≥ 0) between brain state and the estimate that describes it.</summary>
    public double HaemodynamicDelaySeconds { get; }

    /// <summary>Lower end of the display range; feedback is clipped to [<see cref="RangeMin"/>, <see cref="RangeMax"/>].</summary>
    public double RangeMin { get; }

    /// <summary>Upper end of the display range.</summary>
    public double RangeMax { get; }

    /// <summary>Time (s from the first volume's acquisition) that the estimate at <paramref name="volume"/> describes:
    /// <c>(v − (W − 1)/2)·TR − delay</c>, the acquisition time of the window's centre less the haemodynamic delay.</summary>
    /// <param name="volume">0-based volume index of the estimate (the window's last volume).</param>
    /// <param name="tr">Repetition time (s).</param>
    /// <param name="window">Window length in volumes (1 for ROI models).</param>
    public double DescribedTime(int volume, double tr, int window) =>
        (volume - (window - 1) / 2.0) * tr - HaemodynamicDelaySeconds;

    /// <summary>Volumes acquired during block <paramref name="block"/> (0-based index): those whose v·TR lies in
    /// [onset, end), first and last (Last &lt; First when none).</summary>
    public (int First, int Last) AcquiredVolumes(int block, double tr) =>
        ((int)Math.Ceiling(Blocks[block].Onset / tr - 1e-9), (int)Math.Ceiling(Blocks[block].End / tr - 1e-9) - 1);

    /// <summary>Volumes whose estimates describe block <paramref name="block"/> (0-based index): those whose
    /// <see cref="DescribedTime"/> lies in [onset, end), first and last (Last &lt; First when none), before any run's
    /// first window (v ≥ W − 1) or end is applied.</summary>
    public (int First, int Last) DescribingVolumes(int block, double tr, int window)
    {
        double shift = HaemodynamicDelaySeconds / tr + (window - 1) / 2.0;
        return ((int)Math.Ceiling(Blocks[block].Onset / tr + shift - 1e-9), (int)Math.Ceiling(Blocks[block].End / tr + shift - 1e-9) - 1);
    }

    /// <summary>Index (0-based) of the block holding <paramref name="time"/>, or −1 outside every block.</summary>
    public int BlockAt(double time)
    {
        int lo = 0, hi = Blocks.Count - 1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            if (time < Blocks[mid].Onset) hi = mid - 1;
            else if (time >= Blocks[mid].End) lo = mid + 1;
            else return mid;
        }
        return -1;
    }

    /// <summary>Index of the most recent baseline block before block <paramref name="block"/>, or −1.</summary>
    public int BaselineOf(int block) => _baselineOf[block];

    /// <summary>
    /// Index of the regulation block whose feedback source an estimate at <paramref name="time"/> is
    /// recorded with: the block's own when it regulates, else the first regulation block after it (or
    /// after the gap), else the last one before; −1 when the protocol has no regulation block.
    /// </summary>
    public int SourceBlockAt(double time)
    {
        int k = BlockAt(time);
        if (k < 0)
        {
            k = 0;
            while (k < Blocks.Count && Blocks[k].Onset <= time) k++;
        }
        return _sourceOf[k];
    }

    /// <summary>Checks the protocol against a run of <paramref name="volumes"/> volumes at <paramref name="tr"/> s.</summary>
    /// <exception cref="InputDataException">A block starts at or after the run's end (volumes·TR).</exception>
    public void CheckRun(double tr, int volumes)
    {
        double end = volumes * tr;
        foreach (var b in Blocks)
            if (b.Onset >= end - 1e-9)
                throw new InputDataException(Path, Invariant(
                    $"block {b.Number} ({b.Condition.Name}) starts at {b.Onset:0.###} s, at or after the run's end ({volumes} volumes × TR {tr:0.###} s = {end:0.###} s)"));
    }

    /// <summary>
    /// Timing problems the protocol's designer should hear of before a session, in block order, one line each:
    /// <list type="bullet">
    /// <item>A continuous block shows fewer than half of the estimates that describe it. An estimate is shown only while
    /// its volume's acquisition time v·TR still lies in the block, and it describes (v − (W − 1)/2)·TR − delay
    /// (<see cref="DescribedTime"/>), so the first (W − 1)/2·TR + delay seconds of the block pass without feedback and
    /// as many estimates of it arrive after it ends. Estimates before the first window (v &lt; W − 1) are not counted.</item>
    /// <item>An intermittent block's score is released with the first estimate describing a time after the block, and a
    /// display block that has ended by then, or none at all after the block, shows no score.</item>
    /// </list>
    /// With the run's length known, estimates past its last volume are never made: a continuous block's note says how
    /// many of its estimates that leaves out, and a score whose release would come after the run is noted as never shown.
    /// </summary>
    /// <param name="tr">Repetition time (s).</param>
    /// <param name="window">Window length in volumes (1 for ROI models).</param>
    /// <param name="volumes">Volumes in the run, or null when not known (a live session).</param>
    public IEnumerable<string> TimingNotes(double tr, int window, int? volumes = null)
    {
        int last = volumes is int n ? n - 1 : int.MaxValue;
        double lag = HaemodynamicDelaySeconds + (window - 1) / 2.0 * tr;
        for (int k = 0; k < Blocks.Count; k++)
        {
            var b = Blocks[k];
            var (e0, e1) = DescribingVolumes(k, tr, window);
            if (b.Condition.Role == ConditionRole.Regulate && b.Condition.Feedback == FeedbackMode.Continuous)
            {
                var (a0, a1) = AcquiredVolumes(k, tr);
                e0 = Math.Max(e0, window - 1);
                int describing = e1 - e0 + 1, shown = Math.Max(0, Math.Min(e1, a1) - Math.Max(e0, a0) + 1);
                if (describing > 0 && 2 * shown < describing)
                {
                    string why = Invariant($"an estimate arrives (W − 1)/2·TR + delay = {lag:0.###} s after the time it describes");
                    yield return shown == 0
                        ? Invariant($"continuous block {b.Number} ({b.Duration:0.###} s) shows none of the {describing} estimates that describe it: {why}, after the block ends")
                        : Invariant($"continuous block {b.Number} ({b.Duration:0.###} s) shows {shown} of the {describing} estimates that describe it: {why}, so its first {Math.Max(e0, a0) * tr - b.Onset:0.###} s show no feedback and {Unshown(describing - shown, Math.Max(0, e1 - last))}");
                }
            }
            if (b.Condition.Feedback != FeedbackMode.Intermittent) continue;
            int release = e1 + 1;
            var display = Blocks.Skip(k + 1).FirstOrDefault(d => d.Condition.Role == ConditionRole.Display);
            if (release > last)
                yield return Invariant($"block {b.Number}'s score would be released at volume {release} ({release * tr:0.###} s), after the run's last volume ({last}): it is never shown");
            else if (display is null)
                yield return Invariant($"block {b.Number}'s score is released at volume {release} ({release * tr:0.###} s) and no display block follows it");
            else if (release * tr >= display.End)
                yield return Invariant($"block {b.Number}'s score is released at volume {release} ({release * tr:0.###} s), after display block {display.Number} ends ({display.End:0.###} s)");
        }
    }

    // The estimates describing a continuous block that it does not show: they arrive after it ends, or, past the run's
    // last volume (never), are not made at all.
    private static string Unshown(int unshown, int never) =>
        never == 0 ? Invariant($"{unshown} arrive after it ends")
        : never >= unshown ? Invariant($"the other {unshown} would come after the run's last volume, so none is made")
        : Invariant($"of the other {unshown}, {unshown - never} arrive after it ends and {never} would come after the run's last volume, so are not made");

    /// <summary>Checks that every feedback source names targets the model has.</summary>
    /// <exception cref="InputDataException">A condition's source names a target the model lacks.</exception>
    public void CheckTargets(IReadOnlyList<string> targets, string modelName)
    {
        foreach (var c in Conditions)
            foreach (var t in c.Source.Keys)
                if (!targets.Contains(t, StringComparer.Ordinal))
                    throw new InputDataException(Path,
                        $"condition '{c.Name}' takes feedback from '{t}', which model {modelName} lacks (it has {string.Join(", ", targets)})");
    }

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
