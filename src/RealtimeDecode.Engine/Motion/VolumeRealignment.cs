using RealtimeDecode.Imaging;

namespace RealtimeDecode.Engine.Motion;

/// <summary>
/// Realigns the volumes of one series in order: the reference is the given one or, by default, the
/// first volume of the series; each estimate starts from the last valid one (zeros at first); FD is
/// kept per series. The same instance serves the live pipeline stage and the offline <c>realign</c>
/// and <c>extract --realign</c> commands, so both give the same numbers for the same volumes.
/// </summary>
/// <remarks>
/// <see cref="Process(Volume)"/> returns the estimate and a newly allocated resliced copy of the volume on the
/// reference grid (NaN where the volume's field of view does not reach; all NaN when the estimate
/// failed, so a failed volume never feeds made-up ROI means downstream).
/// Every volume must be on the grid of the first one (or of the reference); a volume on another grid
/// is an <see cref="InputDataException"/>.
/// </remarks>
public sealed class VolumeRealignment
{
    private readonly RealignOptions _options;
    private readonly float[]? _fixedReference;
    private readonly Affine? _fixedAffine;
    private readonly int[] _fixedShape = new int[3];
    private readonly string? _referenceName;
    private readonly OnlineFramewiseDisplacement _fd = new();
    private readonly double[] _start = new double[RigidMotion.ParameterCount];
    private RigidRealigner? _realigner;
    private Affine? _affine;

    /// <summary>Realigns to the first volume of each series.</summary>
    public VolumeRealignment(RealignOptions? options = null)
    {
        _options = options ?? new RealignOptions();
        _options.Validate();
    }

    /// <summary>Realigns to <paramref name="reference"/> (a 3D volume on the run's grid).</summary>
    public VolumeRealignment(Volume reference, string? referenceName, RealignOptions? options = null) : this(options)
    {
        ArgumentNullException.ThrowIfNull(reference);
        _fixedReference = (float[])reference.Data.Clone();
        _fixedAffine = reference.Affine;
        _fixedShape[0] = reference.Nx; _fixedShape[1] = reference.Ny; _fixedShape[2] = reference.Nz;
        _referenceName = referenceName;
    }

    /// <summary>Settings.</summary>
    public RealignOptions Options => _options;

    /// <summary>
    /// The voxels at least one voxel inside the head of the current reference (<see cref="HeadInteriorMask"/>), set
    /// when the reference is (at the first volume of a series); a new array for each reference, null before.
    /// </summary>
    public bool[]? HeadInterior { get; private set; }

    /// <summary>True when a reference file was given (not the first volume).</summary>
    public bool HasFixedReference => _fixedReference is not null;

    /// <summary>
    /// Checks that volumes of shape <paramref name="nx"/>×<paramref name="ny"/>×<paramref name="nz"/> on
    /// <paramref name="affine"/> can be realigned to the fixed reference (grid and affine within 1e-3 mm).
    /// </summary>
    /// <exception cref="InputDataException">The reference is on another grid.</exception>
    public void CheckGrid(int nx, int ny, int nz, Affine affine, string runName)
    {
        if (_fixedReference is null) return;
        if (nx != _fixedShape[0] || ny != _fixedShape[1] || nz != _fixedShape[2])
            throw new InputDataException(_referenceName, $"reference is {_fixedShape[0]}×{_fixedShape[1]}×{_fixedShape[2]} but {runName} is {nx}×{ny}×{nz}; --reference must be on the run's grid");
        if (!_fixedAffine!.ApproximatelyEquals(affine, 1e-3))
            throw new InputDataException(_referenceName, $"reference affine {_fixedAffine} differs from {runName}'s {affine}; --reference must be on the run's grid");
    }

    /// <summary>Starts a new series: the next volume becomes the reference unless one was given; FD restarts at 0.</summary>
    public void Reset()
    {
        if (_fixedReference is null) _realigner = null;
        Array.Clear(_start);
        _fd.Reset();
    }

    /// <summary>Estimates the motion of <paramref name="volume"/> and reslices it onto the reference grid.</summary>
    public (MotionEstimate Estimate, float[] Resliced) Process(Volume volume)
    {
        var estimate = EstimateMotion(volume);
        var resliced = new float[volume.VoxelCount];
        _realigner!.Reslice(volume.Data, estimate.Parameters, resliced);
        return (estimate, resliced);
    }

    /// <summary>
    /// As <see cref="Process(Volume)"/>, reslicing into <paramref name="resliced"/> only the voxels listed in
    /// <paramref name="voxels"/> (for instance those of an atlas's labels); the other voxels of
    /// <paramref name="resliced"/> are left as they are, and the listed ones get the values
    /// <see cref="Process(Volume)"/> gives them.
    /// </summary>
    public MotionEstimate Process(Volume volume, Span<float> resliced, ReadOnlySpan<int> voxels)
    {
        var estimate = EstimateMotion(volume);
        _realigner!.Reslice(volume.Data, estimate.Parameters, resliced, voxels);
        return estimate;
    }

    private MotionEstimate EstimateMotion(Volume volume)
    {
        ArgumentNullException.ThrowIfNull(volume);
        if (_realigner is null)
        {
            CheckGrid(volume.Nx, volume.Ny, volume.Nz, volume.Affine, $"volume {volume.Index}");
            _realigner = new RigidRealigner(volume.Nx, volume.Ny, volume.Nz, volume.Affine, _options);
            _affine = volume.Affine;
            try
            {
                _realigner.SetReference(_fixedReference ?? volume.Data);
                HeadInterior = HeadInteriorMask.Compute(_fixedReference ?? volume.Data, volume.Nx, volume.Ny, volume.Nz, _options.MaskFraction);
            }
            catch (ArgumentException ex)
            {
                _realigner = null;
                throw new InputDataException(_referenceName, $"cannot serve as realignment reference: {ex.Message.Split(" (Parameter")[0]}");
            }
        }
        else if (volume.Nx != _realigner.Nx || volume.Ny != _realigner.Ny || volume.Nz != _realigner.Nz || !_affine!.ApproximatelyEquals(volume.Affine, 1e-3))
        {
            throw new InputDataException(null, $"volume {volume.Index} is {volume.Shape} on {volume.Affine}, not on the realignment grid {_realigner.Nx}×{_realigner.Ny}×{_realigner.Nz} {_affine}");
        }

        var p = new double[RigidMotion.ParameterCount];
        _start.CopyTo(p, 0);
        var status = _realigner.Estimate(volume.Data, p, out int iterations);
        if (status == RealignStatus.Converged) p.CopyTo(_start, 0);
        double fd = _fd.Push(p);
        return new MotionEstimate(volume.Index, p, fd, status, iterations);
    }
}
