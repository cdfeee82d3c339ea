using System.CommandLine;
using RealtimeDecode.Imaging;

namespace RealtimeDecode.Host.Commands;

/// <summary>Small helpers shared by the commands' option handling.</summary>
internal static class CliOptions
{
    /// <summary>A required file option whose file must exist.</summary>
    public static string ExistingFile(ParseResult parse, Option<string> option)
    {
        var path = parse.GetValue(option);
        if (string.IsNullOrWhiteSpace(path)) throw new InputDataException(null, $"{option.Name} is required");
        if (!File.Exists(path) && !Directory.Exists(path)) throw new InputDataException(path, "file not found");
        return path;
    }

    /// <summary>Ensures the output file's folder exists.</summary>
    public static string OutputFile(ParseResult parse, Option<string> option)
    {
        var path = parse.GetValue(option);
        if (string.IsNullOrWhiteSpace(path)) throw new InputDataException(null, $"{option.Name} is required");
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
        return path;
    }
}
