namespace RealtimeDecode.Engine.Tests.Support;

internal static class Approx
{
    /// <summary>Asserts |expected − actual| ≤ tol elementwise (NaN must match NaN), naming the first mismatch.</summary>
    public static void Equal(ReadOnlySpan<double> expected, ReadOnlySpan<double> actual, double tol, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            double e = expected[i], a = actual[i];
            if (double.IsNaN(e) || double.IsNaN(a))
            {
                Assert.True(double.IsNaN(e) && double.IsNaN(a), $"{what}[{i}]: expected {e}, got {a}");
                continue;
            }
            Assert.True(Math.Abs(e - a) <= tol, $"{what}[{i}]: expected {e:R}, got {a:R} (|diff| {Math.Abs(e - a):E3} > {tol:E1})");
        }
    }
}
