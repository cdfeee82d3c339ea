using RealtimeDecode.Engine.Tables;
using RealtimeDecode.Imaging;
using RealtimeDecode.Imaging.Nifti;

namespace RealtimeDecode.Host.Tests.Commands;

[Collection(ConsoleCollection.Name)]
public sealed class ExtractConnectivityCommandTests : IDisposable
{
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>A 6×5×4 run of 20 volumes and a 3-label atlas on its grid.</summary>
    private (string Run, string Atlas, string Labels) Small(int volumes = 20)
    {
        var affine = Affine.Diagonal(2, 2, 2);
        var rng = new Random(3);
        var vols = Enumerable.Range(0, volumes).Select(t => new Volume(6, 5, 4,
            Enumerable.Range(0, 120).Select(_ => (float)(1000 + rng.Next(-50, 50))).ToArray(), affine, t)).ToList();
        string run = _dir.File("run.nii.gz");
        NiftiWriter.Write(run, vols, new NiftiWriteOptions { DataType = NiftiDataType.Int16, RepetitionTimeSeconds = 2 });
        var labels = Enumerable.Range(0, 120).Select(i => (float)(i % 4)).ToArray();
        string atlas = _dir.File("atlas.nii.gz");
        NiftiWriter.Write(atlas, [new Volume(6, 5, 4, labels, affine)], new NiftiWriteOptions { DataType = NiftiDataType.Int16 });
        string tsv = _dir.File("atlas.tsv");
        File.WriteAllText(tsv, "index\tname\tnetwork\n1\tA\tVis\n2\tB\tVis\n3\tC\tDefault\n");
        return (run, atlas, tsv);
    }

    [Fact]
    public void ExtractThenConnectivity_SmallRun_WritesTablesInTheArchitectureLayout()
    {
        var (run, atlas, labels) = Small();
        var r = CliRunner.Run("extract", "--bold", run, "--atlas", atlas, "--labels", labels, "--out", _dir.File("roi.tsv"));
        Assert.Equal(0, r.ExitCode);
        var roi = NumericTable.Read(_dir.File("roi.tsv"));
        Assert.Equal(["A", "B", "C"], roi.Columns);
        Assert.Equal(Enumerable.Range(0, 20).ToArray(), roi.Volumes);
        // ROI A is every voxel i with i % 4 == 1: check one mean against a direct computation.
        var v0 = NiftiReader.ReadVolume(run, 0);
        double expected = Enumerable.Range(0, 120).Where(i => i % 4 == 1).Average(i => (double)v0.Data[i]);
        Assert.Equal(expected, roi.Values[0], 9);

        r = CliRunner.Run("connectivity", "--roi", _dir.File("roi.tsv"), "--window", "13", "--fisher", "--out", _dir.File("dfc.tsv"));
        Assert.Equal(0, r.ExitCode);
        var dfc = NumericTable.Read(_dir.File("dfc.tsv"));
        Assert.Equal(["A~B", "A~C", "B~C"], dfc.Columns);
        Assert.Equal(12, dfc.Volumes[0]); // the first complete window ends at volume W − 1
        Assert.Equal(8, dfc.RowCount);
    }

