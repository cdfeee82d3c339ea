using System.Buffers.Binary;
using System.Text;
using RealtimeDecode.Imaging.Dicom;
using RealtimeDecode.Imaging.Tests.Support;
using RealtimeDecode.Tests.Support;

namespace RealtimeDecode.Imaging.Tests.Dicom;

/// <summary>The parser's documented limits: nesting depth and declared element length, refused before recursing or allocating.</summary>
public sealed class DicomLimitsTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Read_200000NestedSequences_RefusedAtTheDepthLimit()
    {
        var path = _dir.File("nested.dcm");
        File.WriteAllBytes(path, CraftedFiles.NestedSequenceDicom(200_000));
        var ex = Assert.Throws<InputDataException>(() => DicomFile.Read(path));
        // 132 preamble and DICM + 28 meta bytes, then 20 bytes per level: the 33rd sequence starts at 160 + 32·20
        Assert.Equal($"{path}: sequence (0040,0275) at byte 800 is nested deeper than 32 levels", ex.Message);
        Assert.Equal(DicomCompleteness.Invalid, DicomFile.CheckCompleteness(path));
    }

    [Fact]
    public void Read_NestedToTheLimit_Parses()
    {
        var ds = DicomFile.Parse(CraftedFiles.NestedSequenceDicom(DicomFile.MaxSequenceDepth), "ok.dcm");
        int depth = 0;
        for (var d = ds; d.GetSequence(new DicomTag(0x0040, 0x0275)).Count == 1; d = d.GetSequence(new DicomTag(0x0040, 0x0275))[0]) depth++;
        Assert.Equal(DicomFile.MaxSequenceDepth, depth);
    }

    [Fact]
    public void Read_ElementClaiming4GB_RefusedWithTheLimit()
    {
        var bytes = CraftedFiles.NestedSequenceDicom(0).Concat(new byte[16]).ToArray();
        int at = bytes.Length - 16;
        // (0010,0010) in explicit VR as "UT" (4-byte length) claiming 0xFFFFFFF0 bytes
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(at), 0x0010);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(at + 2), 0x0010);
        Encoding.ASCII.GetBytes("UT").CopyTo(bytes, at + 4);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(at + 8), 0xFFFFFFF0);
        var ex = Assert.Throws<InputDataException>(() => DicomFile.Parse(bytes, "big.dcm"));
        Assert.Equal($"big.dcm: element (0010,0010) (UT) at byte {at} declares 4294967280 bytes, more than the 1073741824-byte limit", ex.Message);
        Assert.False(DicomFile.TryParse(bytes.AsMemory(), out _, out var c));
        Assert.Equal(DicomCompleteness.Invalid, c);
    }

    [Fact]
    public void Read_FileBeyondTheSizeLimit_RefusedBeforeReadingAndInvalidForCompleteness()
    {
        var path = _dir.File("huge.dcm");
        using (var fs = File.Create(path)) fs.SetLength(DicomFile.MaxFileBytes + 1); // sparse: no disk used
        var ex = Assert.Throws<InputDataException>(() => DicomFile.Read(path));
        Assert.Equal($"{path}: is 1073807361 bytes, more than the 1073807360-byte limit for one DICOM file", ex.Message);
        Assert.Equal(DicomCompleteness.Invalid, DicomFile.CheckCompleteness(path));
    }
}
