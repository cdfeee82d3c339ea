using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using RealtimeDecode.Engine.Compute;

namespace RealtimeDecode.Engine.Connectivity;

/// <summary>
/// What the per-taper correlation kernels share: the edge layout (upper triangle i &lt; j, row-major,
/// R(R−1)/2 values), the final transform of each r (clamp to [−1, 1], or Fisher z after clipping
/// |r| to 1 − <see cref="SlidingWindowOptions.FisherClip"/>), the per-ROI 1/sd with degenerate ROIs
/// at 0, the degenerate counts, and the split of an O(R²) row pass over <see cref="Parallelism"/> threads.
/// </summary>
/// <remarks>
/// A derived kernel computes one taper; <see cref="SlidingWindowCorrelation"/> validates the spans and
/// picks the kernel. Nothing here allocates after construction.
/// </remarks>
internal abstract unsafe class CorrelationKernel : IDisposable
{
    private readonly bool _fisherZ;
    private readonly double _fisherHi;
    // Parallel row passes: rows [_bounds[k], _bounds[k+1]) are part k, with about equal edge counts.
    private int[] _bounds = [];
    private PartitionedWork? _work;
    private bool _update;
    private bool _output;
    private double* _out;

    protected CorrelationKernel(int roiCount, SlidingWindowOptions options)
    {
        Options = options;
        R = roiCount;
        EdgeCount = EdgeLayout.EdgeCount(roiCount);
        Ready = options.FramesToReady;
        InvSd = new double[roiCount];
        _fisherZ = options.FisherZ;
        _fisherHi = 1 - options.FisherClip;
    }

    /// <summary>The options in force.</summary>
    public SlidingWindowOptions Options { get; }

    /// <summary>Number of ROIs R.</summary>
    protected int R { get; }

    /// <summary>Output length R(R−1)/2.</summary>
    public int EdgeCount { get; }

    /// <summary>Frames needed before the first output.</summary>
    protected int Ready { get; }

    /// <summary>1/sd of each ROI in the current output; 0 for a degenerate ROI, so its edges are 0.</summary>
    protected double[] InvSd { get; }

    /// <summary>Frames pushed since construction or <see cref="Reset"/>.</summary>
    public abstract long FrameCount { get; }

    /// <summary>Whether enough frames have been seen to produce output.</summary>
    public bool IsReady => FrameCount >= Ready;

    /// <summary>Degenerate ROIs in the last output.</summary>
    public int DegenerateRoiCount { get; private set; }

    /// <summary>Sum of <see cref="DegenerateRoiCount"/> over all outputs since construction or <see cref="Reset"/>.</summary>
    public long DegenerateRoiTotal { get; private set; }

    /// <summary>Threads of a row pass (see <see cref="SlidingWindowCorrelation.Parallelism"/>).</summary>
    public int Parallelism
    {
        get => _work?.Threads ?? 1;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            // On more than one thread the rows are cut into PartsPerThread runs per thread of about equal edge
            // counts, taken by whichever thread is free (see PartitionedWork).
            int parts = Math.Min(value == 1 ? 1 : value * PartitionedWork.PartsPerThread, R - 1);
            var bounds = new int[parts + 1];
            bounds[parts] = R - 1;
            for (int k = 1, i = 0; k < parts; k++)
            {
                long target = (long)EdgeCount * k / parts;
                while (i < R - 1 && RowStart(i + 1) <= target) i++;
                bounds[k] = Math.Max(i, bounds[k - 1]);
            }

            _work?.Dispose();
            _bounds = bounds;
            _work = parts > 1 ? new PartitionedWork(parts, value, RowsPart) : null;
        }
    }

    /// <summary>Adds one frame of R values; when ready, writes R(R−1)/2 edges and returns true. Spans are checked by the caller.</summary>
    public abstract bool Push(ReadOnlySpan<double> frame, Span<double> edges);

    /// <summary>Forgets all frames; derived kernels clear their own state and call this.</summary>
    public virtual void Reset()
    {
        DegenerateRoiCount = 0;
        DegenerateRoiTotal = 0;
    }

    /// <summary>Releases the events of the parallel work items.</summary>
    public void Dispose()
    {
        _work?.Dispose();
        _work = null;
        _bounds = [0, R - 1];
    }

    /// <summary>
    /// Rows [<paramref name="i0"/>, <paramref name="i1"/>) of the kernel's row pass in the lanes of
    /// <typeparamref name="TL"/>; <paramref name="outp"/> is edge 0 of the output, the first edge of row i is
    /// at <see cref="RowStart"/>(i).
    /// </summary>
    protected abstract void RowPass<TL, TV>(int i0, int i1, bool update, bool output, ref double outp)
        where TL : struct, ILanes<TV>
        where TV : struct;

    /// <summary>Output position of the first edge of row i.</summary>
    protected long RowStart(int i) => EdgeLayout.RowStart(i, R);

    /// <summary>Records the degenerate ROIs of this output.</summary>
    protected void Count(int degenerate)
    {
        DegenerateRoiCount = degenerate;
        DegenerateRoiTotal += degenerate;
    }

    /// <summary>Runs <see cref="RowPass{TL, TV}"/> over all rows, split into the parts of <see cref="Parallelism"/>.</summary>
    protected void Rows(bool update, bool output, Span<double> edges)
    {
        fixed (double* p = edges)
        {
            _update = update;
            _output = output;
            _out = p;
            try
            {
                if (_work is null) RowsPart(0);
                else _work.Run();
            }
            finally
            {
                _out = null;
            }
        }
    }

    /// <summary>
    /// Whether row passes run in 512-bit lanes (default: where the machine has them in hardware) rather than
    /// <see cref="Vector{T}"/>'s; either gives the same edges to within the vector logarithm's few ulp.
    /// </summary>
    internal bool WideLanes { get; set; } = Vector512Lanes.IsHardwareAccelerated;

    private void RowsPart(int part)
    {
        if (WideLanes)
            RowPass<Vector512Lanes, Vector512<double>>(_bounds[part], _bounds[part + 1], _update, _output, ref Unsafe.AsRef<double>(_out));
        else
            RowPass<VectorLanes, Vector<double>>(_bounds[part], _bounds[part + 1], _update, _output, ref Unsafe.AsRef<double>(_out));
    }

    // Final value of an edge: r clamped to [−1, 1], or Fisher z = atanh(r) after clipping |r| ≤ 1 − clip
    // (EdgeTransforms: within 1e−12 relative of Math.Atanh). Applied in the same pass that computes r,
    // while the value is in a register: a separate pass over the edges would cost a second trip to memory.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    protected TV Final<TL, TV>(TV r)
        where TL : struct, ILanes<TV>
        where TV : struct =>
        _fisherZ ? EdgeTransforms.FisherZ<TL, TV>(r, TL.Splat(_fisherHi)) : EdgeTransforms.ClampR<TL, TV>(r);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    protected double Final(double r) => _fisherZ ? EdgeTransforms.FisherZ(r, _fisherHi) : Math.Clamp(r, -1, 1);
}
