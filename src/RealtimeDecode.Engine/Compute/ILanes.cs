namespace RealtimeDecode.Engine.Compute;

/// <summary>
/// The lane operations of one SIMD width over doubles, so that a per-edge kernel is written once and the JIT
/// compiles it for each width (<see cref="VectorLanes"/> for <see cref="System.Numerics.Vector{T}"/>,
/// <see cref="Vector512Lanes"/> for AVX-512). Every operation works lane by lane with the rounding of its
/// scalar counterpart, so a value does not depend on the width that computed it, except through
/// <see cref="Log"/> (the runtime's vector logarithm, within a few ulp).
/// </summary>
/// <typeparam name="TV">The vector type.</typeparam>
internal interface ILanes<TV>
    where TV : struct
{
    /// <summary>Doubles per vector.</summary>
    static abstract int Count { get; }

    /// <summary>Whether this width runs in hardware on this machine.</summary>
    static abstract bool IsHardwareAccelerated { get; }

    /// <summary>Every lane set to <paramref name="value"/>.</summary>
    static abstract TV Splat(double value);

    /// <summary>The <see cref="Count"/> doubles from <paramref name="source"/>[<paramref name="index"/>] on.</summary>
    static abstract TV Load(ref double source, nuint index);

    /// <summary>Stores the lanes at <paramref name="destination"/>[<paramref name="index"/>] on.</summary>
    static abstract void Store(TV value, ref double destination, nuint index);

    /// <summary>a + b.</summary>
    static abstract TV Add(TV a, TV b);

    /// <summary>a − b.</summary>
    static abstract TV Subtract(TV a, TV b);

    /// <summary>a · b.</summary>
    static abstract TV Multiply(TV a, TV b);

    /// <summary>a / b.</summary>
    static abstract TV Divide(TV a, TV b);

    /// <summary>a · b + c with one rounding.</summary>
    static abstract TV MultiplyAdd(TV a, TV b, TV c);

    /// <summary>min(a, b).</summary>
    static abstract TV Min(TV a, TV b);

    /// <summary>max(a, b).</summary>
    static abstract TV Max(TV a, TV b);

    /// <summary>|a|.</summary>
    static abstract TV Abs(TV a);

    /// <summary>ln(a).</summary>
    static abstract TV Log(TV a);

    /// <summary>|value| with the sign bit of <paramref name="sign"/> (also of −0 and NaN).</summary>
    static abstract TV CopySign(TV value, TV sign);

    /// <summary><paramref name="value"/> in the lanes where a &lt; b, +0 elsewhere (and where either is NaN).</summary>
    static abstract TV WhereLess(TV a, TV b, TV value);
}
