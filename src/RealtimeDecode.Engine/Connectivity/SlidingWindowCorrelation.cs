using RealtimeDecode.Engine.Tables;

namespace RealtimeDecode.Engine.Connectivity;

/// <summary>
/// Dynamic functional connectivity: the Pearson correlation matrix of R ROI series over a sliding
/// window, updated every frame. Output is the upper triangle i &lt; j, row-major
/// (0-1, 0-2, …, 0-(R−1), 1-2, …), <see cref="EdgeCount"/> = R(R−1)/2 values, r or Fisher z.
/// </summary>
/// <remarks>
/// <para>Definitions (frames are rows, ROIs columns; the normaliser cancels in r):</para>
/// <list type="bullet">
/// <item><see cref="WindowTaper.Rectangular"/>: <c>np.corrcoef</c> of the last W frames. Kept as
/// running sums of (x − c) and cross-products of the window, with a per-ROI reference c (the window
/// mean at the last exact recompute) so that large offsets do not cancel; each frame adds the newest
/// and removes the oldest frame in O(R²). Drift bound: every
/// <see cref="SlidingWindowOptions.RecomputeInterval"/> frames (and at the first full window) the
/// references and all sums are recomputed exactly from the ring buffer, so the state is never more
/// than that many add/remove roundings (each ≤ 1 ulp of the largest (x−c)² term) away from exact;
/// tests hold it to 1e-9 of a from-scratch recompute over 10,000 frames at mean 1000.</item>
/// <item><see cref="WindowTaper.Gaussian"/>: weighted Pearson over the last W frames with the fixed
/// weights of <see cref="SlidingWindowOptions.TaperWeights"/>. A tapered window cannot add/remove, so
/// each frame centres the ring with the weighted means and computes the weighted cross-products
/// exactly: W·R(R−1)/2 multiply-adds (1.04 M at R = 400, W = 13), SIMD, no drift.</item>
/// <item><see cref="WindowTaper.Exponential"/>: weighted Pearson over ALL frames so far, frame k of n
/// weighted λ^(n−1−k), λ = 2^(−1/half-life); exact recursive update of the weighted means and
/// centred co-moments (West's weighted Welford form), O(R²) per frame, errors decay with λ.
/// Output starts after <see cref="SlidingWindowOptions.FramesToReady"/> frames.</item>
/// </list>
/// <para>Degenerate ROIs: a ROI whose values in the window are all equal (zero variance), or that has
/// a non-finite value in the window (exponential taper: at the current frame), has correlation 0 with
/// every other ROI (never NaN) and is counted in <see cref="DegenerateRoiCount"/>. For the
/// exponential taper a non-finite value is taken as the ROI's current weighted mean (it adds nothing
/// to its co-moments). Every r is clamped to [−1, 1]. Fisher z = atanh(r) after clipping |r| to
/// 1 − <see cref="SlidingWindowOptions.FisherClip"/>.</para>
/// <para>Fisher z is computed in SIMD lanes by <see cref="EdgeTransforms"/> (within 1e−12 relative of
/// <see cref="Math.Atanh(double)"/>). No output before <see cref="IsReady"/>. All state is allocated in the
/// constructor; <see cref="Push"/> does not allocate, also when it uses two cores (<see cref="Parallelism"/>).</para>
/// <para>Each taper is its own kernel (<see cref="RectangularWindowCorrelation"/>,
/// <see cref="GaussianWindowCorrelation"/>, <see cref="ExponentialCorrelation"/>) on the shared
/// <see cref="CorrelationKernel"/>; this type checks the spans and delegates to the one the options name.</para>
/// </remarks>
public sealed class SlidingWindowCorrelation : IDisposable
{
    /// <summary>Edge count from which <see cref="Parallelism"/> defaults to two parts (on a machine with two or more cores).</summary>
    public const int ParallelEdgeThreshold = 150_000;

    private readonly CorrelationKernel _kernel;

    /// <summary>Creates the kernel for <paramref name="roiCount"/> ROIs.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Fewer than 2 ROIs, or invalid options (W &lt; 2, …).</exception>
    public SlidingWindowCorrelation(int roiCount, SlidingWindowOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (roiCount < 2)
            throw new ArgumentOutOfRangeException(nameof(roiCount), roiCount, "Correlation needs at least 2 ROIs.");
        options.Validate();
        _kernel = options.Taper switch
        {
            WindowTaper.Rectangular => new RectangularWindowCorrelation(roiCount, options),
            WindowTaper.Gaussian => new GaussianWindowCorrelation(roiCount, options),
            _ => new ExponentialCorrelation(roiCount, options),
        };
        RoiCount = roiCount;
        Parallelism = EdgeCount >= ParallelEdgeThreshold && Environment.ProcessorCount >= 2 ? 2 : 1;
    }