    public static TheoryData<string, string> BadInputs => new()
    {
        { "truncated", "truncated" },
        { "magic", "magic" },
        { "datatype", "datatype" },
        { "dims", "size" },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public void Extract_BadNifti_OneLineNamingTheFileExit2(string kind, string expected)
    {
        var (run, atlas, _) = Small();
        var bytes = File.ReadAllBytes(NiftiPlain(run));
        switch (kind)
        {
            case "truncated": bytes = bytes[..600]; break;
            case "magic": bytes[344] = (byte)'x'; break;
            case "datatype": BitConverter.GetBytes((short)32).CopyTo(bytes, 70); break; // complex64
            case "dims": BitConverter.GetBytes((short)9).CopyTo(bytes, 42); break;      // nx 6 → 9
        }
        string bad = _dir.File($"bad-{kind}.nii");
        File.WriteAllBytes(bad, bytes);
        var r = CliRunner.Run("extract", "--bold", bad, "--atlas", atlas, "--out", _dir.File("x.tsv"));
        Assert.Equal(2, r.ExitCode);
        var line = Assert.Single(r.Error.Trim().Split('\n'));
        Assert.Contains("bad-" + kind + ".nii", line);
        Assert.Contains(expected, line, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("   at ", r.Error);
    }

    [Fact]
    public void Extract_AtlasOnAnotherGrid_NamesBothShapes()
    {
        var (run, _, _) = Small();
        string other = _dir.File("atlas7.nii.gz");
        NiftiWriter.Write(other, [new Volume(7, 5, 4, new float[140], Affine.Diagonal(2, 2, 2))], new NiftiWriteOptions { DataType = NiftiDataType.Int16 });
        var r = CliRunner.Run("extract", "--bold", run, "--atlas", other, "--out", _dir.File("x.tsv"));
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("atlas7.nii.gz", r.Error);
        Assert.Contains("6×5×4", r.Error);
        Assert.Contains("7×5×4", r.Error);
    }

    [Fact]
    public void Connectivity_RaggedTableOrWindowLongerThanRun_Exit2()
    {
        File.WriteAllText(_dir.File("ragged.tsv"), "volume\tA\tB\n0\t1\t2\n1\t3\n");
        var r = CliRunner.Run("connectivity", "--roi", _dir.File("ragged.tsv"), "--window", "2", "--out", _dir.File("x.tsv"));
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("ragged.tsv: line 3 has 2 columns, the header has 3 (ragged row)", r.Error);

        var (run, atlas, _) = Small(volumes: 10);
        Assert.Equal(0, CliRunner.Run("extract", "--bold", run, "--atlas", atlas, "--out", _dir.File("roi10.tsv")).ExitCode);
        r = CliRunner.Run("connectivity", "--roi", _dir.File("roi10.tsv"), "--window", "13", "--out", _dir.File("x.tsv"));
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("window 13 is longer than the table's 10 rows", r.Error);
    }

    [Fact]
    public void Connectivity_OnAConnectivityTableOfManyRows_RefusedBeforeAllocatingNamingColumnsAndEdges()
    {
        // A 100-ROI connectivity table (4,950 edge columns) of 190 windows, as connectivity writes it for a long run:
        // its own connectivity would be 12,248,775 edges × 178 windows, more values than an array holds.
        var names = Enumerable.Range(1, 100).Select(i => $"roi{i}").ToArray();
        string dfc = _dir.File("dfc.tsv");
        var edges = Engine.Connectivity.EdgeLayout.Names(names);
        new NumericTable(edges, Enumerable.Range(12, 190).ToArray(), new double[190 * edges.Length]).Write(dfc);

        var r = CliRunner.Run("connectivity", "--roi", dfc, "--window", "13", "--out", _dir.File("x.tsv"));

        Assert.True(r.ExitCode == 2, $"exit {r.ExitCode}: {r.Error}");
        var line = Assert.Single(r.Error.Trim().Split('\n'));
        Assert.StartsWith($"error: {dfc}: 4,950 ROI columns would make 12,248,775 edges per window", line, StringComparison.Ordinal);
        Assert.Contains("is this a connectivity table?", line, StringComparison.Ordinal);
        Assert.Contains("roi1~roi2", line, StringComparison.Ordinal);
        Assert.False(File.Exists(_dir.File("x.tsv")));
    }

    [Fact]
    public void Connectivity_RoiTableTooWideForOneTable_RefusedWithoutTheConnectivityHint()
    {
        // 70,000 ROI columns make 2,449,965,000 edges: more than one table holds even for a single window.
        int r = 70_000;
        string wide = _dir.File("wide.tsv");
        new NumericTable(Enumerable.Range(1, r).Select(i => $"r{i}").ToArray(), [0, 1], new double[2 * r]).Write(wide);

        var result = CliRunner.Run("connectivity", "--roi", wide, "--window", "2", "--out", _dir.File("x.tsv"));

        Assert.True(result.ExitCode == 2, $"exit {result.ExitCode}: {result.Error}");
        var line = Assert.Single(result.Error.Trim().Split('\n'));
        Assert.Contains("wide.tsv: 70,000 ROI columns would make 2,449,965,000 edges per window", line, StringComparison.Ordinal);
        Assert.DoesNotContain("connectivity table", line, StringComparison.Ordinal);
        Assert.False(File.Exists(_dir.File("x.tsv")));
    }

    [Fact]
    public void Connectivity_OnASmallConnectivityTable_RefusedAsOne()
    {
        var (run, atlas, labels) = Small();
        Assert.Equal(0, CliRunner.Run("extract", "--bold", run, "--atlas", atlas, "--labels", labels, "--out", _dir.File("roi.tsv")).ExitCode);
        Assert.Equal(0, CliRunner.Run("connectivity", "--roi", _dir.File("roi.tsv"), "--window", "5", "--out", _dir.File("dfc.tsv")).ExitCode);

        var r = CliRunner.Run("connectivity", "--roi", _dir.File("dfc.tsv"), "--window", "5", "--out", _dir.File("x.tsv"));

        Assert.True(r.ExitCode == 2, $"exit {r.ExitCode}: {r.Error}");
        var line = Assert.Single(r.Error.Trim().Split('\n'));
        Assert.Contains("dfc.tsv: 3 columns would make 3 edges per window; is this a connectivity table? its columns are named like edges (A~B, …)", line, StringComparison.Ordinal);
        Assert.False(File.Exists(_dir.File("x.tsv")));
    }

    private string NiftiPlain(string gz)
    {
        string plain = _dir.File("plain.nii");
        var vols = NiftiReader.ReadAllVolumes(gz).ToList();
        NiftiWriter.Write(plain, vols, new NiftiWriteOptions { DataType = NiftiDataType.Int16, RepetitionTimeSeconds = 2 });
        return plain;
    }
}
