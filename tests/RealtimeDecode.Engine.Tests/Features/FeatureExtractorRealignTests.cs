using RealtimeDecode.Engine.Decoding;
using RealtimeDecode.Engine.Features;
using RealtimeDecode.Engine.Motion;
using RealtimeDecode.Engine.Preprocessing;
using RealtimeDecode.Engine.Tests.Support;
using RealtimeDecode.Imaging;
using RealtimeDecode.Imaging.Nifti;

namespace RealtimeDecode.Engine.Tests.Features;

/// <summary>
/// The pipeline's realigned ROI means (only the atlas's voxels resliced, into a reused buffer) against
/// the full resliced copy of each volume, on the real EPI of the realignment golden run.
/// </summary>
public sealed class FeatureExtractorRealignTests
{
    /// <summary>
    /// Clean writes the preprocessed values over the ROI array it is given (detrending, motion regressors and
    /// z-scoring all reading the frame they overwrite); the numbers equal a preprocessor writing to an array of its own.
    /// </summary>
    [Theory]
    [InlineData(6)]
    [InlineData(24)]
    public void Clean_InPlace_EqualsAPreprocessorWithItsOwnOutput(int motionRegressors)
    {
        var vols = NiftiReader.ReadAllVolumes(Path.Combine(AppContext.BaseDirectory, "Golden", "motion", "run.nii.gz")).ToList();
        var v0 = vols[0];
        using var dir = new TempDirectory();
        var labels = new float[v0.VoxelCount];
        for (int v = 0; v < labels.Length; v++) labels[v] = 1 + v % 9;
        string atlasPath = dir.File("atlas.nii.gz");
        NiftiWriter.Write(atlasPath, [new Volume(v0.Nx, v0.Ny, v0.Nz, labels, v0.Affine, 0, 0)], new NiftiWriteOptions { DataType = NiftiDataType.Int16 });
        var atlas = Atlas.Load(atlasPath);
        var preprocessing = new PreprocessingOptions(DetrendOrder: 1, ZScore: true, MotionRegressors: motionRegressors);
        var settings = new FeatureSettings { Kind = FeatureKind.Roi, Realign = true, Preprocessing = preprocessing };
        var extractor = new FeatureExtractor(atlas, settings, new VolumeRealignment(new RealignOptions()));
        var reference = new Preprocessor(atlas.LabelCount, preprocessing);
        int finite = 0;
        foreach (var volume in vols)
        {
            var roi = extractor.RealignedRoi(volume);
            var raw = (double[])roi.Clone();
            var expected = new double[raw.Length];
            reference.Push(raw, [], extractor.LastMotion!.Parameters, expected);

            var clean = extractor.Clean(roi);

            Assert.Same(roi, clean);
            Assert.Equal(expected, clean);
            finite += clean.Count(double.IsFinite);
        }
        Assert.True(finite > vols.Count * atlas.LabelCount / 2, $"only {finite} finite values");
    }

