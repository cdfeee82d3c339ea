using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace RealtimeDecode.Engine.Connectivity;

/// <summary>Dense cross-products of the columns of a small row-major block, upper triangle only.</summary>
internal static class CrossProducts
{
    /// <summary>
    /// For a row-major block <paramref name="z"/> of <paramref name="rows"/> × <paramref name="cols"/>:
    /// <c>tri[e(i,j)] = Σ_k z[k,i]·z[k,j]</c> for i &lt; j (upper triangle, row-major, no diagonal) and
    /// <c>diag[i] = Σ_k z[k,i]²</c>. <paramref name="coef"/> is scratch of at least <paramref name="rows"/>.
    /// </summary>
    /// <remarks>
    /// Per row i the coefficients z[·,i] are broadcast once, then for each block of j the whole
    /// k-sum runs in registers (4 independent vector accumulators hide the FMA latency) and the
    /// result is stored once: cost rows·cols²/2 multiply-adds, the block stays in L1/L2.
    /// Compiled fully optimized at its first call and never recompiled: the rectangular kernel calls it once every
    /// <see cref="SlidingWindowOptions.RecomputeInterval"/> frames, too rarely to reach the runtime's later tiers
    /// before a long session is well under way.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void UpperTriangle(ReadOnlySpan<double> z, int rows, int cols, Span<double> tri, Span<double> diag, Span<Vector<double>> coef)
    {
        int v = Vector<double>.Count;
        ref double z0 = ref MemoryMarshal.GetReference(z);
        ref double t0 = ref MemoryMarshal.GetReference(tri);
        int pos = 0;
        for (int i = 0; i < cols; i++)
        {
            double d = 0;
            for (int k = 0; k < rows; k++)
            {
                double a = z[k * cols + i];
                d += a * a;
                coef[k] = new Vector<double>(a);
            }
            diag[i] = d;
            int j0 = i + 1;
            int len = cols - j0;
            int m = 0;
            for (; m <= len - 4 * v; m += 4 * v)
            {
                var s0 = Vector<double>.Zero;
                var s1 = Vector<double>.Zero;
                var s2 = Vector<double>.Zero;
                var s3 = Vector<double>.Zero;
                nuint o = (nuint)(j0 + m);
                for (int k = 0; k < rows; k++, o += (nuint)cols)
                {
                    var c = coef[k];
                    s0 = Vector.FusedMultiplyAdd(c, Vector.LoadUnsafe(ref z0, o), s0);
                    s1 = Vector.FusedMultiplyAdd(c, Vector.LoadUnsafe(ref z0, o + (nuint)v), s1);
                    s2 = Vector.FusedMultiplyAdd(c, Vector.LoadUnsafe(ref z0, o + (nuint)(2 * v)), s2);
                    s3 = Vector.FusedMultiplyAdd(c, Vector.LoadUnsafe(ref z0, o + (nuint)(3 * v)), s3);
                }
                nuint p = (nuint)(pos + m);
                s0.StoreUnsafe(ref t0, p);
                s1.StoreUnsafe(ref t0, p + (nuint)v);
                s2.StoreUnsafe(ref t0, p + (nuint)(2 * v));
                s3.StoreUnsafe(ref t0, p + (nuint)(3 * v));
            }
            for (; m <= len - v; m += v)
            {
                var s0 = Vector<double>.Zero;
                nuint o = (nuint)(j0 + m);
                for (int k = 0; k < rows; k++, o += (nuint)cols)
                    s0 = Vector.FusedMultiplyAdd(coef[k], Vector.LoadUnsafe(ref z0, o), s0);
                s0.StoreUnsafe(ref t0, (nuint)(pos + m));
            }
            for (; m < len; m++)
            {
                double s = 0;
                int j = j0 + m;
                for (int k = 0; k < rows; k++) s += z[k * cols + i] * z[k * cols + j];
                tri[pos + m] = s;
            }
            pos += len;
        }
    }
}
