using System.Buffers;
using System.Runtime.CompilerServices;

namespace RealtimeDecode.Imaging.Tests.Support;

/// <summary>An <see cref="ArrayPool{T}"/> that counts what it hands out and what comes back, and knows which arrays are still out.</summary>
internal sealed class CountingBytePool : ArrayPool<byte>
{
    private readonly ArrayPool<byte> _inner = Create(1 << 26, 16);
    private readonly HashSet<byte[]> _out = new(ReferenceEqualityComparer.Instance);

    public int Rents { get; private set; }
    public int Returns { get; private set; }

    /// <summary>Arrays rented and not yet returned.</summary>
    public int Outstanding => _out.Count;

    /// <summary>Length of the largest array handed out.</summary>
    public int LargestRent { get; private set; }

    public override byte[] Rent(int minimumLength)
    {
        var a = _inner.Rent(minimumLength);
        lock (_out)
        {
            Rents++;
            LargestRent = Math.Max(LargestRent, a.Length);
            if (!_out.Add(a)) throw new InvalidOperationException("the pool handed out an array that was already out");
        }
        return a;
    }

    public override void Return(byte[] array, bool clearArray = false)
    {
        lock (_out)
        {
            if (!_out.Remove(array)) throw new InvalidOperationException("an array was returned that is not out (foreign or returned twice)");
            Returns++;
        }
        _inner.Return(array, clearArray);
    }
}
