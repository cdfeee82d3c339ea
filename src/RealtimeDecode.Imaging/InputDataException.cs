namespace RealtimeDecode.Imaging;

/// <summary>
/// A problem with a user's input (a file, a table, an option): the message is one line that names
/// the file and the problem, fit to print as is: whatever the path or the problem quotes from a file or
/// an option, a character a terminal would act on or could not show is escaped (<see cref="PrintableText"/>).
/// The command line turns it into a non-zero exit with no stack trace.
/// </summary>
public sealed class InputDataException : Exception
{
    /// <summary>Creates the exception for <paramref name="path"/> (may be null when no file is involved).</summary>
    public InputDataException(string? path, string problem, Exception? inner = null)
        : base(path is null ? PrintableText.Escape(problem) : $"{PrintableText.Escape(path)}: {PrintableText.Escape(problem)}", inner)
    {
        Path = path;
        Problem = PrintableText.Escape(problem);
    }

    /// <summary>The file the problem is in, if any.</summary>
    public string? Path { get; }

    /// <summary>The problem, without the file name, escaped as the message is.</summary>
    public string Problem { get; }
}
