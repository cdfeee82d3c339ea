using System.Text;
using RealtimeDecode.Engine.Decoding;
using RealtimeDecode.Engine.Tables;
using RealtimeDecode.Imaging;

namespace RealtimeDecode.Engine.Tests.Decoding;

/// <summary>
/// .npy headers and table lines that claim gigabytes: refused before the gigabytes are allocated, from a
/// file (seekable) and from a zip entry's stream (not seekable). Allocation is measured on the test's thread.
/// </summary>
public sealed class NpyUntrustedShapeTests
{
    private const long AllocationBound = 64L << 20;

    /// <summary>A version 1.0 .npy file: <paramref name="shape"/> in its header, <paramref name="dataBytes"/> bytes after it.</summary>
    private static byte[] Npy(string shape, int dataBytes, string descr = "<f8")
    {
        string dict = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': {shape}, }}";
        dict = dict.PadRight(((10 + dict.Length + 1 + 63) / 64 * 64) - 10 - 1) + "\n";
        var ms = new MemoryStream();
        ms.WriteByte(0x93);
        ms.Write("NUMPY"u8);
        ms.WriteByte(1);
        ms.WriteByte(0);
        ms.Write(BitConverter.GetBytes((ushort)dict.Length));
        ms.Write(Encoding.Latin1.GetBytes(dict));
        ms.Write(new byte[dataBytes]);
        return ms.ToArray();
    }

    /// <summary>A stream that cannot seek, like a zip entry's.</summary>
    private sealed class Unseekable(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    }

    private static (InputDataException Error, long Allocated) Refuse(Func<NpyArray> read)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<InputDataException>(() => read());
        return (e, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Theory]
    [InlineData(false, "(100000, 10000)", 8_000_000_000L)]
    [InlineData(true, "(10000, 10000)", 800_000_000L)]
    public void Read_ShapeOfGigabytesInA200ByteFile_TruncatedWithoutAllocating(bool unseekable, string shape, long claimed)
    {
        var bytes = Npy(shape, 64);
        var (e, allocated) = Refuse(() => NpyArray.Read(unseekable ? new Unseekable(bytes) : new MemoryStream(bytes), "coef.npy"));
        Assert.Equal($"coef.npy: the .npy file is truncated: shape {shape} needs {claimed} bytes of data, 64 follow the header", e.Message);
        Assert.True(allocated < AllocationBound, $"{allocated} bytes allocated for a claim of {claimed} bytes");
    }

    [Fact]
    public void Read_UnseekableShapeBeyond2GiB_Refused()
    {
        var (e, allocated) = Refuse(() => NpyArray.Read(new Unseekable(Npy("(100000, 10000)", 64)), "coef.npy"));
        Assert.Equal($"coef.npy: .npy shape (100000, 10000) is 8000000000 bytes, more than {Array.MaxLength}, the limit of one array", e.Message);
        Assert.True(allocated < AllocationBound, $"{allocated} bytes allocated");
    }

    [Theory]
    [InlineData("(2147483647, 2147483647)")]
    [InlineData("(2147483647, 2147483647, 2147483647, 2147483647)")]
    [InlineData("(65536, 65536, 65536)")]
    public void Read_ShapeBeyondOneArray_RefusedWithoutOverflow(string shape)
    {
        var (e, allocated) = Refuse(() => NpyArray.Read(new MemoryStream(Npy(shape, 8)), "rows.npy"));
        Assert.StartsWith($"rows.npy: .npy shape {shape} is more than ", e.Message, StringComparison.Ordinal);
        Assert.True(allocated < AllocationBound, $"{allocated} bytes allocated");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Read_ExactData_StillReads(bool unseekable)
    {
        var values = Enumerable.Range(0, 3 * 5).Select(i => (double)i / 3).ToArray();
        var ms = new MemoryStream();
        NpyArray.FromFloat64(values, 3, 5).Write(ms);
        var bytes = ms.ToArray();
        var a = NpyArray.Read(unseekable ? new Unseekable(bytes) : new MemoryStream(bytes), "ok.npy");
        Assert.Equal([3, 5], a.Shape);
        Assert.Equal(values, a.Float64!);
    }

    /// <summary>Endless digits without a line end.</summary>
    private sealed class EndlessLine : TextReader
    {
        private bool _headerServed;

        public override int Read(char[] buffer, int index, int count)
        {
            if (!_headerServed)
            {
                _headerServed = true;
                "volume\ta\n".CopyTo(buffer.AsSpan(index));
                return 9;
            }
            buffer.AsSpan(index, count).Fill('1');
            return count;
        }
    }

    [Fact]
    public void NumericTableRead_EndlessLine_OneLineErrorNotOutOfMemory()
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<InputDataException>(() => NumericTable.Read(new EndlessLine(), "roi.tsv"));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal($"roi.tsv: line 2 is longer than {BoundedLineReader.MaxLineChars} characters, the limit for a line of a table", e.Message);
        // The line is held up to the limit (2 bytes a character, plus the builder's growth), never beyond.
        Assert.True(allocated < 8L * BoundedLineReader.MaxLineChars, $"{allocated} bytes allocated");
    }
}
