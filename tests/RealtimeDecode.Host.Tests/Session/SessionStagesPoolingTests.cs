using RealtimeDecode.Engine.Decoding;
using RealtimeDecode.Engine.Features;
using RealtimeDecode.Engine.Pipeline;
using RealtimeDecode.Host.Session;
using RealtimeDecode.Host.Tests.Commands;
using RealtimeDecode.Imaging;
using RealtimeDecode.Imaging.Nifti;

namespace RealtimeDecode.Host.Tests.Session;

/// <summary>The session's read and roi stages: voxel arrays circulate through the pool, and the numbers do not change.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class SessionStagesPoolingTests : IClassFixture<SmallSession>
{
    private readonly SmallSession _s;

    public SessionStagesPoolingTests(SmallSession s) => _s = s;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ReadThenRoi_EveryVolume_VoxelsGoBackAndAreReusedWithUnchangedFeatures(bool fromFiles)
    {
        var package = ModelPackage.Load(_s.Model);
        var settings = package.Features.Settings;
        var atlas = Atlas.Load(_s.Atlas, _s.Labels);
        var run = BoldRun.Open(_s.Run2);
        var volumes = run.ReadVolumes().ToArray();

        // one 3D file per volume, as a scanner exports them, or the run's own in-memory readers (replay)
        var arrivals = new VolumeArrival[volumes.Length];
        var pool = new VoxelBufferPool();
        var loaders = run.VolumeReaders(pool);
        for (int t = 0; t < volumes.Length; t++)
        {
            if (fromFiles)
            {
                string file = _s.Path($"vol{t:D3}.nii");
                NiftiWriter.Write(file, [volumes[t]], new NiftiWriteOptions { DataType = NiftiDataType.Float32 });
                arrivals[t] = new VolumeArrival(t, file, 0);
            }
            else arrivals[t] = new VolumeArrival(t, run.Files[0], 0, Load: loaders[t]);
        }

        var pooled = SessionRunner.Stages(atlas, settings, package, "nifti", voxels: pool);
        var plain = SessionRunner.Stages(atlas, settings, package, "nifti", voxels: new VoxelBufferPool());
        var seen = new HashSet<float[]>(ReferenceEqualityComparer.Instance);
        int edgesCompared = 0;
        for (int t = 0; t < volumes.Length; t++)
        {
            var v = pooled.Read(arrivals[t]);
            seen.Add(v.Data);
            Assert.Equal(volumes[t].Data, v.Data);
            var roi = pooled.Roi(v);
            // the reference path: the unpooled volume through a second, independent set of stages
            var expected = plain.Roi(new Volume(volumes[t].Nx, volumes[t].Ny, volumes[t].Nz, (float[])volumes[t].Data.Clone(), volumes[t].Affine, t));
            Assert.Equal(expected, roi);
            var edges = pooled.Connectivity(pooled.Clean(roi));
            var expectedEdges = plain.Connectivity(plain.Clean(expected));
            Assert.Equal(expectedEdges is null, edges is null);
            if (edges is not null)
            {
                Assert.Equal(expectedEdges!, edges);
                Assert.Equal(plain.Decode(expectedEdges!), pooled.Decode(edges));
                edgesCompared++;
            }
        }
        Assert.True(edgesCompared > 10);
        Assert.Equal(volumes.Length, pool.Rented);
        Assert.Equal(volumes.Length, pool.Returned);
        Assert.Equal(volumes.Length - 1, pool.Reused);
        Assert.Single(seen);   // one array served the whole run
    }
}
