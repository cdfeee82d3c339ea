using BenchmarkDotNet.Running;
using RealtimeDecode.Benchmarks.Pipeline;

// `-- latency [options]`: the end-to-end latency / throughput / memory tool (Pipeline/LatencyTool.cs).
if (args.Length > 0 && args[0] == "latency")
    return await LatencyTool.RunAsync(args[1..]);
// `-- soak [options]`: a 5,000-volume published-scale replay with a dashboard client, sampled every 100 volumes (Pipeline/SoakTool.cs).
if (args.Length > 0 && args[0] == "soak")
    return await SoakTool.RunAsync(args[1..]);
// `-- soak-clients [options]`: the dashboards of soak, in a process of their own (Pipeline/SoakClients.cs).
if (args.Length > 0 && args[0] == "soak-clients")
    return await SoakClients.RunAsync(args[1..]);
// `-- redis-load [options]`: many viewers on two serve hosts through Redis (Dashboard/RedisLoadTool.cs).
if (args.Length > 0 && args[0] == "redis-load")
    return await RealtimeDecode.Benchmarks.Dashboard.RedisLoadTool.RunAsync(args[1..]);
// `-- redis-load-clients [options]`: the viewers of redis-load, in a process of their own (Dashboard/RedisLoadClients.cs).
if (args.Length > 0 && args[0] == "redis-load-clients")
    return await RealtimeDecode.Benchmarks.Dashboard.RedisLoadClients.RunAsync(args[1..]);

// The executing assembly, not typeof(Program): the Host (referenced for its sinks) has a Program type too.
BenchmarkSwitcher.FromAssembly(System.Reflection.Assembly.GetExecutingAssembly()).Run(args);
return 0;
