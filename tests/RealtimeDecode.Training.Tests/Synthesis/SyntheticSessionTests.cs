using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using RealtimeDecode.Engine.Tables;
using RealtimeDecode.Imaging;
using RealtimeDecode.Imaging.Nifti;
using RealtimeDecode.Training.Synthesis;

namespace RealtimeDecode.Training.Tests.Synthesis;

public class SyntheticSessionTests
{
    private static readonly SynthOptions Small = new() { Nx = 14, Ny = 16, Nz = 12, Parcels = 21, Runs = 2, Volumes = 40, Seed = 5 };

    private static string NewDir() => Path.Combine(Path.GetTempPath(), "rtd-synth-" + Guid.NewGuid().ToString("N"));

    private static Dictionary<string, string> Hashes(string root) =>
        Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(root, f), f => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f))));

    [Fact]
    public void Write_SameSeed_SameBytes_OtherSeed_OtherBytes()
    {
        string a = NewDir(), b = NewDir(), c = NewDir();
        try
        {
            SyntheticSession.Write(a, Small);
            SyntheticSession.Write(b, Small);
            SyntheticSession.Write(c, Small with { Seed = 6 });
            var ha = Hashes(a);
            Assert.Equal(ha, Hashes(b));
            var hc = Hashes(c);
            Assert.NotEqual(ha["sub-01/func/sub-01_task-alice_run-1_bold.nii.gz"], hc["sub-01/func/sub-01_task-alice_run-1_bold.nii.gz"]);
        }
        finally { foreach (var d in new[] { a, b, c }) if (Directory.Exists(d)) Directory.Delete(d, true); }
    }

    [Fact]
    public void Validate_FewerBrainVoxelsThanParcels_ThrowsNamingParcelsBeforeAnyFile()
    {
        var o = Small with { Nx = 4, Ny = 4, Nz = 4, Parcels = 40 };
        string dir = NewDir();

        var e = Assert.Throws<ArgumentOutOfRangeException>(() => SyntheticSession.Write(dir, o));

        Assert.Equal(nameof(SynthOptions.Parcels), e.ParamName);
        Assert.Equal(32, o.BrainVoxelCount());
        Assert.False(Directory.Exists(dir));
    }

    [Fact]
    public void Write_Session_HasBidsLayoutAtlasOnTheRunGridAndTruthPerVolume()
    {
        string root = NewDir();
        try
        {
            var r = SyntheticSession.Write(root, Small);
            Assert.Equal(2, r.Runs.Count);
            var run = BoldRun.Open(root + "/sub-01/func/sub-01_task-alice_run-2_bold.nii.gz");
            Assert.Equal(40, run.VolumeCount);
            Assert.Equal(2.0, run.RepetitionTimeSeconds);
            var atlas = Atlas.Load(r.Atlas, r.Labels);
            Assert.Equal(21, atlas.LabelCount);
            atlas.EnsureMatches(run.Nx, run.Ny, run.Nz, run.Affine, run.Name);
            Assert.Equal(SyntheticAtlas.Yeo7, atlas.Networks!.Distinct().ToArray());
            var truth = NumericTable.Read(r.Truth[0]);
            Assert.Equal(EmotionStoryGenerator.Plutchik8, truth.Columns);
            Assert.Equal(Enumerable.Range(0, 40).ToArray(), truth.Volumes);
            var json = JsonNode.Parse(File.ReadAllText(Path.Combine(root, "synth.json")))!;
            Assert.Equal(8, json["emotions"]!.AsArray().Count);
            // int16 data around the baseline inside the brain
            var v = run.ReadVolumes().First();
            double brainMean = atlas.LabelPerVoxel.Select((l, i) => (l, i)).Where(x => x.l > 0).Average(x => v.Data[x.i]);
            Assert.InRange(brainMean, 900, 1100);
        }
        finally { if (Directory.Exists(root)) Directory.Delete(root, true); }
    }

    [Fact]
    public void Write_Session_OpensInNibabelWithShapeTrAndAffine()
    {
        string root = NewDir();
        try
        {
            var r = SyntheticSession.Write(root, Small);
            var header = NiftiReader.ReadHeader(r.Runs[0]);
            var psi = new ProcessStartInfo("/usr/bin/python3")
            {
                RedirectStandardOutput = true, RedirectStandardError = true,
                ArgumentList = { "-c", "import sys, json, nibabel as nib; i = nib.load(sys.argv[1]); a = nib.load(sys.argv[2]); print(json.dumps({'shape': list(i.shape), 'zooms': [float(z) for z in i.header.get_zooms()], 'affine': i.affine.tolist(), 'dtype': str(i.get_data_dtype()), 'atlas_shape': list(a.shape)}))", r.Runs[0], r.Atlas },
            };
            using var p = Process.Start(psi) ?? throw new InvalidOperationException("/usr/bin/python3 did not start");
            string stdout = p.StandardOutput.ReadToEnd(), stderr = p.StandardError.ReadToEnd();
            p.WaitForExit();
            Assert.True(p.ExitCode == 0, $"nibabel (python3-nibabel, run 'bash .ci/setup') failed: {stderr}");
            var j = JsonNode.Parse(stdout)!;
            Assert.Equal([14, 16, 12, 40], j["shape"]!.AsArray().Select(x => x!.GetValue<int>()).ToArray());
            Assert.Equal(2.0, j["zooms"]![3]!.GetValue<double>());
            Assert.Equal("int16", j["dtype"]!.GetValue<string>());
            Assert.Equal([14, 16, 12], j["atlas_shape"]!.AsArray().Select(x => x!.GetValue<int>()).ToArray());
            for (int row = 0; row < 4; row++)
                for (int col = 0; col < 4; col++)
                    Assert.Equal(header.Affine[row, col], j["affine"]![row]![col]!.GetValue<double>(), 4);
        }
        finally { if (Directory.Exists(root)) Directory.Delete(root, true); }
    }
}
