using BenchmarkDotNet.Running;

// The executing assembly, not typeof(Program): the Host (referenced for its sinks) has a Program type too.
BenchmarkSwitcher.FromAssembly(System.Reflection.Assembly.GetExecutingAssembly()).Run(args);
