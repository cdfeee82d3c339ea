using System.Text;
using RealtimeDecode.Imaging.Dicom;

namespace RealtimeDecode.Imaging.Tests.Dicom;

public class DicomFileTests
{
    private static string Synth(string name) => DicomGolden.File_("synth/" + name);

    [Fact]
    public void Read_ExplicitVrNestedSequences_ReadsItemsAtEveryLevel()
    {
        var ds = DicomFile.Read(Synth("explicit_u16_sequences.dcm"));
        var refs = ds.GetSequence(new DicomTag(0x0008, 0x1140));
        Assert.Equal(2, refs.Count);
        Assert.True(ds.Get(new DicomTag(0x0008, 0x1140))!.IsUndefinedLength);
        foreach (var item in refs)
        {
            Assert.Equal("1.2.3.4.5", item.GetString(new DicomTag(0x0008, 0x1155)));
            var codes = item.GetSequence(new DicomTag(0x0040, 0xA170));
            Assert.Equal(2, codes.Count);
            Assert.Equal("nested item", codes[1].GetString(new DicomTag(0x0008, 0x0104)));
        }
        Assert.Empty(ds.GetSequence(new DicomTag(0x0008, 0x1032)));
        Assert.True(ds.Get(new DicomTag(0x0008, 0x1032))!.IsSequence);
        var priv = ds.FindPrivateTag(0x0011, "SYNTH PRIVATE", 0x01);
        Assert.Equal(new DicomTag(0x0011, 0x1001), priv);
        Assert.Equal(new byte[] { 1, 2, 3, 4, 5, 6 }, ds.GetBytes(priv!.Value).ToArray());
        Assert.Equal("UN", ds.Get(priv.Value)!.VR);
    }

    [Fact]
    public void Read_ImplicitVr_TypedGettersMatchPydicom()
    {
        var path = Synth("implicit_s16_rescale.dcm");
        var ds = DicomFile.Read(path);
        Assert.Equal(DicomFile.ImplicitVRLittleEndian, DicomFile.TransferSyntaxOf(ds));
        Assert.Single(ds.GetSequence(new DicomTag(0x0008, 0x1140)));
        Assert.Equal(0.5, ds.GetDouble(DicomTags.RescaleSlope));
        Assert.Equal(-10.25, ds.GetDouble(DicomTags.RescaleIntercept));
        Assert.Equal(1, ds.GetInt32(DicomTags.PixelRepresentation));
        Assert.Equal([0.9, 0.8], ds.GetDoubles(DicomTags.PixelSpacing));
        Assert.Equal(["ORIGINAL", "PRIMARY", "M", "ND"], ds.GetStrings(DicomTags.ImageType));
        Assert.Null(ds.GetString(new DicomTag(0x0009, 0x0001)));
        Assert.Empty(ds.GetDoubles(new DicomTag(0x0009, 0x0001)));
    }

    public static TheoryData<string> InfoCases()
    {
        var data = new TheoryData<string>();
        foreach (var name in DicomGolden.CaseNames) data.Add(name);
        return data;
    }

    [Theory]
    [MemberData(nameof(InfoCases))]
    public void ReadInfo_GoldenFile_MatchesPydicom(string name)
    {
        var c = DicomGolden.Case(name);
        var path = DicomGolden.File_(c.GetProperty("files")[0].GetString()!);
        var ds = DicomFile.Read(path);
        var expected = c.GetProperty("info");
        Assert.Equal(expected.GetProperty("TransferSyntaxUID").GetString(), DicomFile.TransferSyntaxOf(ds));
        Assert.Equal(expected.GetProperty("SeriesInstanceUID").GetString(), ds.GetString(DicomTags.SeriesInstanceUid));
        Assert.Equal(Num(expected, "SeriesNumber"), ds.GetDouble(DicomTags.SeriesNumber));
        Assert.Equal(Num(expected, "InstanceNumber"), ds.GetDouble(DicomTags.InstanceNumber));
        Assert.Equal(Num(expected, "AcquisitionNumber"), ds.GetDouble(DicomTags.AcquisitionNumber));
        Assert.Equal(Num(expected, "RepetitionTime"), ds.GetDouble(DicomTags.RepetitionTime));
        Assert.Equal(expected.GetProperty("AcquisitionTime").GetString(), ds.GetString(DicomTags.AcquisitionTime));
    }

    private static double? Num(System.Text.Json.JsonElement e, string name) =>
        e.GetProperty(name).ValueKind == System.Text.Json.JsonValueKind.Null ? null : e.GetProperty(name).GetDouble();

