using System.Runtime.ExceptionServices;

namespace RealtimeDecode.Fuzz;

/// <summary>
/// Replays every committed seed (corpus/TARGET) and every kept crasher (crashers/TARGET) through its
/// fuzz target with the campaign's contract: each input parses or fails with the parser's documented
/// exception, within a bound that catches a hang.
/// </summary>
public sealed class CorpusReplayTests
{
    private static readonly TimeSpan HangBound = TimeSpan.FromSeconds(60);

    public static TheoryData<string> Targets() => new(FuzzTargets.Names);

    [Theory]
    [MemberData(nameof(Targets))]
    public void Corpus_EveryInput_ParsesOrFailsAsDocumented(string name)
    {
        var target = FuzzTargets.Create(name);
        var seeds = Inputs("corpus", name);
        Assert.NotEmpty(seeds);
        var outcomes = seeds.ToDictionary(f => Path.GetFileName(f), f => Replay(target, f));
        // The seeds are real, valid files: the parser accepts at least one whole, so a campaign starts from
        // inputs that reach past the first check.
        Assert.Contains("ok", outcomes.Values);
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public void Crashers_EveryKeptInput_ParsesOrFailsAsDocumented(string name)
    {
        var target = FuzzTargets.Create(name);
        foreach (var file in Inputs("crashers", name)) Replay(target, file);
    }

    private static string[] Inputs(string folder, string target)
    {
        var dir = Path.Combine(AppContext.BaseDirectory, folder, target);
        return Directory.Exists(dir) ? Directory.GetFiles(dir).Order(StringComparer.Ordinal).ToArray() : [];
    }

    private static string Replay(IFuzzTarget target, string file)
    {
        var input = File.ReadAllBytes(file);
        string? outcome = null;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try { outcome = FuzzTargets.Execute(target, input); }
            catch (Exception e) { failure = e; }
        }, 16 << 20) { IsBackground = true };
        thread.Start();
        if (!thread.Join(HangBound)) Assert.Fail($"{file}: no result within {HangBound.TotalSeconds} s (a hang)");
        if (failure is not null)
        {
            Console.Error.WriteLine($"{file}: undocumented {failure.GetType().Name}");
            ExceptionDispatchInfo.Throw(failure);
        }
        return outcome!;
    }
}
