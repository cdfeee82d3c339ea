using System.Reflection;
using RealtimeDecode.Engine.Connectivity;

namespace RealtimeDecode.Engine.Tests.Connectivity;

/// <summary>
/// Code the live path runs less than once per volume is compiled fully optimized at its first call, outside the
/// runtime's tiers. Left to tiering, the rectangular kernel's exact recompute (once every 64 frames) reached its
/// instrumented and then its on-stack-replacement tier at its 31st and 33rd calls (volumes 1,612 and 1,740 of a soak
/// with 300 volumes of warm-up), and that last compilation ran on the pipeline's thread in the middle of a volume:
/// 7–11 ms against 0.5 ms, in every soak run (<c>--frames</c>,
/// the <c>jit_methods</c> and <c>jit_ms</c> columns).
/// </summary>
public sealed class RareKernelCompilationTests
{
    public static TheoryData<Type, string> RareKernels => new()
    {
        { typeof(RectangularWindowCorrelation), "Recompute" },
        { typeof(CrossProducts), nameof(CrossProducts.UpperTriangle) },
    };

    [Theory]
    [MemberData(nameof(RareKernels))]
    public void RareKernel_IsCompiledOptimizedAtFirstCall(Type type, string name)
    {
        var method = type.GetMethod(name, BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static);
        Assert.NotNull(method);
        Assert.True(method.MethodImplementationFlags.HasFlag(MethodImplAttributes.AggressiveOptimization),
            $"{type.Name}.{name} runs once every RecomputeInterval frames: mark it [MethodImpl(MethodImplOptions.AggressiveOptimization)]");
    }
}