    [Theory]
    [InlineData(ResliceInterpolation.Trilinear)]
    [InlineData(ResliceInterpolation.CubicSpline)]
    public void RealignedRoi_GoldenRun_EqualsRoiOfTheFullReslice(ResliceInterpolation interpolation)
    {
        var vols = NiftiReader.ReadAllVolumes(Path.Combine(AppContext.BaseDirectory, "Golden", "motion", "run.nii.gz")).ToList();
        var v0 = vols[0];
        using var dir = new TempDirectory();
        // 12 box-shaped labels over the middle of the slab; the faces stay background
        var labels = new float[v0.VoxelCount];
        for (int k = 2, v; k < v0.Nz - 2; k++)
            for (int j = 4; j < v0.Ny - 4; j++)
                for (int i = 4; i < v0.Nx - 4; i++)
                {
                    v = (k * v0.Ny + j) * v0.Nx + i;
                    labels[v] = 1 + (i * 3 / v0.Nx) + 3 * (j * 2 / v0.Ny) + 6 * (k * 2 / v0.Nz);
                }
        string atlasPath = dir.File("atlas.nii.gz");
        NiftiWriter.Write(atlasPath, [new Volume(v0.Nx, v0.Ny, v0.Nz, labels, v0.Affine, 0, 0)], new NiftiWriteOptions { DataType = NiftiDataType.Int16 });
        var atlas = Atlas.Load(atlasPath);
        var settings = new FeatureSettings { Kind = FeatureKind.Roi, Realign = true };
        var options = new RealignOptions(Interpolation: interpolation);
        var pipeline = new FeatureExtractor(atlas, settings, new VolumeRealignment(options));
        var full = new FeatureExtractor(atlas, settings, new VolumeRealignment(options));
        int nanRois = 0;
        foreach (var volume in vols)
        {
            var fast = pipeline.RealignedRoi(volume);
            var copy = full.Roi(full.Realign(volume));
            Assert.Equal(copy, fast);
            Assert.Equal(full.LastMotion!.Parameters, pipeline.LastMotion!.Parameters);
            Assert.Equal(RealignStatus.Converged, pipeline.LastMotion.Status);
            nanRois += fast.Count(double.IsNaN);
        }
        Assert.Equal(0, nanRois);
    }
    [Fact]
    public void RealignedRoi_GoldenRun_MeansOverTheReferencesHeadInteriorOnly()
    {
        var vols = NiftiReader.ReadAllVolumes(Path.Combine(AppContext.BaseDirectory, "Golden", "motion", "run.nii.gz")).ToList();
        var v0 = vols[0];
        using var dir = new TempDirectory();
        // four slabs along z covering the whole grid: the outer ones hold the head's edge, and slab 4's voxels are
        // only the top plane, none of them inside the head (its mean falls back to all of its voxels)
        var labels = new float[v0.VoxelCount];
        for (int v = 0; v < labels.Length; v++)
        {
            int k = v / (v0.Nx * v0.Ny);
            labels[v] = k == v0.Nz - 1 ? 4 : 1 + Math.Min(2, k * 3 / (v0.Nz - 1));
        }
        string atlasPath = dir.File("atlas.nii.gz");
        NiftiWriter.Write(atlasPath, [new Volume(v0.Nx, v0.Ny, v0.Nz, labels, v0.Affine, 0, 0)], new NiftiWriteOptions { DataType = NiftiDataType.Int16 });
        var atlas = Atlas.Load(atlasPath);
        var settings = new FeatureSettings { Kind = FeatureKind.Roi, Realign = true };
        var extractor = new FeatureExtractor(atlas, settings, new VolumeRealignment());
        var full = new VolumeRealignment();
        var interior = HeadInteriorMask.Compute(v0.Data, v0.Nx, v0.Ny, v0.Nz, new RealignOptions().MaskFraction);
        Assert.Contains(interior, b => !b);
        Assert.Contains(interior, b => b);
        foreach (var volume in vols)
        {
            var roi = extractor.RealignedRoi(volume);
            var (_, resliced) = full.Process(volume);
            for (int label = 1; label <= 4; label++)
            {
                bool anyInside = Enumerable.Range(0, labels.Length).Any(v => labels[v] == label && interior[v]);
                var values = Enumerable.Range(0, labels.Length)
                    .Where(v => labels[v] == label && (interior[v] || !anyInside) && !float.IsNaN(resliced[v]))
                    .Select(v => (double)resliced[v]).ToArray();
                Assert.Equal(label == 4, !anyInside);
                if (values.Length == 0) Assert.True(double.IsNaN(roi[label - 1]), $"label {label}: {roi[label - 1]}");
                else Assert.Equal(values.Average(), roi[label - 1], 1e-9 * Math.Abs(values.Average()) + 1e-9);
            }
        }
    }
}
