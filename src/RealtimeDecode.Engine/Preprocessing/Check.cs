namespace RealtimeDecode.Engine.Preprocessing;

internal static class Check
{
    /// <summary>Throws when a span has the wrong length, naming both sizes.</summary>
    public static void Length(int actual, int expected, string name, string what)
    {
        if (actual != expected)
            throw new ArgumentException($"'{name}' has {actual} elements, the kernel was built for {expected} {what}.", name);
    }
}
