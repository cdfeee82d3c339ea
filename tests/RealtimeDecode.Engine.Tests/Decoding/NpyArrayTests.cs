using RealtimeDecode.Engine.Decoding;
using RealtimeDecode.Imaging;

namespace RealtimeDecode.Engine.Tests.Decoding;

[Collection(SklearnExportCollection.Name)]
public sealed class NpyArrayTests(SklearnExportFixture fx)
{
    private static readonly double[] Expected = [.. Enumerable.Range(0, 12).Select(i => i / 7.0)];

    [Theory]
    [InlineData("c_f8.npy")]
    [InlineData("fortran_f8.npy")]
    [InlineData("v2_f8.npy")]
    public void Read_NumpyFloat64Layouts_GivesCOrderValues(string file)
    {
        var a = NpyArray.Read(Path.Combine(fx.Work, file));
        Assert.Equal(NpyElementType.Float64, a.ElementType);
        Assert.Equal([3, 4], a.Shape);
        Assert.Equal(Expected, a.Float64!);
    }

    [Fact]
    public void Read_NumpyFloat32_KeepsSinglePrecision()
    {
        var a = NpyArray.Read(Path.Combine(fx.Work, "c_f4.npy"));
        Assert.Equal(NpyElementType.Float32, a.ElementType);
        Assert.Equal(Expected.Select(v => (float)v), a.Float32!);
    }

    [Theory]
    [InlineData("be_f8.npy", ">f8")]
    [InlineData("i8.npy", "<i8")]
    public void Read_UnsupportedDtype_ThrowsInputDataExceptionNamingDtype(string file, string dtype)
    {
        var e = Assert.Throws<InputDataException>(() => NpyArray.Read(Path.Combine(fx.Work, file)));
        Assert.Contains(dtype, e.Message);
        Assert.Contains(file, e.Message);
    }

    [Fact]
    public void WriteThenRead_Float32And64_RoundTripsExactly()
    {
        var d = NpyArray.FromFloat64([1.5, -2, double.Epsilon, 1e300, 0, 7], 2, 3);
        var f = NpyArray.FromFloat32([1.5f, -2f, float.MaxValue], 3);
        using var ms = new MemoryStream();
        d.Write(ms);
        ms.Position = 0;
        var d2 = NpyArray.Read(ms, "mem");
        Assert.Equal(d.Float64, d2.Float64);
        Assert.Equal(d.Shape, d2.Shape);
        using var ms2 = new MemoryStream();
        f.Write(ms2);
        ms2.Position = 0;
        var f2 = NpyArray.Read(ms2, "mem");
        Assert.Equal(f.Float32, f2.Float32);
        Assert.Equal([3], f2.Shape);
    }

    [Fact]
    public void Read_Truncated_ThrowsInputDataException()
    {
        using var ms = new MemoryStream();
        NpyArray.FromFloat64([1, 2, 3, 4], 4).Write(ms);
        var bytes = ms.ToArray()[..^8];
        var e = Assert.Throws<InputDataException>(() => NpyArray.Read(new MemoryStream(bytes), "x.npy"));
        Assert.Contains("truncated", e.Message);
    }
}
