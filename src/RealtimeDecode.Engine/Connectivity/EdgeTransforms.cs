using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using RealtimeDecode.Engine.Compute;

namespace RealtimeDecode.Engine.Connectivity;

/// <summary>
/// Per-edge transforms of correlation values: clamping to [−1, 1] and the Fisher z transform
/// z = atanh(r), in SIMD lanes of any width (<see cref="ILanes{TV}"/>) with a scalar form for the tails.
/// </summary>
/// <remarks>
/// <para>atanh is evaluated as sign(r)·½·log1p(x), x = 2|r| / (1 − |r|). Working on |r| keeps x ≥ 0, where
/// log1p is well conditioned (condition number ≤ 1). With u = 1 + x rounded and d = u − 1 (exact), log1p(x) =
/// ln(u) + ln(1 + (x − d)/u): the second term restores what the rounding of u lost, which the textbook
/// ½·ln((1 + r)/(1 − r)) drops (at r = 1e−9 that form is off by ~1e−7 relative). It is taken as
/// (x − d)·(1 − x + x²) for x &lt; ¼, where 1 − x + x² is 1/(1 + x) to x³ relative (1.6 % at ¼, 1e−9 at 1e−3),
/// and left out from ¼ on, where |x − d|/u ≤ 2⁻⁵³ is below 5e−16 of log1p(x). One division per lane (for x)
/// and no other.
/// Contract: within 1e−12 relative of <see cref="Math.Atanh(double)"/> for every finite |r| &lt; 1 (tests hold
/// it over 10⁶ values from 1e−300 to 1 − 1e−15 at each width); r = ±0 gives ±0; NaN gives NaN.</para>
/// </remarks>
internal static class EdgeTransforms
{
    // Below this x the rounding correction of log1p is applied (see the class remarks).
    private const double CorrectionLimit = 0.25;

    /// <summary>atanh(r) for |r| &lt; 1 in every lane (see the class remarks for the accuracy).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Atanh<TL, TV>(TV r)
        where TL : struct, ILanes<TV>
        where TV : struct
    {
        var one = TL.Splat(1);
        var a = TL.Abs(r);
        var x = TL.Divide(TL.Add(a, a), TL.Subtract(one, a));
        var u = TL.Add(one, x);
        var d = TL.Subtract(u, one);
        // (x − d)/u with 1/u = 1 − x + x² = x·(x − 1) + 1; where u rounds to 1 (x < 2⁻⁵³), ln(u) = 0 and this is x.
        var correction = TL.WhereLess(x, TL.Splat(CorrectionLimit), TL.Multiply(TL.Subtract(x, d), TL.MultiplyAdd(x, TL.Subtract(x, one), one)));
        var z = TL.Multiply(TL.Splat(0.5), TL.Add(TL.Log(u), correction));
        return TL.CopySign(z, r);
    }

    /// <summary>Scalar atanh with the same contract (used for the tails of vector loops).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Atanh(double r) => Math.Atanh(r);

    /// <summary>Fisher z of a clamped correlation: atanh of r clipped to [−hi, hi] (hi = 1 − clip).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV FisherZ<TL, TV>(TV r, TV hi)
        where TL : struct, ILanes<TV>
        where TV : struct =>
        Atanh<TL, TV>(TL.Min(TL.Max(r, TL.Subtract(TL.Splat(0), hi)), hi));

    /// <summary>Scalar form of <see cref="FisherZ{TL, TV}(TV, TV)"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double FisherZ(double r, double hi) => Math.Atanh(Math.Clamp(r, -hi, hi));

    /// <summary>r clamped to [−1, 1] in every lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV ClampR<TL, TV>(TV r)
        where TL : struct, ILanes<TV>
        where TV : struct =>
        TL.Min(TL.Max(r, TL.Splat(-1)), TL.Splat(1));

    /// <summary>
    /// Writes atanh(clip(r, −hi, hi)) of every element of <paramref name="r"/> into <paramref name="z"/>
    /// (may be the same span), hi = 1 − <paramref name="clip"/>, in the widest lanes the machine runs in
    /// hardware. Allocates nothing.
    /// </summary>
    /// <exception cref="ArgumentException">The spans differ in length.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="clip"/> is not in (0, 1).</exception>
    public static void FisherZ(ReadOnlySpan<double> r, Span<double> z, double clip)
    {
        if (Vector512Lanes.IsHardwareAccelerated) FisherZ<Vector512Lanes, System.Runtime.Intrinsics.Vector512<double>>(r, z, clip);
        else FisherZ<VectorLanes, Vector<double>>(r, z, clip);
    }

    /// <summary><see cref="FisherZ(ReadOnlySpan{double}, Span{double}, double)"/> in the lanes of <typeparamref name="TL"/>.</summary>
    internal static void FisherZ<TL, TV>(ReadOnlySpan<double> r, Span<double> z, double clip)
        where TL : struct, ILanes<TV>
        where TV : struct
    {
        if (r.Length != z.Length)
            throw new ArgumentException($"The output has {z.Length} elements, the input {r.Length}.", nameof(z));
        if (!(clip > 0 && clip < 1))
            throw new ArgumentOutOfRangeException(nameof(clip), clip, "The clip must be in (0, 1).");
        double hi = 1 - clip;
        var vhi = TL.Splat(hi);
        int v = TL.Count, i = 0;
        ref double src = ref MemoryMarshal.GetReference(r);
        ref double dst = ref MemoryMarshal.GetReference(z);
        for (; i <= r.Length - v; i += v)
            TL.Store(FisherZ<TL, TV>(TL.Load(ref src, (nuint)i), vhi), ref dst, (nuint)i);
        for (; i < r.Length; i++) z[i] = FisherZ(r[i], hi);
    }
}
