using SharpFuzz;

namespace RealtimeDecode.Fuzz;

/// <summary>
/// <c>realtime-decode-fuzz TARGET</c> runs under afl-fuzz (run-campaign.sh);
/// <c>realtime-decode-fuzz TARGET FILE...</c> replays inputs and prints each outcome;
/// <c>realtime-decode-fuzz seed-lsl CORPUS</c> writes the LSL seeds captured from a real outlet.
/// </summary>
internal static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length == 0)
        {
            Console.Error.WriteLine($"usage: realtime-decode-fuzz TARGET [FILE...] | seed-lsl CORPUS\ntargets: {string.Join(", ", FuzzTargets.Names)}");
            return 2;
        }
        if (args[0] == "seed-lsl")
        {
            LslSeeds.Write(args.Length > 1 ? args[1] : "corpus");
            return 0;
        }
        if (!FuzzTargets.Names.Contains(args[0]))
        {
            Console.Error.WriteLine($"unknown target '{args[0]}'; targets: {string.Join(", ", FuzzTargets.Names)}");
            return 2;
        }
        if (args.Length > 1)
        {
            var target = FuzzTargets.Create(args[0]);
            foreach (var file in args.Skip(1))
                Console.WriteLine($"{file}: {FuzzTargets.Execute(target, File.ReadAllBytes(file))}");
            return 0;
        }
        // Out of process: a stack overflow or a crash of the runtime is reported as a crash, not lost. The
        // target is created in the child: the fork server has no coverage map for instrumented code.
        IFuzzTarget? fuzzed = null;
        Fuzzer.OutOfProcess.Run(stream =>
        {
            var target = fuzzed ??= FuzzTargets.Create(args[0]);
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            FuzzTargets.Execute(target, buffer.ToArray());
        });
        return 0;
    }
}