    [Fact]
    public void ReadInfo_SiemensMosaic_GivesOrderingMetadata()
    {
        var info = DicomReader.ReadInfo(DicomGolden.File_("nibabel/siemens_dwi_1000.dcm.gz"));
        Assert.Equal(DicomImageKind.Mosaic, info.Kind);
        Assert.Equal(48, info.ImagesInMosaic);
        Assert.Equal(12, info.SeriesNumber);
        Assert.Equal(2, info.AcquisitionNumber);
        Assert.Equal(2, info.InstanceNumber);
        Assert.Equal(new TimeSpan(0, 20, 30, 6, 552) + TimeSpan.FromTicks(5000), info.AcquisitionTime);
        Assert.Equal(6.6, info.RepetitionTimeSeconds);
        Assert.Equal(896, info.Rows);
    }

    [Fact]
    public void ReadInfo_Enhanced_KindAndFrames()
    {
        var info = DicomReader.ReadInfo(Synth("enhanced_4d.dcm"));
        Assert.Equal(DicomImageKind.EnhancedMultiFrame, info.Kind);
        Assert.Equal(6, info.Frames);
        Assert.NotNull(info.SliceLocation);
    }

    public static TheoryData<string, string> RefusedSyntaxes() => new()
    {
        { "synth/jpeg_baseline.dcm", "1.2.840.10008.1.2.4.50" },
        { "synth/big_endian.dcm", "1.2.840.10008.1.2.2" },
        { "nibabel/slicethickness_empty_string.dcm", "1.2.840.10008.1.2.4.90" },
    };

    [Theory]
    [MemberData(nameof(RefusedSyntaxes))]
    public void ReadVolume_UnsupportedTransferSyntax_RefusesNamingFileAndSyntax(string file, string syntax)
    {
        var path = DicomGolden.File_(file);
        var e = Assert.Throws<InputDataException>(() => DicomReader.ReadVolume(path));
        Assert.Equal(path, e.Path);
        Assert.Contains(syntax, e.Problem);
        Assert.Contains("not supported", e.Problem);
        Assert.DoesNotContain('\n', e.Message);
        // the structure is still followed, so the watcher can tell the file is whole
        Assert.Equal(DicomCompleteness.Complete, DicomFile.CheckCompleteness(path));
    }

    [Theory]
    [InlineData("truncated_pixels.dcm")]
    [InlineData("truncated_sequence.dcm")]
    public void ReadVolume_TruncatedFile_ThrowsTruncated(string name)
    {
        var path = Synth(name);
        var e = Assert.Throws<InputDataException>(() => DicomReader.ReadVolume(path));
        Assert.StartsWith("truncated", e.Problem);
        Assert.Equal(path, e.Path);
        Assert.Equal(DicomCompleteness.Incomplete, DicomFile.CheckCompleteness(path));
        Assert.False(DicomFile.IsComplete(path));
    }

    [Fact]
    public void ReadVolume_NoPixelData_SaysSo()
    {
        var path = DicomGolden.File_("nibabel/csa_slice_norm.dcm");
        var e = Assert.Throws<InputDataException>(() => DicomReader.ReadVolume(path));
        Assert.Contains("no pixel data", e.Problem);
    }

