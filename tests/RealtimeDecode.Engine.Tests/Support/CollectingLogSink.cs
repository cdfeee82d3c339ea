using Serilog;
using Serilog.Core;
using Serilog.Events;

namespace RealtimeDecode.Engine.Tests.Support;

/// <summary>Keeps Serilog events (thread-safe) for assertions on structured logs.</summary>
public sealed class CollectingLogSink : ILogEventSink
{
    private readonly List<LogEvent> _events = [];

    public IReadOnlyList<LogEvent> Events { get { lock (_events) return _events.ToArray(); } }

    public void Emit(LogEvent logEvent) { lock (_events) _events.Add(logEvent); }

    public ILogger CreateLogger() => new LoggerConfiguration().MinimumLevel.Verbose().WriteTo.Sink(this).CreateLogger();
}
