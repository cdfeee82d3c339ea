using System.Globalization;

namespace RealtimeDecode.Engine.Tests.Support;

/// <summary>Reads the kernel fixtures written by Golden/make_kernels_golden.py.</summary>
internal static class GoldenCsv
{
    public static string PathOf(string name) => Path.Combine(AppContext.BaseDirectory, "Golden", "kernels", name);

    public static double[][] Read(string name)
    {
        string path = PathOf(name);
        Assert.True(File.Exists(path), $"Golden fixture {path} is missing; run /usr/bin/python3 tests/RealtimeDecode.Engine.Tests/Golden/make_kernels_golden.py");
        return File.ReadAllLines(path)
            .Where(l => l.Length > 0)
            .Select(l => l.Split(',').Select(c => double.Parse(c, NumberStyles.Float, CultureInfo.InvariantCulture)).ToArray())
            .ToArray();
    }

    public static double[] Flatten(double[][] rows) => rows.SelectMany(r => r).ToArray();
}
