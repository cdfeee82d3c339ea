using System.CommandLine;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;
using System.Text.RegularExpressions;
using RealtimeDecode.Imaging;

namespace RealtimeDecode.Host.Commands;

/// <summary>
/// A command line that does not parse, reported as every other user error is: one <c>error: </c> line per
/// problem, then one line naming the command's help, and exit code 2. The help itself is not printed.
/// </summary>
/// <remarks>
/// A misspelt option leaves two unmatched tokens (the option and its value) and, when the option is
/// required, a missing-option error: all three come from the one mistake, so they make one line, which
/// carries System.CommandLine's typo suggestion.
/// </remarks>
internal static partial class ParseErrorReport
{
    /// <summary>The name users type; the root command's own name is the host process's (testhost under xUnit).</summary>
    private const string ExecutableName = "realtime-decode";

    /// <summary>Writes the report of <paramref name="parse"/>'s errors to <paramref name="error"/> and returns the exit code.</summary>
    public static int Write(ParseResult parse, TextWriter error)
    {
        var suggestions = TypoSuggestions(parse);
        var valuesOfUnknownOptions = ValuesOfUnknownOptions(parse);
        var suggested = suggestions.Values.SelectMany(s => s).ToHashSet(StringComparer.Ordinal);
        var written = new HashSet<string>(StringComparer.Ordinal);
        foreach (var e in parse.Errors)
        {
            var token = parse.UnmatchedTokens.FirstOrDefault(t => e.Message.Contains($"'{t}'", StringComparison.Ordinal));
            string line;
            if (token is not null)
            {
                if (valuesOfUnknownOptions.Contains(token)) continue;
                line = suggestions.TryGetValue(token, out var names)
                    ? $"{e.Message} Did you mean {string.Join(" or ", names.Select(n => $"'{n}'"))}?"
                    : e.Message;
            }
            else
            {
                // "Option '--atlas' is required" after "--atlass": fixing the typo fixes both.
                if (suggested.Any(n => e.Message.Contains($"'{n}'", StringComparison.Ordinal))) continue;
                line = e.Message;
            }
            line = $"error: {PrintableText.Escape(PlainTypeNames(line))}";
            if (written.Add(line)) error.WriteLine(line);
        }
        error.WriteLine($"see: {CommandPath(parse.CommandResult)} --help");
        return CommandLine.UserError;
    }

    /// <summary>
    /// "Cannot parse argument 'abc' for option '--volumes' as expected type 'System.Int32'." names the value a user
    /// should give ("… as a whole number.") rather than the .NET type.
    /// </summary>
    internal static string PlainTypeNames(string message) => ExpectedType().Replace(message, m => m.Groups[1].Value switch
    {
        "Int32" or "Int64" or "Int16" or "Byte" => "as a whole number",
        "UInt32" or "UInt64" or "UInt16" => "as a whole number of 0 or more",
        "Double" or "Single" or "Decimal" => "as a number",
        "Boolean" => "as true or false",
        "TimeSpan" => "as a duration (hh:mm:ss)",
        "Uri" => "as a URL",
        _ => m.Value,
    });

    [GeneratedRegex(@"as expected type 'System\.(\w+)'")]
    private static partial Regex ExpectedType();

    /// <summary>
    /// System.CommandLine's suggestions for each unmatched token, as its <see cref="ParseErrorAction"/> prints
    /// them: a line naming the token, then one line per suggestion, then a blank line.
    /// </summary>
    private static Dictionary<string, List<string>> TypoSuggestions(ParseResult parse)
    {
        var byToken = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        if (parse.UnmatchedTokens.Count == 0 || parse.Action is not ParseErrorAction action) return byToken;
        action.ShowHelp = false;
        action.ShowTypoCorrections = true;
        var output = new StringWriter();
        parse.Invoke(new InvocationConfiguration { Output = output, Error = TextWriter.Null, EnableDefaultExceptionHandler = false });
        List<string>? current = null;
        foreach (var raw in output.ToString().Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Length == 0)
            {
                current = null;
                continue;
            }
            var token = parse.UnmatchedTokens.FirstOrDefault(t => line.Contains($"'{t}'", StringComparison.Ordinal));
            if (token is not null && !line.StartsWith('-'))
            {
                current = byToken.TryGetValue(token, out var list) ? list : byToken[token] = [];
                continue;
            }
            current?.Add(line.Trim());
        }
        return byToken;
    }

    /// <summary>Unmatched tokens that follow an unmatched option-like token: the values of an option that does not exist.</summary>
    private static HashSet<string> ValuesOfUnknownOptions(ParseResult parse)
    {
        var unmatched = parse.UnmatchedTokens.ToHashSet(StringComparer.Ordinal);
        var values = new HashSet<string>(StringComparer.Ordinal);
        var tokens = parse.Tokens;
        for (int i = 1; i < tokens.Count; i++)
        {
            var (previous, value) = (tokens[i - 1].Value, tokens[i].Value);
            if (previous.StartsWith('-') && unmatched.Contains(previous) && !value.StartsWith('-') && unmatched.Contains(value)) values.Add(value);
        }
        return values;
    }

    private static string CommandPath(CommandResult command)
    {
        var names = new List<string>();
        for (var c = command; c.Parent is CommandResult parent; c = parent) names.Add(c.Command.Name);
        names.Add(ExecutableName);
        names.Reverse();
        return string.Join(' ', names);
    }
}
