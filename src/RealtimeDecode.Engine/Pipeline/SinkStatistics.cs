namespace RealtimeDecode.Engine.Pipeline;

/// <summary>Counters of one sink: frames delivered (handled without exception), dropped from its buffer, failed.</summary>
public sealed record SinkStatistics(string Name, long Delivered, long Dropped, long Failures);