    /// <summary>
    /// Threads an O(R²) row pass uses (the incremental update and output of the rectangular and exponential
    /// tapers, the scaling of the Gaussian taper): the upper triangle is cut into
    /// <see cref="Compute.PartitionedWork.PartsPerThread"/> blocks of whole rows per thread with about equal edge
    /// counts, taken by the caller's thread and preallocated thread-pool work items, so <see cref="Push"/> still
    /// allocates nothing and a worker slow to start delays it by one block at most. Every edge is computed by the
    /// same arithmetic whatever the split, so the output is bit-identical for every value. Default: 2 from
    /// <see cref="ParallelEdgeThreshold"/> edges on a machine with 2 or more cores (R = 1,000: 499,500 edges,
    /// where the pass is long enough for a second core to pay), else 1.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Less than 1.</exception>
    public int Parallelism
    {
        get => _kernel.Parallelism;
        set => _kernel.Parallelism = value;
    }

    /// <summary>Whether the row passes run in 512-bit lanes (default where the machine has them in hardware).</summary>
    internal bool WideLanes
    {
        get => _kernel.WideLanes;
        set => _kernel.WideLanes = value;
    }

    /// <summary>Releases the events of the parallel work items (nothing else holds resources).</summary>
    public void Dispose() => _kernel.Dispose();

    /// <summary>The options in force.</summary>
    public SlidingWindowOptions Options => _kernel.Options;

    /// <summary>Number of ROIs R.</summary>
    public int RoiCount { get; }

    /// <summary>Output length R(R−1)/2.</summary>
    public int EdgeCount => _kernel.EdgeCount;

    /// <summary>Frames pushed since construction or <see cref="Reset"/>.</summary>
    public long FrameCount => _kernel.FrameCount;

    /// <summary>Whether enough frames have been seen to produce output (W, or the exponential warm-up).</summary>
    public bool IsReady => _kernel.IsReady;

    /// <summary>Degenerate ROIs (zero variance or non-finite in the window) in the last output; their edges are 0.</summary>
    public int DegenerateRoiCount => _kernel.DegenerateRoiCount;

    /// <summary>Sum of <see cref="DegenerateRoiCount"/> over all outputs since construction or <see cref="Reset"/>.</summary>
    public long DegenerateRoiTotal => _kernel.DegenerateRoiTotal;

    /// <summary>Forgets all frames.</summary>
    public void Reset() => _kernel.Reset();

    /// <summary>
    /// Adds one frame (one value per ROI). When <see cref="IsReady"/> after it, writes the window's
    /// correlations into <paramref name="edges"/> and returns true; otherwise leaves
    /// <paramref name="edges"/> untouched and returns false.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="frame"/> is not R long or <paramref name="edges"/> not R(R−1)/2.</exception>
    public bool Push(ReadOnlySpan<double> frame, Span<double> edges)
    {
        if (frame.Length != RoiCount)
            throw new ArgumentException($"The frame has {frame.Length} values, the kernel was built for {RoiCount} ROIs.", nameof(frame));
        if (edges.Length != EdgeCount)
            throw new ArgumentException($"The output span has {edges.Length} elements, {RoiCount} ROIs have {EdgeCount} edges.", nameof(edges));
        return _kernel.Push(frame, edges);
    }

    /// <summary>
    /// Batch form used offline: runs <paramref name="series"/> (row-major, rows = volumes,
    /// <paramref name="roiCount"/> columns) through a fresh kernel and returns the outputs row-major,
    /// one row of <see cref="EdgeCount"/> values per frame from frame
    /// <see cref="SlidingWindowOptions.FramesToReady"/> − 1 on (row r is the window ending at frame
    /// FramesToReady − 1 + r); empty when the series is shorter.
    /// </summary>
    public static double[] ComputeAll(ReadOnlySpan<double> series, int roiCount, SlidingWindowOptions options)
    {
        using var k = new SlidingWindowCorrelation(roiCount, options);
        if (series.Length % roiCount != 0)
            throw new ArgumentException($"{series.Length} values are not a whole number of {roiCount}-ROI frames.", nameof(series));
        int frames = series.Length / roiCount;
        int rows = Math.Max(0, frames - options.FramesToReady + 1);
        var result = new double[checked((long)rows * k.EdgeCount)];
        // Before the first output Push leaves its span untouched, so row 0 can take those frames.
        var scratch = rows == 0 ? new double[k.EdgeCount] : null;
        int row = 0;
        for (int t = 0; t < frames; t++)
        {
            var dest = scratch ?? result.AsSpan(row * k.EdgeCount, k.EdgeCount);
            if (k.Push(series.Slice(t * roiCount, roiCount), dest)) row++;
        }
        return result;
    }

    /// <summary>
    /// Batch form on an ROI table: the result has <c>volume</c> = the last volume of each window and
    /// one column per edge named <c>&lt;roiA&gt;~&lt;roiB&gt;</c> in output order.
    /// </summary>
    public static NumericTable ComputeAll(NumericTable roiTable, SlidingWindowOptions options)
    {
        ArgumentNullException.ThrowIfNull(roiTable);
        ArgumentNullException.ThrowIfNull(options);
        int r = roiTable.ColumnCount;
        var values = ComputeAll(roiTable.Values, r, options);
        var names = EdgeLayout.Names(roiTable.Columns);
        int rows = names.Length == 0 ? 0 : values.Length / names.Length;
        var volumes = new int[rows];
        for (int t = 0; t < rows; t++) volumes[t] = roiTable.Volumes[options.FramesToReady - 1 + t];
        return new NumericTable(names, volumes, values);
    }
}
