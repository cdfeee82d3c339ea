using BenchmarkDotNet.Running;

<<<<<<< HEAD
// The executing assembly, not typeof(Program): the Host (referenced for its sinks) has a Program type too.
=======
// Not typeof(Program): the referenced host assembly has a Program type too.
>>>>>>> web
BenchmarkSwitcher.FromAssembly(System.Reflection.Assembly.GetExecutingAssembly()).Run(args);
