namespace RealtimeDecode.Fuzz;

/// <summary>A folder of this process for parsers that read from a path; removed when the process exits.</summary>
internal static class Scratch
{
    private static readonly Lazy<string> Root = new(() =>
    {
        var dir = Path.Combine(Path.GetTempPath(), $"rtdecode-fuzz-{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        };
        return dir;
    });

    /// <summary>The path of <paramref name="name"/> in the scratch folder.</summary>
    public static string File(string name) => Path.Combine(Root.Value, name);

    /// <summary>Writes <paramref name="bytes"/> to <paramref name="name"/> and returns its path.</summary>
    public static string Write(string name, ReadOnlySpan<byte> bytes)
    {
        var path = File(name);
        using var fs = new FileStream(path, FileMode.Create, FileAccess.Write);
        fs.Write(bytes);
        return path;
    }

    /// <summary>
    /// Runs <paramref name="step"/>; a documented user error ends only this step, so the next step of
    /// the same input still runs. Anything else propagates.
    /// </summary>
    public static void Step(Action step)
    {
        try
        {
            step();
        }
        catch (RealtimeDecode.Imaging.InputDataException)
        {
        }
    }
}
