using RealtimeDecode.Imaging.Dicom;

namespace RealtimeDecode.Imaging.Tests.Dicom;

public class CsaHeaderTests
{
    public static TheoryData<string> CsaCases()
    {
        var data = new TheoryData<string>();
        foreach (var name in DicomGolden.CaseNames)
            if (DicomGolden.Case(name).GetProperty("csa").ValueKind == System.Text.Json.JsonValueKind.Object) data.Add(name);
        return data;
    }

    [Theory]
    [MemberData(nameof(CsaCases))]
    public void FromImageHeader_GoldenFile_MatchesNibabelCsaReader(string name)
    {
        var c = DicomGolden.Case(name);
        var ds = DicomFile.Read(DicomGolden.File_(c.GetProperty("files")[0].GetString()!));
        var csa = CsaHeader.FromImageHeader(ds);
        Assert.NotNull(csa);
        foreach (var tag in c.GetProperty("csa").EnumerateObject())
        {
            var expected = tag.Value.EnumerateArray().Select(v => v.GetString()!).ToList();
            var actual = csa!.GetItems(tag.Name);
            Assert.Equal(expected.Count, actual.Count);
            for (int i = 0; i < expected.Count; i++)
            {
                if (double.TryParse(expected[i], System.Globalization.CultureInfo.InvariantCulture, out var x))
                    Assert.Equal(x, double.Parse(actual[i], System.Globalization.CultureInfo.InvariantCulture), 12);
                else
                    Assert.Equal(expected[i], actual[i]);
            }
        }
    }

    [Fact]
    public void Parse_OldFormat_ReadsWithoutSv10Mark()
    {
        var ds = DicomFile.Read(DicomGolden.File_("synth/mosaic_csa1.dcm"));
        var csa = CsaHeader.FromImageHeader(ds)!;
        Assert.False(csa.IsSv10);
        Assert.Equal([5.0], csa.GetDoubles("NumberOfImagesInMosaic")!);
        Assert.Equal(5, DicomReader.MosaicImageCount(ds));
        Assert.True(CsaHeader.FromImageHeader(DicomFile.Read(DicomGolden.File_("synth/mosaic_csa2.dcm")))!.IsSv10);
    }

    [Fact]
    public void MosaicImageCount_CsaOnly_ReadsCsa()
    {
        // csa_slice_norm.dcm has no (0019,100A): the count comes from the CSA header
        var ds = DicomFile.Read(DicomGolden.File_("nibabel/csa_slice_norm.dcm"));
        Assert.Null(ds.FindPrivateTag(0x0019, "SIEMENS MR HEADER", 0x0A) is { } t ? ds.GetUInt16(t) : null);
        Assert.Equal(32, DicomReader.MosaicImageCount(ds));
    }

    [Fact]
    public void MosaicImageCount_PrivateTagInImplicitVr_ReadsBinaryUn()
    {
        var ds = DicomFile.Read(DicomGolden.File_("nibabel/0.dcm"));
        var tag = ds.FindPrivateTag(0x0019, "SIEMENS MR HEADER", 0x0A)!.Value;
        Assert.Equal("UN", ds.Get(tag)!.VR);
        Assert.Equal((ushort)48, ds.GetUInt16(tag));
    }

    [Fact]
    public void TryParse_ItemLengthNearIntMax_NotACsaHeader()
    {
        // One tag with one item whose length is int.MaxValue: pos + length wraps a 32-bit sum.
        var bytes = new byte[8 + 8 + 84 + 16 + 8];
        "SV10\u0004\u0003\u0002\u0001"u8.CopyTo(bytes);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), 1);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(12), 77);
        "EchoTime"u8.CopyTo(bytes.AsSpan(16));
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(16 + 64), 1);
        "DS"u8.CopyTo(bytes.AsSpan(16 + 68));
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(16 + 76), 1);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(16 + 84 + 4), int.MaxValue);
        Assert.Null(CsaHeader.TryParse(bytes));
    }

    [Theory]
    [InlineData("132653.9E5000", 13, 26, 53, 0.0)]
    [InlineData("132653.5E-1", 13, 26, 53, 0.05)]
    [InlineData("13:26:53.656", 13, 26, 53, 0.656)]
    public void ParseTime_FractionThatIsNotAFractionOfASecond_Ignored(string tm, int h, int m, int s, double frac)
    {
        Assert.Equal(new TimeSpan(h, m, s) + TimeSpan.FromTicks((long)Math.Round(frac * TimeSpan.TicksPerSecond)), DicomReader.ParseTime(tm));
    }

    [Fact]
    public void Parse_Garbage_Throws()
    {
        Assert.Throws<FormatException>(() => CsaHeader.Parse(new byte[] { 0, 0, 0, 0, 77, 0, 0, 0 }));
        Assert.Null(CsaHeader.TryParse("SV10\u0004\u0003\u0002\u0001\u0005\0\0\0M\0\0\0"u8));
    }
}
