using System.Numerics.Tensors;

namespace RealtimeDecode.Engine.Decoding;

/// <summary>
/// A linear multi-target model y = W x + b, with W row-major [targets × features] in float64.
/// Used for ridge, ordinary least squares, lasso, elastic net and linear SVR.
/// </summary>
/// <remarks>
/// Prediction reads W once and the features once: the features go in blocks of
/// <see cref="BlockSize"/> (32 KB, L1-resident) and every target's partial dot product is taken over the
/// block before the next one is read, so the cost is one stream over W (8 bytes per coefficient) whatever
/// the target count. On two threads (<see cref="Parallelism"/>) each target is a part that whichever thread
/// is free takes (<see cref="Compute.PartitionedWork"/>, preallocated: nothing allocated per call), summed
/// exactly as on one thread (bit-identical); a model with fewer targets than threads splits the blocks into
/// halves instead (both halves summed in a fixed order, so results do not depend on timing, and equal the
/// one-thread results to rounding; a few hundred bytes of task bookkeeping per call). Results equal
/// Σ_j W[t,j]·x[j] + b[t] to summation rounding (tests: 1e−12 of Σ|W·x|).
/// Predict is thread-safe: a call that finds the target split in use by another sums on its own thread.
/// </remarks>
public sealed unsafe class LinearRegressor : IRegressor
{
    /// <summary>Features per block of the one-pass prediction.</summary>
    public const int BlockSize = 4096;

    /// <summary>Feature count from which a prediction uses two threads by default (on 2+ cores).</summary>
    public const int ParallelFeatureThreshold = 200_000;

    /// <summary>
    /// Feature count from which a model of two or more targets splits its targets over two threads by default
    /// (on 2+ cores): at the published 79,800 edges and 8 targets, 0.13 → 0.08–0.10 ms per prediction.
    /// </summary>
    public const int ParallelTargetSplitThreshold = 40_000;

    private readonly double[] _w;
    private readonly double[] _b;
    private Compute.PartitionedWork? _work;
    private double* _x;
    private double* _y;

    /// <summary>Creates the model from W (targets × features, row-major) and the intercepts.</summary>
    public LinearRegressor(IReadOnlyList<string> targets, int featureCount, double[] coefficients, double[] intercept)
    {
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(featureCount);
        if (coefficients.LongLength != (long)targets.Count * featureCount)
        {
            throw new ArgumentException($"coefficients have {coefficients.Length} values, expected {targets.Count} × {featureCount}", nameof(coefficients));
        }

        if (intercept.Length != targets.Count)
        {
            throw new ArgumentException($"intercept has {intercept.Length} values, expected {targets.Count}", nameof(intercept));
        }

        Targets = targets;
        FeatureCount = featureCount;
        _w = coefficients;
        _b = intercept;
        bool split = featureCount >= ParallelFeatureThreshold || (featureCount >= ParallelTargetSplitThreshold && targets.Count >= 2);
        Parallelism = split && Environment.ProcessorCount >= 2 ? 2 : 1;
    }

