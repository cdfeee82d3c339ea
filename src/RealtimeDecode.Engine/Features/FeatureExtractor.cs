using RealtimeDecode.Engine.Pipeline;
using RealtimeDecode.Engine.Connectivity;
using RealtimeDecode.Engine.Decoding;
using RealtimeDecode.Engine.Motion;
using RealtimeDecode.Engine.Preprocessing;
using RealtimeDecode.Engine.Roi;
using RealtimeDecode.Imaging;

namespace RealtimeDecode.Engine.Features;

/// <summary>
/// The per-run chain of kernels from a volume to a feature vector: with
/// <see cref="FeatureSettings.Realign"/>, rigid-body realignment to the run's reference
/// (<see cref="VolumeRealignment"/>: the given reference volume, else the run's first volume), then ROI means over the atlas's labels
/// (<see cref="RoiExtractor"/>, in the atlas's label order; a label with no voxels gives NaN; with realignment over
/// the voxels inside the head's interior, <see cref="VolumeRealignment.HeadInterior"/>, where a label has any),
/// preprocessing (<see cref="Preprocessor"/>), then sliding-window connectivity
/// (<see cref="SlidingWindowCorrelation"/>) for DFC features. With realignment, the motion regressors of
/// <see cref="PreprocessingOptions.MotionRegressors"/> come from each volume's own estimate, each volume's
/// FD feeds a <see cref="MotionCensor"/> over the feature span (<see cref="LastCensor"/>), and a volume whose
/// estimate failed (<see cref="MotionEstimate.IsValid"/> false: blank, no overlap, not converged, poor fit)
/// is left out of the preprocessing and the window, as a missing volume is: its cleaned values (and ROI
/// features) are NaN and it yields no connectivity, so no NaN enters the window. The live pipeline calls the three steps
/// as its roi, clean and dfc stages; the offline commands call <see cref="Push"/>; both therefore
/// give the same numbers. State is per run: make a new extractor for each run. Every returned array
/// is new and belongs to the caller.
/// </summary>
public sealed class FeatureExtractor
{
    private readonly RoiExtractor _roi;
    private readonly int[] _slot;          // extractor ROI index -> atlas label index
    private readonly double[] _means;
    private readonly Preprocessor _pre;
    private readonly SlidingWindowCorrelation? _dfc;
    private readonly VolumeRealignment? _realignment;
    private readonly MotionCensor? _censor;
    private readonly int[] _atlasVoxels;   // voxels with a label, ascending
    private float[]? _resliced;            // RealignedRoi's buffer, reused from volume to volume
    private readonly int[] _labels;        // label per voxel
    private RoiExtractor? _interiorRoi;    // ROI means over the head's interior, for _interiorOf
    private bool[]? _interiorOf;           // the realignment's HeadInterior _interiorRoi was built for

    /// <summary>
    /// Edge count from which the DFC window uses two threads (<see cref="SlidingWindowCorrelation.Parallelism"/>,
    /// on 2+ cores): 79,800 edges (400 ROIs) measured 0.30 → 0.23 ms per volume with Fisher z; the window's own
    /// default starts higher (<see cref="SlidingWindowCorrelation.ParallelEdgeThreshold"/>).
    /// </summary>
    public const int ParallelEdgeThreshold = 40_000;

    /// <summary>Creates the chain; <paramref name="realignment"/> (used when <see cref="FeatureSettings.Realign"/>) defaults to realigning to the run's first volume.</summary>
    public FeatureExtractor(Atlas atlas, FeatureSettings settings, VolumeRealignment? realignment = null)
    {
        ArgumentNullException.ThrowIfNull(atlas);
        Settings = settings;
        RoiCount = atlas.LabelCount;
        _roi = new RoiExtractor(atlas.LabelPerVoxel);
        _slot = _roi.Labels.Select(atlas.IndexOf).ToArray();
        _means = new double[_roi.RoiCount];
        _pre = new Preprocessor(RoiCount, settings.Preprocessing);
        if (settings.Kind == FeatureKind.Dfc)
        {
            _dfc = new SlidingWindowCorrelation(RoiCount, settings.Window);
            // Bit-identical whatever the split; from this size the second core pays even on a loaded machine,
            // since the parts no worker has taken run on the caller's thread.
            if (_dfc.EdgeCount >= ParallelEdgeThreshold && Environment.ProcessorCount >= 2) _dfc.Parallelism = 2;
        }
        VoxelCount = atlas.LabelPerVoxel.Length;
        var labels = atlas.LabelPerVoxel;
        _labels = labels;
        var voxels = new List<int>();
        for (int v = 0; v < labels.Length; v++) if (labels[v] != 0) voxels.Add(v);
        _atlasVoxels = [.. voxels];
        if (settings.Realign)
        {
            _realignment = realignment ?? new VolumeRealignment();
            _censor = new MotionCensor(settings.FdThresholdMm, settings.Span);
        }
        else if (settings.Preprocessing.MotionRegressors > 0)
        {
            throw new ArgumentException("Motion regressors need realignment.", nameof(settings));
        }
    }

    public FeatureSettings Settings { get; }

    /// <summary>ROIs: the atlas's labels.</summary>
    public int RoiCount { get; }

    /// <summary>Voxels a volume must have.</summary>
    public int VoxelCount { get; }

    /// <summary>Features per vector: R for ROI, R(R−1)/2 for DFC.</summary>
    public int FeatureCount => _dfc?.EdgeCount ?? RoiCount;

    /// <summary>ROIs whose window was constant or not finite, summed over all frames (their edges were 0).</summary>
    public long DegenerateRoiTotal => _dfc?.DegenerateRoiTotal ?? 0;

    /// <summary>The motion of the last volume passed to <see cref="Realign"/> (null without realignment).</summary>
    public MotionEstimate? LastMotion { get; private set; }

