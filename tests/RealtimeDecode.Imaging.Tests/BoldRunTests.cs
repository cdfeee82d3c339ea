using RealtimeDecode.Imaging.Nifti;
using RealtimeDecode.Imaging.Tests.Support;

namespace RealtimeDecode.Imaging.Tests;

public sealed class BoldRunTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static List<Volume> Volumes(int count, Affine? affine = null) =>
        Enumerable.Range(0, count)
            .Select(t => new Volume(4, 3, 2, TestData.Values(NiftiDataType.Float32, 24, t), affine ?? Affine.Diagonal(3, 3, 3)))
            .ToList();

    private string WriteRun(string relative, List<Volume> vols, double tr)
    {
        var path = System.IO.Path.Combine(_dir.Root, relative);
        NiftiWriter.Write(path, vols, new NiftiWriteOptions { RepetitionTimeSeconds = tr });
        return path;
    }

    [Fact]
    public void Open_4DFile_TrFromHeaderVolumesInOrder()
    {
        var vols = Volumes(5);
        var path = WriteRun("run.nii.gz", vols, 2.5);
        var run = BoldRun.Open(path);
        Assert.Equal(BoldRunLayout.File4D, run.Layout);
        Assert.Equal("run", run.Name);
        Assert.Equal(5, run.VolumeCount);
        Assert.Equal(2.5, run.RepetitionTimeSeconds);
        Assert.Equal(RepetitionTimeSource.NiftiHeader, run.RepetitionTimeSource);
        Assert.Equal("4×3×2", run.Shape);
        var read = run.ReadVolumes().ToList();
        Assert.Equal(Enumerable.Range(0, 5), read.Select(v => v.Index));
        Assert.Equal(new[] { 0, 2.5, 5, 7.5, 10 }, read.Select(v => v.OnsetSeconds));
        for (int t = 0; t < 5; t++) Assert.Equal(vols[t].Data, read[t].Data);
    }

    [Fact]
    public void Open_FolderOf3D_SortedByNumberNotByText()
    {
        var vols = Volumes(12);
        var folder = System.IO.Path.Combine(_dir.Root, "export");
        // Written out of order, with names whose text order differs from their number order.
        foreach (int t in new[] { 10, 2, 0, 11, 1, 3, 4, 5, 6, 7, 8, 9 })
            WriteRun(System.IO.Path.Combine("export", $"MR_run3_vol{t}.nii"), [vols[t]], 2);
        var run = BoldRun.Open(folder);
        Assert.Equal(BoldRunLayout.Folder3D, run.Layout);
        Assert.Equal("export", run.Name);
        Assert.Equal(12, run.VolumeCount);
        Assert.Equal(2, run.RepetitionTimeSeconds);
        var read = run.ReadVolumes().ToList();
        for (int t = 0; t < 12; t++)
        {
            Assert.Equal(t, read[t].Index);
            Assert.Equal(2.0 * t, read[t].OnsetSeconds);
            Assert.Equal(vols[t].Data, read[t].Data);
        }
    }

    [Fact]
    public void Open_FolderWithDuplicateNumbers_NamesBothFiles()
    {
        var vols = Volumes(2);
        WriteRun("dup/a_1.nii", [vols[0]], 2);
        WriteRun("dup/b_1.nii.gz", [vols[1]], 2);
        var ex = Assert.Throws<InputDataException>(() => BoldRun.Open(System.IO.Path.Combine(_dir.Root, "dup")));
        Assert.Contains("two volumes have number 1", ex.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_FolderWithMixedGrids_NamesOddFile()
    {
        WriteRun("mixed/v1.nii", Volumes(1), 2);
        var odd = WriteRun("mixed/v2.nii", [new Volume(2, 2, 2, new float[8], Affine.Identity)], 2);
        var ex = Assert.Throws<InputDataException>(() => BoldRun.Open(System.IO.Path.Combine(_dir.Root, "mixed")));
        Assert.Equal(odd, ex.Path);
        Assert.Contains("grid 2×2×2 differs", ex.Problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Read_FileReplacedByAnotherGridAfterOpen_RefusedNamingIt_InBothReaders(bool perVolumeReaders)
    {
        var vols = Volumes(2);
        WriteRun("swap/v1.nii", [vols[0]], 2);
        var second = WriteRun("swap/v2.nii", [vols[1]], 2);
        var run = BoldRun.Open(System.IO.Path.Combine(_dir.Root, "swap"));
        WriteRun("swap/v2.nii", [new Volume(2, 2, 2, new float[8], Affine.Identity)], 2);

        var ex = Assert.Throws<InputDataException>(() =>
        {
            if (perVolumeReaders) run.VolumeReaders()[1]();
            else _ = run.ReadVolumes().ToList();
        });

        Assert.Equal(second, ex.Path);
        Assert.Contains("grid 2×2×2 differs", ex.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void VolumeReaders_4DFile_SameVolumesAsReadVolumes()
    {
        var run = BoldRun.Open(WriteRun("four.nii.gz", Volumes(4), 1.5));

        var readers = run.VolumeReaders();
        var sequential = run.ReadVolumes().ToList();

        Assert.Equal(4, readers.Count);
        foreach (int t in new[] { 0, 1, 3, 2 })
        {
            var v = readers[t]();
            Assert.Equal(t, v.Index);
            Assert.Equal(t * 1.5, v.OnsetSeconds);
            Assert.Equal(sequential[t].Data, v.Data);
        }
    }

    [Fact]
    public void Open_BidsRoot_TrFromSidecarJson()
    {
        var path = WriteRun("bids/sub-01/func/sub-01_task-alice_bold.nii.gz", Volumes(3), 1.0);
        File.WriteAllText(System.IO.Path.ChangeExtension(path[..^3], ".json"), "{\"RepetitionTime\": 2.0, \"TaskName\": \"alice\"}");
        foreach (var opened in new[] { "bids", "bids/sub-01" })
        {
            var run = BoldRun.Open(System.IO.Path.Combine(_dir.Root, opened));
            Assert.Equal(BoldRunLayout.Bids, run.Layout);
            Assert.Equal("sub-01_task-alice_bold", run.Name);
            Assert.Equal(2.0, run.RepetitionTimeSeconds);
            Assert.Equal(RepetitionTimeSource.SidecarJson, run.RepetitionTimeSource);
            Assert.Equal(new[] { 0, 2.0, 4.0 }, run.ReadVolumes().Select(v => v.OnsetSeconds));
        }
        // The file itself also takes its sidecar's TR.
        Assert.Equal(2.0, BoldRun.Open(path).RepetitionTimeSeconds);
    }

    [Fact]
    public void Open_BidsTaskJsonAtRoot_Inherited()
    {
        WriteRun("ds/sub-02/ses-1/func/sub-02_ses-1_task-story_run-1_bold.nii.gz", Volumes(2), 1.0);
        File.WriteAllText(System.IO.Path.Combine(_dir.Root, "ds", "task-story_bold.json"), "{\"RepetitionTime\": 1.5}");
        var run = BoldRun.Open(System.IO.Path.Combine(_dir.Root, "ds"));
        Assert.Equal(1.5, run.RepetitionTimeSeconds);
    }

    [Fact]
    public void Open_BidsWithSeveralRuns_AsksForOne()
    {
        WriteRun("multi/sub-01/func/sub-01_task-a_bold.nii.gz", Volumes(2), 2);
        WriteRun("multi/sub-02/func/sub-02_task-a_bold.nii.gz", Volumes(2), 2);
        var root = System.IO.Path.Combine(_dir.Root, "multi");
        Assert.Equal(2, BoldRun.FindBidsRuns(root).Count);
        var ex = Assert.Throws<InputDataException>(() => BoldRun.Open(root));
        Assert.Contains("2 BIDS bold runs found", ex.Problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("vol_000001.nii", true)]
    [InlineData("realigned.nii.gz", true)]
    [InlineData("roi.tsv", false)]
    [InlineData("func/sub-01_task-a_bold.nii.gz", true)]
    [InlineData("sub-01/func/sub-01_task-a_bold.nii", true)]
    [InlineData("sub-01/ses-1/func/sub-01_ses-1_task-a_bold.nii.gz", true)]
    [InlineData("sub-01/func/sub-01_task-a_T1w.nii.gz", false)]
    [InlineData("sub-01/anat/sub-01_bold.nii.gz", false)]
    [InlineData("derivatives/func/x_bold.nii.gz", false)]
    [InlineData("sim/run-01_vol_000000.nii", false)]
    public void TakesFile_AFileInARunFolder_AsOpenWouldFindIt(string relative, bool expected)
    {
        // The rule agrees with what Open and FindBidsRuns find among the folder's files.
        var folder = System.IO.Path.Combine(_dir.Root, "taken");
        var file = System.IO.Path.Combine(folder, relative);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(file)!);
        File.WriteAllBytes(file, []);
        bool found = relative.Contains('/', StringComparison.Ordinal)
            ? BoldRun.FindBidsRuns(folder).Contains(file)
            : Directory.EnumerateFiles(folder).Where(VolumeFormat.IsNifti).Contains(file);

        Assert.Equal(expected, BoldRun.TakesFile(relative));
        Assert.Equal(expected, found);
    }

    [Fact]
    public void Open_ExplicitTr_OverridesJsonAndHeader()
    {
        var path = WriteRun("sub-01/func/sub-01_task-x_bold.nii", Volumes(2), 1.0);
        File.WriteAllText(path[..^4] + ".json", "{\"RepetitionTime\": 2.0}");
        var run = BoldRun.Open(path, 0.8);
        Assert.Equal(0.8, run.RepetitionTimeSeconds);
        Assert.Equal(RepetitionTimeSource.Explicit, run.RepetitionTimeSource);
    }

    [Fact]
    public void Open_BadSidecarJson_NamesJson()
    {
        var path = WriteRun("sub-01/func/sub-01_task-y_bold.nii", Volumes(2), 1.0);
        var json = path[..^4] + ".json";
        File.WriteAllText(json, "{\"RepetitionTime\": ");
        var ex = Assert.Throws<InputDataException>(() => BoldRun.Open(path));
        Assert.Equal(json, ex.Path);
        Assert.StartsWith("invalid JSON", ex.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_NoTrAnywhere_AsksForOne()
    {
        var path = WriteRun("nortr.nii", Volumes(2), 0);
        var ex = Assert.Throws<InputDataException>(() => BoldRun.Open(path));
        Assert.Contains("no repetition time", ex.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_MissingOrEmpty_Explains()
    {
        var missing = System.IO.Path.Combine(_dir.Root, "nothing");
        Assert.Contains("run not found", Assert.Throws<InputDataException>(() => BoldRun.Open(missing)).Problem, StringComparison.Ordinal);
        Directory.CreateDirectory(missing);
        Assert.Contains("no NIfTI files", Assert.Throws<InputDataException>(() => BoldRun.Open(missing)).Problem, StringComparison.Ordinal);
    }
}
