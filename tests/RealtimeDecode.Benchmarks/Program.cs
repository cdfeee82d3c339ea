using BenchmarkDotNet.Running;
using RealtimeDecode.Benchmarks.Pipeline;

// `-- latency [options]`: the end-to-end latency / throughput / memory tool (Pipeline/LatencyTool.cs).
if (args.Length > 0 && args[0] == "latency")
    return await LatencyTool.RunAsync(args[1..]);

// The executing assembly, not typeof(Program): the Host (referenced for its sinks) has a Program type too.
BenchmarkSwitcher.FromAssembly(System.Reflection.Assembly.GetExecutingAssembly()).Run(args);
return 0;
