namespace RealtimeDecode.Engine.Feedback;

/// <summary>
/// The feedback rule: estimates in volume order in, one <see cref="FeedbackSample"/> out per estimate.
/// Plain state, no Rx; the live session and the offline <c>protocol feedback</c> command both run it.
/// </summary>
/// <remarks>
/// <para>Assignment: the estimate at volume v describes time t = (v − (W − 1)/2)·TR − HaemodynamicDelay
/// (the acquisition time of the window's centre, less the delay) and belongs to the block holding t.</para>
/// <para>Baseline: the estimates of a baseline block whose t ≥ onset + BaselineSkip and whose source is
/// not NaN. A regulation block uses the most recent baseline block before it: mean m and sample SD s
/// (n − 1) of the source over those estimates (m NaN when n = 0, s NaN when n &lt; 2).</para>
/// <para>Feedback of an estimate x in a regulation block: r = x − m (difference), 100·(x − m)/|m|
/// (percent; NaN when m = 0) or (x − m)/s (z; NaN when s is 0 or NaN); then the mean of the last
/// <c>Smoothing</c> finite r of the same block (this one included), times Direction (+1 up, −1 down),
/// clipped to Range. A NaN x (a missing or censored volume) gives NaN feedback and does not enter the
/// smoothing.</para>
/// <para>Shown: continuous blocks show an estimate's feedback when it is finite and the volume's
/// acquisition time v·TR still lies in the block (the thermometer is on screen). Intermittent blocks show
/// one score: the mean of the block's signed, smoothed feedback before clipping, then clipped; it is
/// released with the first estimate whose t is at or after the block's end, which is then Shown.</para>
/// </remarks>
public sealed class FeedbackKernel
{
    private readonly FeedbackProtocol _protocol;
    private readonly IReadOnlyList<string> _targets;
    private readonly double _tr;
    private readonly int _window;
    private readonly List<double[]>?[] _baselines;
    private readonly (double Mean, double Sd)?[] _stats;
    private readonly double[] _recent;
    private int _recentCount;
    private int _recentNext;
    private int _currentBlock = -1;
    private double _scoreSum;
    private int _scoreCount;
    private int _pendingBlock = -1;
    private int _lastVolume = -1;

    /// <summary>Creates the kernel for one run.</summary>
    /// <param name="protocol">The protocol.</param>
    /// <param name="targets">The model's target names, in the order of each estimate's values.</param>
    /// <param name="tr">Repetition time (s, &gt; 0).</param>
    /// <param name="window">Window length (volumes, ≥ 1; 1 for ROI models).</param>
    /// <exception cref="Imaging.InputDataException">A feedback source names a target the model lacks.</exception>
    public FeedbackKernel(FeedbackProtocol protocol, IReadOnlyList<string> targets, double tr, int window)
    {
        ArgumentNullException.ThrowIfNull(protocol);
        ArgumentNullException.ThrowIfNull(targets);
        if (!(tr > 0) || !double.IsFinite(tr)) throw new ArgumentOutOfRangeException(nameof(tr), "the TR must be > 0 s");
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(window);
        protocol.CheckTargets(targets, "in use");
        _protocol = protocol;
        _targets = targets;
        _tr = tr;
        _window = window;
        _baselines = new List<double[]>?[protocol.Blocks.Count];
        _stats = new (double, double)?[protocol.Blocks.Count];
        _recent = new double[protocol.Smoothing];
    }

    /// <summary>Applies the rule to the estimate at <paramref name="volume"/>.</summary>
    /// <param name="volume">0-based volume index; strictly increasing from call to call.</param>
    /// <param name="values">One value per target; all NaN for a missing or censored volume.</param>
    /// <exception cref="ArgumentException">Volumes out of order, or the wrong number of values.</exception>
    public FeedbackSample Push(int volume, ReadOnlySpan<double> values)
    {
        if (volume <= _lastVolume) throw new ArgumentException($"volume {volume} after {_lastVolume}: volumes must increase", nameof(volume));
        if (values.Length != _targets.Count) throw new ArgumentException($"{values.Length} values for {_targets.Count} targets", nameof(values));
        _lastVolume = volume;
        var blocks = _protocol.Blocks;
        double t = _protocol.DescribedTime(volume, _tr, _window);
        int k = _protocol.BlockAt(t);
        int s = _protocol.SourceBlockAt(t);
        double x = s >= 0 ? blocks[s].Condition.SourceValue(_targets, values) : double.NaN;

        int scoreBlock = 0;
        double score = double.NaN;
        bool shown = false;
        if (_pendingBlock >= 0 && t >= blocks[_pendingBlock].End)
        {
            scoreBlock = blocks[_pendingBlock].Number;
            score = _scoreCount > 0 ? Clip(_scoreSum / _scoreCount) : double.NaN;
            shown = !double.IsNaN(score);
            _pendingBlock = -1;
        }

        if (k != _currentBlock)
        {
            _currentBlock = k;
            _recentCount = 0;
            _recentNext = 0;
            _scoreSum = 0;
            _scoreCount = 0;
        }
        if (k < 0) return new FeedbackSample(volume, t, 0, null, x, double.NaN, double.NaN, double.NaN, shown, scoreBlock, score);

        var block = blocks[k];
        var c = block.Condition;
        double mean = double.NaN, sd = double.NaN, feedback = double.NaN;
        if (c.Role == ConditionRole.Baseline)
        {
            if (t >= block.Onset + _protocol.BaselineSkipSeconds)
                (_baselines[k] ??= []).Add(values.ToArray());
        }
        else if (c.Role == ConditionRole.Regulate)
        {
            (mean, sd) = _stats[k] ??= BaselineStats(_protocol.BaselineOf(k), c);
            double r = _protocol.Normalisation switch
            {
                NormalisationMethod.Difference => x - mean,
                NormalisationMethod.Percent => mean == 0 ? double.NaN : 100 * (x - mean) / Math.Abs(mean),
                _ => sd > 0 ? (x - mean) / sd : double.NaN,
            };
            if (double.IsFinite(r))
            {
                _recent[_recentNext] = r;
                _recentNext = (_recentNext + 1) % _recent.Length;
                if (_recentCount < _recent.Length) _recentCount++;
                double sum = 0;
                for (int i = 0; i < _recentCount; i++) sum += _recent[i];
                double signed = c.Direction * (sum / _recentCount);
                feedback = Clip(signed);
                if (c.Feedback == FeedbackMode.Intermittent)
                {
                    _scoreSum += signed;
                    _scoreCount++;
                }
                else if (c.Feedback == FeedbackMode.Continuous && block.Contains(volume * _tr)) shown = true;
            }
            if (c.Feedback == FeedbackMode.Intermittent) _pendingBlock = k;
        }
        return new FeedbackSample(volume, t, block.Number, c.Name, x, mean, sd, feedback, shown, scoreBlock, score);
    }

    private (double Mean, double Sd) BaselineStats(int baseline, ProtocolCondition source)
    {
        var samples = baseline >= 0 ? _baselines[baseline] : null;
        int n = 0;
        double mean = 0, m2 = 0;
        if (samples is not null)
        {
            foreach (var v in samples)
            {
                double x = source.SourceValue(_targets, v);
                if (double.IsNaN(x)) continue;
                n++;
                double d = x - mean;
                mean += d / n;
                m2 += d * (x - mean);
            }
        }
        return (n == 0 ? double.NaN : mean, n < 2 ? double.NaN : Math.Sqrt(m2 / (n - 1)));
    }

    private double Clip(double v) => Math.Clamp(v, _protocol.RangeMin, _protocol.RangeMax);
}
