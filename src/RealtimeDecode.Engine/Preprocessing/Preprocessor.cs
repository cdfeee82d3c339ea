using RealtimeDecode.Engine.Tables;

namespace RealtimeDecode.Engine.Preprocessing;

/// <summary>
/// The preprocessing chain applied to each ROI frame, online and offline alike, in this order:
/// <list type="number">
/// <item>Regression (when <see cref="PreprocessingOptions.Regresses"/>): ONE cumulative GLM per ROI with an
/// intercept, the time powers t¹..t^order (t = frame index in volumes), the frame's nuisance
/// values and, with <see cref="PreprocessingOptions.MotionRegressors"/> = 6, 12 or 24, the
/// <see cref="MotionRegressors"/> expansion of the frame's six rigid parameters (column order: time
/// powers, nuisances, motion); the output is the residual of the current frame from the fit over all
/// frames so far (the joint fit equals <c>np.linalg.lstsq([1, t, …, t^p, N, M], Y)</c> on the frames so
/// far, which is what detrending both the data and the nuisances before regression gives). A frame
/// whose motion parameters are not all finite (a failed realignment) gives NaN for every ROI, is left
/// out of the fit and does not become the previous volume of the motion derivatives.</item>
/// <item>Z-score (when <see cref="PreprocessingOptions.ZScore"/>): <see cref="RunningZScore"/> over
/// the stage-1 outputs so far (N−1; 0 while N &lt; 2 or the variance is 0).</item>
/// </list>
/// With neither, frames pass through unchanged. NaN rules are those of <see cref="NuisanceRegression"/>
/// and <see cref="RunningZScore"/>.
/// </summary>
public sealed class Preprocessor
{
    private readonly CumulativeGlm? _glm;
    private readonly RunningZScore? _z;
    private readonly MotionRegressors? _motion;
    private readonly double[] _x;
    private readonly int _order;
    private long _frame;

    /// <summary>Creates the chain for <paramref name="channels"/> ROIs.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Invalid options or no channels.</exception>
    public Preprocessor(int channels, PreprocessingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(channels);
        options.Validate();
        Options = options;
        Channels = channels;
        _order = Math.Max(options.DetrendOrder, 0);
        _x = new double[_order + options.NuisanceCount + options.MotionRegressors];
        if (options.MotionRegressors > 0) _motion = new MotionRegressors(options.MotionRegressors);
        if (options.Regresses) _glm = new CumulativeGlm(channels, _x.Length);
        if (options.ZScore) _z = new RunningZScore(channels);
    }

    /// <summary>The options this chain applies.</summary>
    public PreprocessingOptions Options { get; }

    /// <summary>Number of ROIs per frame.</summary>
    public int Channels { get; }

    /// <summary>Frames pushed since construction or <see cref="Reset"/>.</summary>
    public long FrameCount => _frame;

    /// <summary>Processes a frame without nuisance values (only when <see cref="PreprocessingOptions.NuisanceCount"/> is 0).</summary>
    public void Push(ReadOnlySpan<double> frame, Span<double> output) => Push(frame, ReadOnlySpan<double>.Empty, output);

    /// <summary>Processes one frame without motion parameters (only when <see cref="PreprocessingOptions.MotionRegressors"/> is 0).</summary>
    /// <exception cref="ArgumentException">A span length differs from the channel or nuisance count.</exception>
    public void Push(ReadOnlySpan<double> frame, ReadOnlySpan<double> nuisance, Span<double> output) =>
        Push(frame, nuisance, ReadOnlySpan<double>.Empty, output);

    /// <summary>
    /// Processes one frame with its nuisance values and its six rigid motion parameters (trans mm, rot rad;
    /// empty when <see cref="PreprocessingOptions.MotionRegressors"/> is 0); <paramref name="output"/> may alias <paramref name="frame"/>.
    /// </summary>
    /// <exception cref="ArgumentException">A span length differs from the channel, nuisance or parameter count.</exception>
    public void Push(ReadOnlySpan<double> frame, ReadOnlySpan<double> nuisance, ReadOnlySpan<double> motion, Span<double> output)
    {
        Check.Length(frame.Length, Channels, nameof(frame), "channels");
        Check.Length(nuisance.Length, Options.NuisanceCount, nameof(nuisance), "nuisance series");
        Check.Length(motion.Length, _motion is null ? 0 : Motion.RigidTransform.ParameterCount, nameof(motion), "motion parameters");
        Check.Length(output.Length, Channels, nameof(output), "channels");
        long t = _frame++;
        if (_glm is not null)
        {
            OnlineDetrend.FillTime(_x.AsSpan(0, _order), t);
            nuisance.CopyTo(_x.AsSpan(_order));
            if (_motion is not null)
            {
                var m = _x.AsSpan(_order + Options.NuisanceCount);
                // A failed volume's NaN parameters must not become the previous volume of the derivatives:
                // the GLM skips the frame on its NaN regressors, the next volume is differenced against the last valid one.
                if (AllFinite(motion)) _motion.Push(motion, m);
                else m.Fill(double.NaN);
            }
            _glm.Push(_x, frame, output);
            frame = output;
        }
        if (_z is not null) _z.Push(frame, output);
        else if (_glm is null) frame.CopyTo(output);
    }

