using RealtimeDecode.Engine.Tables;
using RealtimeDecode.Engine.Tests.Support;
using RealtimeDecode.Imaging;

namespace RealtimeDecode.Engine.Tests.Tables;

public sealed class AtomicFileTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Write_WriterFailsHalfWay_PreviousFileByteIdenticalAndNoTemporaryLeft()
    {
        string path = _dir.File("out.tsv");
        AtomicFile.WriteAllText(path, "volume\ta\n0\t1\n");
        byte[] before = File.ReadAllBytes(path);

        var e = Assert.Throws<InputDataException>(() => AtomicFile.WriteText(path, w =>
        {
            w.Write(new string('x', 100_000));
            w.Flush();
            throw new IOException("No space left on device");
        }));

        Assert.Contains("the previous file is unchanged", e.Message, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Equal(["out.tsv"], Directory.GetFiles(_dir.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void WriteVia_TemporaryKeepsTheExtension_TargetReplacedWhenComplete()
    {
        string path = _dir.File("run.nii.gz");
        string? seen = null;
        AtomicFile.WriteVia(path, tmp => { seen = tmp; File.WriteAllText(tmp, "new"); });
        Assert.EndsWith("run.nii.gz", seen, StringComparison.Ordinal);
        Assert.NotEqual(path, seen);
        Assert.Equal("new", File.ReadAllText(path));
    }

    [Fact]
    public void Write_ProgramError_PropagatesAndLeavesNoTemporary()
    {
        string path = _dir.File("t.tsv");
        Assert.Throws<InvalidOperationException>(() => AtomicFile.WriteText(path, w => { w.Write("partial"); throw new InvalidOperationException("bug"); }));
        Assert.Empty(Directory.GetFiles(_dir.Path));
    }
}
