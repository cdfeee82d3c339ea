using System.Runtime.Intrinsics;
using System.Runtime.CompilerServices;

namespace RealtimeDecode.Engine.Compute;

/// <summary><see cref="ILanes{TV}"/> over <see cref="Vector512{T}"/>: 8 doubles, in hardware with AVX-512 (emulated in halves elsewhere, so callers pick it only where <see cref="IsHardwareAccelerated"/>).</summary>
internal readonly struct Vector512Lanes : ILanes<Vector512<double>>
{
    public static int Count => Vector512<double>.Count;

    public static bool IsHardwareAccelerated => Vector512.IsHardwareAccelerated;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Splat(double value) => Vector512.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Load(ref double source, nuint index) => Vector512.LoadUnsafe(ref source, index);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector512<double> value, ref double destination, nuint index) => value.StoreUnsafe(ref destination, index);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Add(Vector512<double> a, Vector512<double> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Subtract(Vector512<double> a, Vector512<double> b) => a - b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Multiply(Vector512<double> a, Vector512<double> b) => a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Divide(Vector512<double> a, Vector512<double> b) => a / b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> MultiplyAdd(Vector512<double> a, Vector512<double> b, Vector512<double> c) => Vector512.FusedMultiplyAdd(a, b, c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Min(Vector512<double> a, Vector512<double> b) => Vector512.Min(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Max(Vector512<double> a, Vector512<double> b) => Vector512.Max(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Abs(Vector512<double> a) => Vector512.Abs(a);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Log(Vector512<double> a) => Vector512.Log(a);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> CopySign(Vector512<double> value, Vector512<double> sign) => Vector512.CopySign(value, sign);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> WhereLess(Vector512<double> a, Vector512<double> b, Vector512<double> value) =>
        Vector512.LessThan(a, b) & value;
}
