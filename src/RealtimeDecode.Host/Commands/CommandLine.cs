using System.CommandLine;
using System.CommandLine.Invocation;
using System.Reflection;
using RealtimeDecode.Imaging;

namespace RealtimeDecode.Host.Commands;

/// <summary>Root command, discovery of subcommands and the one place where user errors become exit codes.</summary>
internal static class CommandLine
{
    /// <summary>Exit code for a user error (bad file, bad option).</summary>
    public const int UserError = 2;

    /// <summary>Exit code for an unexpected failure.</summary>
    public const int InternalError = 3;

    public static RootCommand BuildRoot()
    {
        var root = new RootCommand("RealtimeDecode: real-time fMRI decoding of co-occurring emotions from dynamic functional connectivity.");
        var commands = typeof(CommandLine).Assembly.GetTypes()
            .Where(t => typeof(ICliCommand).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false })
            .Select(t => ((ICliCommand)Activator.CreateInstance(t, nonPublic: true)!).Build())
            .OrderBy(c => c.Name, StringComparer.Ordinal);
        foreach (var c in commands) root.Subcommands.Add(c);
        return root;
    }

    public static int Run(string[] args)
    {
        var root = BuildRoot();
        var parse = root.Parse(args);
        // --help clears parse errors (its action is help's), so `extract --atlass x --help` still shows help.
        if (parse.Action is ParseErrorAction) return ParseErrorReport.Write(parse, Console.Error);
        try
        {
            return parse.Invoke(Invocation(parse));
        }
        catch (Exception e) when (Unwrap(e) is InputDataException ide)
        {
            Console.Error.WriteLine($"error: {ide.Message}{BundledRunsHint.For(ide)}");
            return UserError;
        }
        catch (Exception e) when (Unwrap(e) is OperationCanceledException)
        {
            Console.Error.WriteLine("cancelled");
            return 130;
        }
        catch (Exception e)
        {
            var inner = Unwrap(e);
            Console.Error.WriteLine($"error: {inner.GetType().Name}: {PrintableText.Escape(inner.Message)}");
            if (Environment.GetEnvironmentVariable("RTDECODE_DEBUG") == "1") Console.Error.WriteLine(inner);
            return InternalError;
        }
    }

    /// <summary>
    /// How <paramref name="parse"/> is invoked. replay and live handle SIGINT/SIGTERM themselves and end
    /// with the recording complete however long the outputs take to flush, so System.CommandLine's own
    /// handler (which returns 130 once its timeout, 2 s by default, has passed) is off for them.
    /// </summary>
    internal static InvocationConfiguration Invocation(ParseResult parse)
    {
        var invocation = new InvocationConfiguration { EnableDefaultExceptionHandler = false };
        if (SessionOptions.HandlesTermination(parse.CommandResult.Command)) invocation.ProcessTerminationTimeout = null;
        return invocation;
    }

    private static Exception Unwrap(Exception e)
    {
        while (e is TargetInvocationException or AggregateException && e.InnerException is not null) e = e.InnerException!;
        return e;
    }
}