    /// <summary>The censoring of the window ending at the last volume passed to <see cref="Realign"/> or <see cref="RealignedRoi"/> (null without realignment).</summary>
    public CensorVerdict? LastCensor { get; private set; }

    /// <summary>High-motion volumes so far (0 without realignment).</summary>
    public int HighMotionCount => _censor?.HighMotionCount ?? 0;

    /// <summary>True when the last volume's realignment failed: it is left out of the preprocessing and the window.</summary>
    public bool LastFailed => LastMotion is { IsValid: false };

    /// <summary>
    /// With realignment on, the volume resliced onto the reference grid (NaN where it has no data, all NaN
    /// when the estimate failed) and its motion in <see cref="LastMotion"/>; otherwise the volume itself.
    /// </summary>
    public Volume Realign(Volume volume)
    {
        if (_realignment is null) return volume;
        var (motion, resliced) = _realignment.Process(volume);
        Note(volume.Index, motion);
        return new Volume(volume.Nx, volume.Ny, volume.Nz, resliced, volume.Affine, volume.Index, volume.OnsetSeconds);
    }

    /// <summary>
    /// <c>Roi(Realign(volume))</c>, number for number, without the resliced copy: with realignment on, only
    /// the voxels that carry a label are resliced, into a buffer this extractor keeps (so nothing of the
    /// size of a volume is allocated per volume); the motion goes to <see cref="LastMotion"/>.
    /// </summary>
    public double[] RealignedRoi(Volume volume)
    {
        if (_realignment is null) return Roi(volume);
        ArgumentNullException.ThrowIfNull(volume);
        if (volume.VoxelCount != VoxelCount)
            throw new InputDataException(null, $"volume {volume.Index} has {volume.Shape} = {volume.VoxelCount} voxels, the atlas {VoxelCount}");
        _resliced ??= new float[VoxelCount];
        Note(volume.Index, _realignment.Process(volume, _resliced, _atlasVoxels));
        return Means(_resliced);
    }

    /// <summary>Keeps volume <paramref name="index"/>'s motion and the censoring of the window ending at it.</summary>
    private void Note(int index, MotionEstimate motion)
    {
        LastMotion = motion;
        bool high = motion.IsValid && _censor!.Push(index, motion.FramewiseDisplacement);
        bool censored = _censor!.IsCensored(index);
        LastCensor = new CensorVerdict(censored, censored ? _censor.LastHighMotionVolume : null, high,
            censored && Settings.Censor == CensorPolicy.Withhold);
    }

    /// <summary>Mean of each atlas label in <paramref name="volume"/>, in the atlas's label order.</summary>
    public double[] Roi(Volume volume)
    {
        if (volume.VoxelCount != VoxelCount)
            throw new InputDataException(null, $"volume {volume.Index} has {volume.Shape} = {volume.VoxelCount} voxels, the atlas {VoxelCount}");
        return Means(volume.Data);
    }

    private double[] Means(ReadOnlySpan<float> voxels)
    {
        (InteriorRoi() ?? _roi).Extract(voxels, _means);
        var roi = new double[RoiCount];
        Array.Fill(roi, double.NaN);
        for (int k = 0; k < _means.Length; k++) roi[_slot[k]] = _means[k];
        return roi;
    }

    /// <summary>
    /// With realignment, the ROI means over the voxels of each label inside the head's interior
    /// (<see cref="VolumeRealignment.HeadInterior"/>), or over all of its voxels when none of them is inside; null
    /// without realignment or before the reference is known. Every label keeps voxels, so the ROI order is the atlas's.
    /// </summary>
    private RoiExtractor? InteriorRoi()
    {
        if (_realignment?.HeadInterior is not { } interior) return null;
        if (!ReferenceEquals(interior, _interiorOf))
        {
            var inside = new HashSet<int>();
            for (int v = 0; v < _labels.Length; v++) if (_labels[v] != 0 && interior[v]) inside.Add(_labels[v]);
            var masked = new int[_labels.Length];
            for (int v = 0; v < _labels.Length; v++)
                masked[v] = _labels[v] != 0 && (interior[v] || !inside.Contains(_labels[v])) ? _labels[v] : 0;
            _interiorRoi = new RoiExtractor(masked);
            _interiorOf = interior;
        }
        return _interiorRoi;
    }

    /// <summary>
    /// The ROI values after preprocessing over the run so far (all NaN, not pushed, for a failed volume), written over
    /// <paramref name="roi"/> (the array <see cref="Roi"/> returned, which no caller keeps raw) and returned: one array
    /// per volume instead of two.
    /// </summary>
    public double[] Clean(double[] roi)
    {
        ArgumentNullException.ThrowIfNull(roi);
        if (LastFailed)
        {
            Array.Fill(roi, double.NaN);
            return roi;
        }
        _pre.Push(roi, [], Settings.Preprocessing.MotionRegressors > 0 ? LastMotion!.Parameters : [], roi);
        return roi;
    }

    /// <summary>The feature vector of the newest volume, or null while the window is still filling (or, for DFC, when the volume's realignment failed).</summary>
    public double[]? Features(double[] clean)
    {
        if (_dfc is null) return (double[])clean.Clone();
        if (LastFailed) return null;
        // The kernel writes straight into a pooled array (its state lives elsewhere, so the array's old
        // contents do not matter); the live fan-out gives it back when its last sink is done.
        var edges = FrameBufferPool.Shared.Rent(_dfc.EdgeCount);
        if (_dfc.Push(clean, edges)) return edges;
        FrameBufferPool.Shared.Return(edges);
        return null;
    }

    /// <summary>All steps for one volume.</summary>
    public double[]? Push(Volume volume) => Features(Clean(RealignedRoi(volume)));
}
