using System.Globalization;
using RealtimeDecode.Imaging.Nifti;
using RealtimeDecode.Tests.Support;
using RealtimeDecode.Training.Synthesis;

namespace RealtimeDecode.Training.Tests.Synthesis;

public class SyntheticMotionSessionTests
{
    private static readonly SynthOptions Small = new() { Nx = 14, Ny = 16, Nz = 12, Parcels = 21, Runs = 1, Volumes = 30, Seed = 5 };

    private static string NewDir() => Path.Combine(Path.GetTempPath(), "rtd-synthmotion-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public void Write_MotionHigh_TruthFdEqualsNumpyRecomputation()
    {
        string dir = NewDir();
        try
        {
            SyntheticSession.Write(dir, Small with { Motion = MotionLevel.High });
            string truth = Path.Combine(dir, "sub-01", "func", "sub-01_task-alice_run-1_desc-truth_motion.tsv");
            var lines = File.ReadAllLines(truth);
            Assert.Equal("trans_x\ttrans_y\ttrans_z\trot_x\trot_y\trot_z\tframewise_displacement", lines[0]);
            Assert.Equal(Small.Volumes + 1, lines.Length);
            string recomputed = Path.Combine(dir, "fd.txt");
            PythonRunner.Run(PythonRunner.RepoFile("tests", "RealtimeDecode.Training.Tests", "Golden", "make_motion_golden.py"), "fd", truth, recomputed);
            var expected = File.ReadAllLines(recomputed).Select(l => double.Parse(l, CultureInfo.InvariantCulture)).ToArray();
            var written = lines.Skip(1).Select(l => double.Parse(l.Split('\t')[6], CultureInfo.InvariantCulture)).ToArray();
            Assert.Equal(0, written[0]);
            Assert.Equal(expected.Length, written.Length);
            for (int v = 0; v < written.Length; v++) Assert.True(Math.Abs(expected[v] - written[v]) < 1e-12, $"volume {v}: {written[v]} vs numpy {expected[v]}");
            Assert.Contains(written, f => f > 0.1);
        }
        finally { if (Directory.Exists(dir)) Directory.Delete(dir, true); }
    }

    [Fact]
    public void Write_MotionHigh_MovesTheVolumesAndKeepsEverythingElse()
    {
        string still = NewDir(), moved = NewDir();
        try
        {
            SyntheticSession.Write(still, Small);
            SyntheticSession.Write(moved, Small with { Motion = MotionLevel.High, MotionCovaries = "joy" });
            string bold = Path.Combine("sub-01", "func", "sub-01_task-alice_run-1_bold.nii.gz");
            var a = NiftiReader.ReadAllVolumes(Path.Combine(still, bold)).ToList();
            var b = NiftiReader.ReadAllVolumes(Path.Combine(moved, bold)).ToList();
            Assert.Equal(a.Count, b.Count);
            double diff = 0;
            for (int v = 0; v < a.Count; v++)
                for (int i = 0; i < a[v].Data.Length; i++) diff = Math.Max(diff, Math.Abs(a[v].Data[i] - b[v].Data[i]));
            Assert.True(diff > 10, $"largest intensity change {diff}");
            string targets = Path.Combine("sub-01", "func", "sub-01_task-alice_run-1_desc-truth_targets.tsv");
            Assert.Equal(File.ReadAllBytes(Path.Combine(still, targets)), File.ReadAllBytes(Path.Combine(moved, targets)));
            Assert.False(File.Exists(Path.Combine(still, "sub-01", "func", "sub-01_task-alice_run-1_desc-truth_motion.tsv")));
            var back = SyntheticSession.ReadOptions(Path.Combine(moved, "synth.json"));
            Assert.Equal(MotionLevel.High, back.Motion);
            Assert.Equal("joy", back.MotionCovaries);
            Assert.Equal(MotionLevel.None, SyntheticSession.ReadOptions(Path.Combine(still, "synth.json")).Motion);
        }
        finally { foreach (var d in new[] { still, moved }) if (Directory.Exists(d)) Directory.Delete(d, true); }
    }

    [Fact]
    public void ReadOptions_UnknownMotionLevel_IsInputDataException()
    {
        string dir = NewDir();
        try
        {
            Directory.CreateDirectory(dir);
            string json = Path.Combine(dir, "synth.json");
            File.WriteAllText(json, """{ "grid": [14, 16, 12], "voxel_size_mm": 3.5, "parcels": 21, "runs": 1, "volumes": 30, "tr_s": 2, "seed": 5, "brain_model": {}, "motion": "medium" }""");
            var e = Assert.Throws<RealtimeDecode.Imaging.InputDataException>(() => SyntheticSession.ReadOptions(json));
            Assert.Contains("medium", e.Message);
        }
        finally { if (Directory.Exists(dir)) Directory.Delete(dir, true); }
    }

    [Theory]
    [InlineData(MotionLevel.None, "joy")]
    [InlineData(MotionLevel.High, "laughter")]
    public void Validate_BadCovariate_Throws(MotionLevel level, string emotion)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => (Small with { Motion = level, MotionCovaries = emotion }).Validate());
    }
}
