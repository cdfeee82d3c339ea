using System.Numerics;
using System.Runtime.CompilerServices;

namespace RealtimeDecode.Engine.Compute;

/// <summary><see cref="ILanes{TV}"/> over <see cref="Vector{T}"/>: the machine's default width (256 bits with AVX2).</summary>
internal readonly struct VectorLanes : ILanes<Vector<double>>
{
    public static int Count => Vector<double>.Count;

    public static bool IsHardwareAccelerated => Vector.IsHardwareAccelerated;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<double> Splat(double value) => new(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<double> Load(ref double source, nuint index) => Vector.LoadUnsafe(ref source, index);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector<double> value, ref double destination, nuint index) => value.StoreUnsafe(ref destination, index);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<double> Add(Vector<double> a, Vector<double> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<double> Subtract(Vector<double> a, Vector<double> b) => a - b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<double> Multiply(Vector<double> a, Vector<double> b) => a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<double> Divide(Vector<double> a, Vector<double> b) => a / b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<double> MultiplyAdd(Vector<double> a, Vector<double> b, Vector<double> c) => Vector.FusedMultiplyAdd(a, b, c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<double> Min(Vector<double> a, Vector<double> b) => Vector.Min(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<double> Max(Vector<double> a, Vector<double> b) => Vector.Max(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<double> Abs(Vector<double> a) => Vector.Abs(a);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<double> Log(Vector<double> a) => Vector.Log(a);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<double> CopySign(Vector<double> value, Vector<double> sign) => Vector.CopySign(value, sign);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<double> WhereLess(Vector<double> a, Vector<double> b, Vector<double> value) =>
        Vector.AsVectorDouble(Vector.LessThan(a, b)) & value;
}
