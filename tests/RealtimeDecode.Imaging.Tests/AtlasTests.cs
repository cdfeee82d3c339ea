using System.Text.Json;
using RealtimeDecode.Imaging.Nifti;
using RealtimeDecode.Imaging.Tests.Support;

namespace RealtimeDecode.Imaging.Tests;

public sealed class AtlasTests : IDisposable
{
    private sealed record AtlasFixture(string File, int[] Shape, int[] Labels, int[] VoxelCounts, int[] LabelPerVoxel, double[] Affine, string Sha256);

    private static readonly List<AtlasFixture> Fixtures = JsonSerializer.Deserialize<List<AtlasFixture>>(
        File.ReadAllText(GoldenFiles.Path("Atlas", "atlas_manifest.json")),
        new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower })!;

    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    public static IEnumerable<object[]> Files() => Fixtures.Select(f => new object[] { f.File });

    private static AtlasFixture Fixture(string file) => Fixtures.Single(f => f.File == file);

    [Theory]
    [MemberData(nameof(Files))]
    public void Load_NoLabelsTable_MatchesNibabelLabelsCountsAndSha256(string file)
    {
        var f = Fixture(file);
        var atlas = Atlas.Load(GoldenFiles.Path("Atlas", file));
        Assert.Equal(f.Shape, new[] { atlas.Nx, atlas.Ny, atlas.Nz });
        Assert.Equal(f.Labels, atlas.LabelValues);
        Assert.Equal(f.VoxelCounts, atlas.Labels.Select(l => l.VoxelCount).ToArray());
        Assert.Equal(f.LabelPerVoxel, atlas.LabelPerVoxel);
        Assert.Equal(f.Sha256, atlas.Sha256);
        Assert.True(atlas.Affine.MaxAbsDifference(new Affine(f.Affine)) < 1e-6);
        Assert.Equal(f.Labels.Select(l => l.ToString(System.Globalization.CultureInfo.InvariantCulture)), atlas.Names);
        Assert.Null(atlas.Networks);
        Assert.DoesNotContain(0, atlas.LabelValues);
        for (int i = 0; i < atlas.LabelPerVoxel.Length; i++)
        {
            int roi = atlas.RoiIndexPerVoxel[i];
            Assert.Equal(atlas.LabelPerVoxel[i], roi < 0 ? 0 : atlas.LabelValues[roi]);
        }
    }

    [Fact]
    public void Load_WithLabelsTable_TableDefinesLabelsNamesAndNetworks()
    {
        var f = Fixture("atlas_int16.nii.gz");
        var atlas = Atlas.Load(GoldenFiles.Path("Atlas", f.File), GoldenFiles.Path("Atlas", "labels.tsv"));
        Assert.Equal(new[] { 1, 2, 3, 5, 8, 13, 21 }, atlas.LabelValues);
        Assert.Equal("Vis_region_1", atlas.Names[0]);
        Assert.Equal("Limbic_region_21", atlas.Names[6]);
        Assert.Equal(new[] { "Vis", "Vis", "SomMot", "Default", "Default", "Limbic", "Limbic" }, atlas.Networks!);
        Assert.Equal(0, atlas.Labels[6].VoxelCount);
        Assert.Equal(f.VoxelCounts, atlas.Labels.Take(6).Select(l => l.VoxelCount).ToArray());
        Assert.Equal(4, atlas.IndexOf(8));
        Assert.Equal(-1, atlas.IndexOf(4));
    }

    [Fact]
    public void Load_TableWithoutNetworkColumn_NetworksNullEmptyNameIsNumber()
    {
        var tsv = _dir.File("labels.tsv");
        File.WriteAllText(tsv, "name\tindex\n\t1\tx\nA\t2\nB\t3\nC\t5\nD\t8\nE\t13\n".Replace("\t1\tx", "\t1", StringComparison.Ordinal));
        var atlas = Atlas.Load(GoldenFiles.Path("Atlas", "atlas_float32.nii"), tsv);
        Assert.Null(atlas.Networks);
        Assert.Equal("1", atlas.Names[0]);
        Assert.Equal("E", atlas.Names[5]);
    }

    [Fact]
    public void Load_VolumeLabelMissingFromTable_NamesLabel()
    {
        var tsv = _dir.File("labels.tsv");
        File.WriteAllText(tsv, "index\tname\n1\ta\n2\tb\n3\tc\n5\td\n8\te\n");
        var ex = Assert.Throws<InputDataException>(() => Atlas.Load(GoldenFiles.Path("Atlas", "atlas_int16.nii.gz"), tsv));
        Assert.Equal(tsv, ex.Path);
        Assert.Contains("has label 13", ex.Problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("id\tname\n1\ta\n", "must name the columns index and name")]
    [InlineData("index\tname\n1\ta\n1\tb\n", "line 3: label 1 is listed twice")]
    [InlineData("index\tname\nx\ta\n", "line 2: index \"x\" is not a label number")]
    [InlineData("index\tname\n-4\ta\n", "line 2: index \"-4\"")]
    [InlineData("index\tname\tnetwork\n1\ta\n", "line 2: 2 columns, the header has 3")]
    [InlineData("", "empty labels table")]
    public void Load_BadLabelsTable_OneLineError(string text, string fragment)
    {
        var tsv = _dir.File("bad.tsv");
        File.WriteAllText(tsv, text);
        var ex = Assert.Throws<InputDataException>(() => Atlas.Load(GoldenFiles.Path("Atlas", "atlas_int16.nii.gz"), tsv));
        Assert.Equal(tsv, ex.Path);
        Assert.Contains(fragment, ex.Problem, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', ex.Message);
    }

    /// <summary>The atlas image itself (gzip, and uncompressed NIfTI-1) given as its labels table.</summary>
    [Theory]
    [InlineData("atlas_int16.nii.gz", "gzip data")]
    [InlineData("atlas_float32.nii", "a NIfTI-1 image")]
    public void Load_ImageAsLabelsTable_NotATextTableNamingWhatItIs(string image, string kind)
    {
        var labels = GoldenFiles.Path("Atlas", image);
        var ex = Assert.Throws<InputDataException>(() => Atlas.Load(GoldenFiles.Path("Atlas", "atlas_int16.nii.gz"), labels));
        Assert.Equal(labels, ex.Path);
        Assert.Equal($"not a text table (it looks like {kind}; is this the atlas image?)", ex.Problem);
    }

    [Fact]
    public void Load_HeaderWithControlCharacters_QuotedEscapedAndShort()
    {
        var tsv = _dir.File("escape.tsv");
        File.WriteAllText(tsv, "\u001b[31mid\tnam\u0007e\u202e" + new string('x', 5000) + "\n1\ta\n");
        var ex = Assert.Throws<InputDataException>(() => Atlas.Load(GoldenFiles.Path("Atlas", "atlas_int16.nii.gz"), tsv));
        Assert.Contains("found: \\x1b[31mid, nam\\x07e\\u202exxx", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(ex.Message, char.IsControl);
        Assert.DoesNotContain('\u202e', ex.Message);
        Assert.True(ex.Message.Length < 400, $"{ex.Message.Length} characters");
    }

    [Theory]
    [InlineData(2.5f, "not a whole number")]
    [InlineData(-1f, "a negative label")]
    [InlineData(float.NaN, "NaN")]
    public void Load_NonIntegerLabels_NamesVoxel(float bad, string why)
    {
        var data = new float[2 * 3 * 4];
        data[1 + 2 * 2 + 6 * 3] = bad; // voxel (1, 2, 3)
        var path = _dir.File("bad_atlas.nii");
        NiftiWriter.Write(path, [new Volume(2, 3, 4, data, Affine.Identity)]);
        var ex = Assert.Throws<InputDataException>(() => Atlas.Load(path));
        Assert.Equal(path, ex.Path);
        Assert.Contains("voxel (1, 2, 3)", ex.Problem, StringComparison.Ordinal);
        Assert.Contains(why, ex.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_FourDimensional_Refused()
    {
        var path = _dir.File("atlas4d.nii");
        NiftiWriter.Write(path, [new Volume(2, 2, 2, new float[8], Affine.Identity), new Volume(2, 2, 2, new float[8], Affine.Identity)]);
        var ex = Assert.Throws<InputDataException>(() => Atlas.Load(path));
        Assert.Contains("holds 2", ex.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MissingFile_FileNotFound()
    {
        var path = _dir.File("none.nii.gz");
        var ex = Assert.Throws<InputDataException>(() => Atlas.Load(path));
        Assert.Equal("file not found", ex.Problem);
    }

    [Fact]
    public void EnsureMatches_SameGridWithinTolerance_Accepts()
    {
        var atlas = Atlas.Load(GoldenFiles.Path("Atlas", "atlas_int16.nii.gz"));
        var v = atlas.Affine.Values.ToArray();
        v[3] += 0.0009;
        atlas.EnsureMatches(6, 5, 4, new Affine(v), "run.nii.gz");
    }

    [Fact]
    public void EnsureMatches_DifferentDims_NamesBothFilesAndShapes()
    {
        var atlas = Atlas.Load(GoldenFiles.Path("Atlas", "atlas_int16.nii.gz"));
        var ex = Assert.Throws<InputDataException>(() => atlas.EnsureMatches(64, 64, 36, atlas.Affine, "sub-01_task-alice_bold.nii.gz"));
        Assert.Equal(atlas.Path, ex.Path);
        Assert.Contains("sub-01_task-alice_bold.nii.gz", ex.Message, StringComparison.Ordinal);
        Assert.Contains("atlas 6×5×4", ex.Message, StringComparison.Ordinal);
        Assert.Contains("run 64×64×36", ex.Message, StringComparison.Ordinal);
        Assert.Contains("grid dimensions differ", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Fact]
    public void EnsureMatches_AffineBeyondTolerance_NamesBothAffines()
    {
        var atlas = Atlas.Load(GoldenFiles.Path("Atlas", "atlas_int16.nii.gz"));
        var shifted = new Affine([-3, 0, 0, 90.002, 0, 3, 0, -126, 0, 0, 3.5, -72, 0, 0, 0, 1]);
        var ex = Assert.Throws<InputDataException>(() => atlas.EnsureMatches(new Volume(6, 5, 4, new float[120], shifted), "run7"));
        Assert.Contains("affines differ by up to 0.002 mm", ex.Message, StringComparison.Ordinal);
        Assert.Contains(atlas.Affine.ToString(), ex.Message, StringComparison.Ordinal);
        Assert.Contains(shifted.ToString(), ex.Message, StringComparison.Ordinal);
        Assert.Contains("run7", ex.Message, StringComparison.Ordinal);
    }
}
