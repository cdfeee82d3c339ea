using Spectre.Console;

namespace RealtimeDecode.Host.Commands;

/// <summary>
/// Progress of a long step as a bar on a terminal, or as plain "description: N%" lines on standard
/// error about every tenth of the work when the output is not a terminal (CI, pipes, log files).
/// </summary>
internal static class ConsoleProgress
{
    public static T Run<T>(string description, Func<IProgress<double>, T> work)
    {
        if (!AnsiConsole.Profile.Capabilities.Interactive || Console.IsOutputRedirected)
            return work(new Plain(description));
        T result = default!;
        AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask(description, maxValue: 1);
                result = work(new Locked(f => task.Value = Math.Clamp(f, 0, 1)));
                task.Value = 1;
            });
        return result;
    }

    public static void Run(string description, Action<IProgress<double>> work) =>
        Run(description, p => { work(p); return 0; });

    private sealed class Locked(Action<double> report) : IProgress<double>
    {
        private readonly object _gate = new();
        public void Report(double value) { lock (_gate) report(value); }
    }

    private sealed class Plain(string description) : IProgress<double>
    {
        private readonly object _gate = new();
        private int _last = -1;

        public void Report(double value)
        {
            lock (_gate)
            {
                int decile = (int)Math.Floor(Math.Clamp(value, 0, 1) * 10);
                if (decile <= _last) return;
                _last = decile;
                Console.Error.WriteLine($"{description}: {decile * 10}%");
            }
        }
    }
}