    [Fact]
    public void Read_NotDicom_Refuses()
    {
        var path = Path.Combine(Path.GetTempPath(), $"not-dicom-{Guid.NewGuid():N}.dcm");
        File.WriteAllBytes(path, Encoding.ASCII.GetBytes(new string('x', 300)));
        try
        {
            var e = Assert.Throws<InputDataException>(() => DicomFile.Read(path));
            Assert.Contains("not a DICOM file", e.Problem);
            Assert.Equal(DicomCompleteness.Invalid, DicomFile.CheckCompleteness(path));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Read_MissingFile_SaysNotFound()
    {
        var e = Assert.Throws<InputDataException>(() => DicomFile.Read("/nonexistent/x.dcm"));
        Assert.Equal("/nonexistent/x.dcm: file not found", e.Message);
    }

    [Theory]
    [InlineData("synth/explicit_u16_sequences.dcm")]
    [InlineData("synth/implicit_s16_rescale.dcm")]
    [InlineData("synth/enhanced_4d.dcm")]
    [InlineData("synth/jpeg_baseline.dcm")]
    [InlineData("synth/mosaic_csa1.dcm")]
    public void TryParse_EveryPrefix_CompleteOnlyWithTheLastByte(string file)
    {
        var bytes = File.ReadAllBytes(DicomGolden.File_(file));
        for (int n = 0; n < bytes.Length; n++)
        {
            bool ok = DicomFile.TryParse(bytes.AsMemory(0, n), out var ds, out var completeness);
            Assert.False(ok, $"a {n}-byte prefix of {bytes.Length} was taken for complete");
            Assert.Null(ds);
            Assert.Equal(DicomCompleteness.Incomplete, completeness);
        }
        Assert.True(DicomFile.TryParse(bytes.AsSpan(), out var whole, out var c));
        Assert.Equal(DicomCompleteness.Complete, c);
        Assert.True(whole!.Contains(DicomTags.PixelData));
    }

    [Fact]
    public void TryParse_LargeMosaicPrefixes_IncompleteUntilTheEnd()
    {
        var bytes = File.ReadAllBytes(DicomGolden.File_("nibabel/0.dcm"));
        for (int n = 0; n < bytes.Length; n += 997)
            Assert.False(DicomFile.TryParse(bytes.AsMemory(0, n), out _, out _));
        Assert.False(DicomFile.TryParse(bytes.AsMemory(0, bytes.Length - 1), out _, out _));
        Assert.True(DicomFile.TryParse(bytes.AsMemory(), out var ds, out _));
        var v = DicomReader.ReadVolume(ds!, "0.dcm", index: 5, onsetSeconds: 10);
        DicomGolden.AssertMatches(DicomGolden.Case("nibabel/0.dcm"), 0, v);
        Assert.Equal(5, v.Index);
    }

    [Fact]
    public void CheckCompleteness_FileBeingWritten_CompleteAfterLastWrite()
    {
        var bytes = File.ReadAllBytes(Synth("enhanced_volume.dcm"));
        var path = Path.Combine(Path.GetTempPath(), $"growing-{Guid.NewGuid():N}.dcm");
        try
        {
            Assert.Equal(DicomCompleteness.Incomplete, DicomFile.CheckCompleteness(path)); // not created yet
            using (var writer = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.ReadWrite))
            {
                for (int at = 0; at < bytes.Length; at += 100)
                {
                    writer.Write(bytes, at, Math.Min(100, bytes.Length - at));
                    writer.Flush();
                    var expected = at + 100 >= bytes.Length ? DicomCompleteness.Complete : DicomCompleteness.Incomplete;
                    Assert.Equal(expected, DicomFile.CheckCompleteness(path));
                }
            }
            Assert.True(DicomFile.IsComplete(path));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void TryParse_TrailingPaddingCut_StillComplete()
    {
        var bytes = File.ReadAllBytes(Synth("explicit_u8.dcm")).ToList();
        // (FFFC,FFFC) OB dataset trailing padding of 8 bytes, cut after 4 of them
        bytes.AddRange([0xFC, 0xFF, 0xFC, 0xFF, (byte)'O', (byte)'B', 0, 0, 8, 0, 0, 0, 1, 2, 3, 4]);
        Assert.True(DicomFile.TryParse(bytes.ToArray().AsSpan(), out _, out var c));
        Assert.Equal(DicomCompleteness.Complete, c);
    }

    [Fact]
    public void Read_GzipFile_Decompresses()
    {
        var ds = DicomFile.Read(DicomGolden.File_("nibabel/philips_mprage.dcm.gz"));
        Assert.Equal(176, ds.GetInt32(DicomTags.NumberOfFrames));
        Assert.Equal(176, ds.GetSequence(DicomTags.PerFrameFunctionalGroupsSequence).Count);
    }
}

public class DicomFileGrowthTests
{
    [Fact]
    public void TryParse_PreallocatedZeros_IncompleteNotInvalid()
    {
        var bytes = File.ReadAllBytes(DicomGolden.File_("synth/explicit_u16_sequences.dcm"));
        // the writer pre-sized the file and has written up to the pixel data element so far
        var padded = new byte[bytes.Length];
        Array.Copy(bytes, padded, FindPixelDataTag(bytes));
        Assert.False(DicomFile.TryParse(padded.AsSpan(), out _, out var c));
        Assert.Equal(DicomCompleteness.Incomplete, c);
    }

    private static int FindPixelDataTag(byte[] b)
    {
        for (int i = b.Length - 12; i > 0; i--)
            if (b[i] == 0xE0 && b[i + 1] == 0x7F && b[i + 2] == 0x10 && b[i + 3] == 0x00) return i;
        throw new InvalidOperationException("no pixel data tag");
    }
}

public class DicomFileErrorTests
{
    [Fact]
    public void Read_Directory_SaysCannotBeRead()
    {
        var dir = Directory.CreateTempSubdirectory("dicom-dir").FullName;
        try
        {
            var e = Assert.Throws<InputDataException>(() => DicomFile.Read(dir));
            Assert.Equal(dir, e.Path);
            Assert.Equal(DicomCompleteness.Incomplete, DicomFile.CheckCompleteness(dir));
        }
        finally
        {
            Directory.Delete(dir);
        }
    }

    [Fact]
    public void Read_TruncatedGzip_SaysTruncated()
    {
        var bytes = File.ReadAllBytes(DicomGolden.File_("nibabel/siemens_dwi_0.dcm.gz"));
        var path = Path.Combine(Path.GetTempPath(), $"cut-{Guid.NewGuid():N}.dcm.gz");
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        try
        {
            var e = Assert.Throws<InputDataException>(() => DicomReader.ReadVolume(path));
            Assert.Contains("truncated", e.Problem);
            Assert.Equal(DicomCompleteness.Incomplete, DicomFile.CheckCompleteness(path));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