    /// <summary>Forgets all frames.</summary>
    public void Reset()
    {
        _glm?.Reset();
        _z?.Reset();
        _motion?.Reset();
        _frame = 0;
    }

    /// <summary>
    /// Runs a whole series through a fresh chain (the offline path): <paramref name="frames"/> is
    /// row-major (rows = volumes, <paramref name="channels"/> columns), <paramref name="nuisance"/>
    /// row-major with <see cref="PreprocessingOptions.NuisanceCount"/> columns (empty when 0).
    /// Returns a new row-major array of the same shape.
    /// </summary>
    public static double[] Run(ReadOnlySpan<double> frames, int channels, ReadOnlySpan<double> nuisance, PreprocessingOptions options) =>
        Run(frames, channels, nuisance, ReadOnlySpan<double>.Empty, options);

    /// <summary>
    /// As <see cref="Run(ReadOnlySpan{double}, int, ReadOnlySpan{double}, PreprocessingOptions)"/> with the six
    /// motion parameters of each frame, row-major (empty when <see cref="PreprocessingOptions.MotionRegressors"/> is 0).
    /// </summary>
    public static double[] Run(ReadOnlySpan<double> frames, int channels, ReadOnlySpan<double> nuisance, ReadOnlySpan<double> motion, PreprocessingOptions options)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(channels);
        ArgumentNullException.ThrowIfNull(options);
        if (frames.Length % channels != 0)
            throw new ArgumentException($"{frames.Length} values are not a whole number of {channels}-channel frames.", nameof(frames));
        int rows = frames.Length / channels;
        int k = options.NuisanceCount;
        if (nuisance.Length != (long)rows * k)
            throw new ArgumentException($"The nuisance table has {nuisance.Length} values, {rows} frames × {k} series need {(long)rows * k}.", nameof(nuisance));
        int m = options.MotionRegressors > 0 ? Motion.RigidTransform.ParameterCount : 0;
        if (motion.Length != (long)rows * m)
            throw new ArgumentException($"The motion table has {motion.Length} values, {rows} frames × {m} parameters need {(long)rows * m}.", nameof(motion));
        var p = new Preprocessor(channels, options);
        var result = new double[frames.Length];
        for (int r = 0; r < rows; r++)
            p.Push(frames.Slice(r * channels, channels), nuisance.Slice(r * k, k), motion.Slice(r * m, m), result.AsSpan(r * channels, channels));
        return result;
    }

    /// <summary>
    /// Runs an ROI table (rows = volumes) through a fresh chain; <paramref name="nuisance"/> (null when
    /// <see cref="PreprocessingOptions.NuisanceCount"/> is 0) must have the same <c>volume</c> column
    /// and NuisanceCount columns. The result keeps the ROI table's columns and volumes.
    /// </summary>
    /// <exception cref="ArgumentException">The nuisance table does not fit the ROI table or the options.</exception>
    public static NumericTable Run(NumericTable roi, NumericTable? nuisance, PreprocessingOptions options)
    {
        ArgumentNullException.ThrowIfNull(roi);
        ArgumentNullException.ThrowIfNull(options);
        int k = options.NuisanceCount;
        if (k > 0 && nuisance is null)
            throw new ArgumentException($"The options name {k} nuisance series but no nuisance table was given.", nameof(nuisance));
        if (nuisance is not null)
        {
            if (nuisance.ColumnCount != k)
                throw new ArgumentException($"The nuisance table has {nuisance.ColumnCount} columns, the options name {k} nuisance series.", nameof(nuisance));
            if (!nuisance.Volumes.AsSpan().SequenceEqual(roi.Volumes))
                throw new ArgumentException($"The nuisance table's {nuisance.RowCount} volumes do not match the ROI table's {roi.RowCount}.", nameof(nuisance));
        }
        var values = Run(roi.Values, roi.ColumnCount, nuisance is null ? ReadOnlySpan<double>.Empty : nuisance.Values, options);
        return new NumericTable(roi.Columns, (int[])roi.Volumes.Clone(), values);
    }

    private static bool AllFinite(ReadOnlySpan<double> values)
    {
        foreach (double v in values) if (!double.IsFinite(v)) return false;
        return true;
    }
}
