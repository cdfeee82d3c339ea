using BenchmarkDotNet.Running;

// Not typeof(Program): the referenced host assembly has a Program type too.
BenchmarkSwitcher.FromAssembly(System.Reflection.Assembly.GetExecutingAssembly()).Run(args);
