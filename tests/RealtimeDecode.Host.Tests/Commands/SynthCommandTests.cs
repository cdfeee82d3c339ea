namespace RealtimeDecode.Host.Tests.Commands;

/// <summary><c>synth</c> options and output folders on the real CLI.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class SynthCommandTests : IDisposable
{
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    private static string OneLineExit2(CliRunner.Result r)
    {
        Assert.True(r.ExitCode == 2, $"exit {r.ExitCode}: {r.Out} {r.Error}");
        var line = Assert.Single(r.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: ", line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", r.Error);
        return line;
    }

    [Fact]
    public void Synth_GridWithFewerBrainVoxelsThanParcels_OneLineNamingBothOptionsExit2()
    {
        string o = _dir.File("x");

        var line = OneLineExit2(CliRunner.Run("synth", "--out", o, "--grid", "4x4x4"));

        Assert.Equal("error: --grid 4x4x4 has 32 brain voxels, fewer than --parcels 100: give a larger grid or fewer parcels", line);
        Assert.False(Directory.Exists(o));
    }
}
