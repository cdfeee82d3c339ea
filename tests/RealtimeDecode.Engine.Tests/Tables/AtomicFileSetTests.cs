using RealtimeDecode.Engine.Tables;
using RealtimeDecode.Engine.Tests.Support;
using RealtimeDecode.Imaging;

namespace RealtimeDecode.Engine.Tests.Tables;

public sealed class AtomicFileSetTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private string[] Entries() => Directory.GetFileSystemEntries(_dir.Path, "*", SearchOption.AllDirectories)
        .Select(p => Path.GetRelativePath(_dir.Path, p)).Order(StringComparer.Ordinal).ToArray();

    [Fact]
    public void Commit_EveryFileWritten_TargetsReplacedOnlyAtCommit()
    {
        string a = _dir.File("a.tsv"), b = Path.Combine(_dir.Path, "sub", "b.json");
        File.WriteAllText(a, "old a");
        using (var set = new AtomicFileSet("report"))
        {
            set.WriteAllText(a, "new a");
            set.WriteAllText(b, "new b");
            // Nothing replaced yet: the new content waits in temporary files.
            Assert.Equal("old a", File.ReadAllText(a));
            Assert.False(File.Exists(b));
            set.Commit();
        }
        Assert.Equal("new a", File.ReadAllText(a));
        Assert.Equal("new b", File.ReadAllText(b));
        Assert.Equal(["a.tsv", "sub", Path.Combine("sub", "b.json")], Entries());
    }

    [Fact]
    public void WriteText_DiskFullOnALaterFile_EveryPreviousFileByteIdenticalNoTemporaryNoNewFolder()
    {
        string a = _dir.File("metrics.json"), b = _dir.File("plot.png");
        File.WriteAllText(a, "previous metrics");
        File.WriteAllText(b, "previous plot");
        using var set = new AtomicFileSet("report");
        set.WriteAllText(a, "new metrics");
        set.WriteAllText(Path.Combine(_dir.Path, "fresh", "deeper", "x.tsv"), "x");

        var e = Assert.Throws<InputDataException>(() => set.WriteText(b, w =>
        {
            w.Write(new string('x', 100_000));
            w.Flush();
            throw new IOException("No space left on device");
        }));

        Assert.Equal(b, e.Path);
        Assert.Contains("No space left on device", e.Message, StringComparison.Ordinal);
        Assert.Contains("no file of the report was changed", e.Message, StringComparison.Ordinal);
        Assert.Equal("previous metrics", File.ReadAllText(a));
        Assert.Equal("previous plot", File.ReadAllText(b));
        Assert.Equal(["metrics.json", "plot.png"], Entries());
        Assert.Throws<ObjectDisposedException>(() => set.Commit());
    }

    [Fact]
    public void Dispose_WithoutCommit_DiscardsEverything()
    {
        string a = _dir.File("synth.json");
        File.WriteAllText(a, "previous");
        using (var set = new AtomicFileSet("session"))
        {
            set.WriteAllText(a, "new");
            set.WriteAllText(Path.Combine(_dir.Path, "sub-01", "func", "run.tsv"), "new");
        }
        Assert.Equal("previous", File.ReadAllText(a));
        Assert.Equal(["synth.json"], Entries());
    }

    [Fact]
    public void WriteVia_SameTargetTwice_SecondContentKeptOneTemporary()
    {
        string a = _dir.File("index.html");
        using var set = new AtomicFileSet("report");
        set.WriteAllText(a, "first");
        string? seen = null;
        set.WriteVia(a, tmp => { seen = tmp; File.WriteAllText(tmp, "second"); });
        Assert.EndsWith("index.html", seen, StringComparison.Ordinal);
        Assert.Single(Directory.GetFiles(_dir.Path));
        set.Commit();
        Assert.Equal("second", File.ReadAllText(a));
        Assert.Equal(["index.html"], Entries());
    }

    [Fact]
    public void WriteVia_ProgramError_PropagatesAndDiscardsTheSet()
    {
        string a = _dir.File("a.tsv");
        using var set = new AtomicFileSet("report");
        set.WriteAllText(a, "new");
        Assert.Throws<InvalidOperationException>(() => set.WriteText(_dir.File("b.tsv"), _ => throw new InvalidOperationException("bug")));
        Assert.Empty(Entries());
    }

    [Fact]
    public void WriteFolder_Complete_SwapsInTheNewFolderAndKeepsForeignEntries()
    {
        string pkg = _dir.File("model");
        Directory.CreateDirectory(Path.Combine(pkg, "report"));
        File.WriteAllText(Path.Combine(pkg, "model.json"), "old");
        File.WriteAllText(Path.Combine(pkg, "patterns.npy"), "old array");
        File.WriteAllText(Path.Combine(pkg, "report", "index.html"), "report");
        File.WriteAllText(Path.Combine(pkg, "notes.txt"), "notes");

        AtomicFile.WriteFolder(pkg, tmp =>
        {
            Assert.NotEqual(Path.GetFullPath(pkg), tmp);
            File.WriteAllText(Path.Combine(tmp, "model.json"), "new");
            File.WriteAllText(Path.Combine(tmp, "coef.npy"), "new array");
        }, name => name != "model.json" && !name.EndsWith(".npy", StringComparison.Ordinal));

        Assert.Equal("new", File.ReadAllText(Path.Combine(pkg, "model.json")));
        Assert.Equal("report", File.ReadAllText(Path.Combine(pkg, "report", "index.html")));
        Assert.Equal("notes", File.ReadAllText(Path.Combine(pkg, "notes.txt")));
        // The old package's own array is gone with it; nothing temporary is left beside the package.
        Assert.Equal(["model", Path.Combine("model", "coef.npy"), Path.Combine("model", "model.json"), Path.Combine("model", "notes.txt"),
            Path.Combine("model", "report"), Path.Combine("model", "report", "index.html")], Entries());
    }

    [Fact]
    public void WriteFolder_DiskFullWhileWriting_PreviousFolderIntactNoTemporaryFolder()
    {
        string pkg = _dir.File("model");
        Directory.CreateDirectory(pkg);
        File.WriteAllText(Path.Combine(pkg, "model.json"), "old");
        File.WriteAllText(Path.Combine(pkg, "notes.txt"), "notes");
        var before = Entries();

        var e = Assert.Throws<InputDataException>(() => AtomicFile.WriteFolder(pkg, tmp =>
        {
            File.WriteAllText(Path.Combine(tmp, "model.json"), "new");
            throw new IOException("File too large");
        }, _ => true));

        Assert.Contains("the previous package is unchanged", e.Message, StringComparison.Ordinal);
        Assert.Equal(before, Entries());
        Assert.Equal("old", File.ReadAllText(Path.Combine(pkg, "model.json")));
    }
}