    /// <summary>
    /// Threads a prediction uses: the targets are taken one at a time by this many threads (or, with fewer
    /// targets than threads, the feature blocks are cut into this many contiguous runs). Default 2 on a machine
    /// with 2 or more cores from <see cref="ParallelFeatureThreshold"/> features (a multiband 1,000-parcel model
    /// reads 32 MB of W per volume, which one core cannot stream at full bandwidth), or from
    /// <see cref="ParallelTargetSplitThreshold"/> with two or more targets; else 1.
    /// </summary>
    public int Parallelism
    {
        get;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            field = value;
            _work = value > 1 && _b.Length >= value ? new Compute.PartitionedWork(_b.Length, value, TargetPart) : null;
        }
    }

    /// <inheritdoc/>
    public int FeatureCount { get; }

    /// <inheritdoc/>
    public int TargetCount => Targets.Count;

    /// <inheritdoc/>
    public IReadOnlyList<string> Targets { get; }

    /// <summary>W, row-major [targets × features] (shared, do not modify).</summary>
    public double[] Coefficients => _w;

    /// <summary>b, one per target (shared, do not modify).</summary>
    public double[] Intercept => _b;

    /// <inheritdoc/>
    public void Predict(ReadOnlySpan<double> features, Span<double> output)
    {
        if (features.Length != FeatureCount)
        {
            throw new ArgumentException($"expected {FeatureCount} features, got {features.Length}", nameof(features));
        }

        if (output.Length < _b.Length)
        {
            throw new ArgumentException($"output has room for {output.Length} values, {_b.Length} targets needed", nameof(output));
        }

        int blocks = (FeatureCount + BlockSize - 1) / BlockSize;
        int parts = Math.Min(Parallelism, blocks);
        if (parts == 1)
        {
            _b.CopyTo(output);
            Accumulate(features, 0, FeatureCount, output);
            return;
        }

        if (_b.Length >= parts)
        {
            PredictTargetSplit(features, output, parts);
            return;
        }

        PredictSplit(features, output, blocks, parts);
    }

    // Each target is one part of a PartitionedWork on `parts` threads, summed exactly as the one-thread pass
    // sums it (its intercept, then block after block), so the result is bit-identical. The work is made once
    // per Parallelism; a second caller that finds it in use (Predict is thread-safe) sums on its own thread.
    private unsafe void PredictTargetSplit(ReadOnlySpan<double> features, Span<double> output, int parts)
    {
        var work = _work;
        if (work is null || work.Threads != parts || !Monitor.TryEnter(work))
        {
            _b.CopyTo(output);
            Accumulate(features, 0, FeatureCount, output);
            return;
        }

        try
        {
            fixed (double* px = features)
            fixed (double* py = output)
            {
                _x = px;
                _y = py;
                try
                {
                    work.Run();
                }
                finally
                {
                    _x = null;
                    _y = null;
                }
            }
        }
        finally
        {
            Monitor.Exit(work);
        }
    }

    // Target t of a split prediction over the arrays PredictTargetSplit pinned.
    private unsafe void TargetPart(int t)
    {
        var y = new Span<double>(_y, _b.Length);
        y[t] = _b[t];
        AccumulateTargets(new ReadOnlySpan<double>(_x, FeatureCount), t, t + 1, y);
    }

    // acc[t] += Σ_j W[t,j]·x[j] for t in [t0, t1), one block of x at a time, in the order Accumulate adds.
    private void AccumulateTargets(ReadOnlySpan<double> x, int t0, int t1, Span<double> acc)
    {
        int p = FeatureCount;
        ReadOnlySpan<double> w = _w;
        for (int c = 0; c < p; c += BlockSize)
        {
            int len = Math.Min(BlockSize, p - c);
            var xb = x.Slice(c, len);
            for (int t = t0; t < t1; t++)
            {
                acc[t] += TensorPrimitives.Dot(w.Slice((t * p) + c, len), xb);
            }
        }
    }

    // The blocks cut into `parts` contiguous ranges on as many threads; partial sums added in part order.
    // A method of its own so that the closure is allocated only on this path.
    private unsafe void PredictSplit(ReadOnlySpan<double> features, Span<double> output, int blocks, int parts)
    {
        int targets = _b.Length;
        int p = FeatureCount;
        var partial = new double[parts * targets];
        fixed (double* px = features)
        {
            nint address = (nint)px;
            Parallel.For(0, parts, new ParallelOptions { MaxDegreeOfParallelism = parts }, k =>
            {
                int start = (int)((long)blocks * k / parts) * BlockSize;
                int end = Math.Min(p, (int)((long)blocks * (k + 1) / parts) * BlockSize);
                var x = new ReadOnlySpan<double>((double*)address, p);
                Accumulate(x, start, end, partial.AsSpan(k * targets, targets));
            });
        }

        for (int t = 0; t < targets; t++)
        {
            double sum = _b[t];
            for (int k = 0; k < parts; k++) sum += partial[(k * targets) + t];
            output[t] = sum;
        }
    }

    // acc[t] += Σ_{j∈[start,end)} W[t,j]·x[j], one block of x at a time for all targets.
    private void Accumulate(ReadOnlySpan<double> x, int start, int end, Span<double> acc)
    {
        int p = FeatureCount;
        int targets = _b.Length;
        ReadOnlySpan<double> w = _w;
        for (int c = start; c < end; c += BlockSize)
        {
            int len = Math.Min(BlockSize, end - c);
            var xb = x.Slice(c, len);
            for (int t = 0; t < targets; t++)
            {
                acc[t] += TensorPrimitives.Dot(w.Slice((t * p) + c, len), xb);
            }
        }
    }
}
