using RealtimeDecode.Engine.Decoding;
using RealtimeDecode.Engine.Features;
using RealtimeDecode.Engine.Motion;
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
}
