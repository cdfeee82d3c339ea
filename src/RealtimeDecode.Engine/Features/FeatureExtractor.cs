using RealtimeDecode.Engine.Pipeline;
using RealtimeDecode.Engine.Connectivity;
using RealtimeDecode.Engine.Decoding;
using RealtimeDecode.Engine.Preprocessing;
using RealtimeDecode.Engine.Roi;
using RealtimeDecode.Imaging;

namespace RealtimeDecode.Engine.Features;

/// <summary>
/// The per-run chain of kernels from a volume to a feature vector: ROI means over the atlas's labels
/// (<see cref="RoiExtractor"/>, in the atlas's label order; a label with no voxels gives NaN),
/// preprocessing (<see cref="Preprocessor"/>), then sliding-window connectivity
/// (<see cref="SlidingWindowCorrelation"/>) for DFC features. The live pipeline calls the three steps
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

    public FeatureExtractor(Atlas atlas, FeatureSettings settings)
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
        }
        VoxelCount = atlas.LabelPerVoxel.Length;
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

    /// <summary>Mean of each atlas label in <paramref name="volume"/>, in the atlas's label order.</summary>
    public double[] Roi(Volume volume)
    {
        if (volume.VoxelCount != VoxelCount)
            throw new InputDataException(null, $"volume {volume.Index} has {volume.Shape} = {volume.VoxelCount} voxels, the atlas {VoxelCount}");
        _roi.Extract(volume.Data, _means);
        var roi = new double[RoiCount];
        Array.Fill(roi, double.NaN);
        for (int k = 0; k < _means.Length; k++) roi[_slot[k]] = _means[k];
        return roi;
    }

    /// <summary>The ROI values after preprocessing over the run so far.</summary>
    public double[] Clean(double[] roi)
    {
        var clean = new double[RoiCount];
        _pre.Push(roi, clean);
        return clean;
    }

    /// <summary>The feature vector of the newest volume, or null while the window is still filling.</summary>
    public double[]? Features(double[] clean)
    {
        if (_dfc is null) return (double[])clean.Clone();
        // The kernel writes straight into a pooled array (its state lives elsewhere, so the array's old
        // contents do not matter); the live fan-out gives it back when its last sink is done.
        var edges = FrameBufferPool.Shared.Rent(_dfc.EdgeCount);
        if (_dfc.Push(clean, edges)) return edges;
        FrameBufferPool.Shared.Return(edges);
        return null;
    }

    /// <summary>All three steps for one volume.</summary>
    public double[]? Push(Volume volume) => Features(Clean(Roi(volume)));
}
