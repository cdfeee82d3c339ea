using RealtimeDecode.Imaging.Dicom;

namespace RealtimeDecode.Imaging.Tests.Dicom;

/// <summary>Voxels and affines against dcm2niix (via Golden/dicom_golden.json).</summary>
public class DicomReaderGoldenTests
{
    public static TheoryData<string> Cases() => DicomGolden.VolumeCases();

    [Theory]
    [MemberData(nameof(Cases))]
    public void Read_GoldenCase_MatchesDcm2niix(string name)
    {
        var c = DicomGolden.Case(name);
        var files = c.GetProperty("files").EnumerateArray().Select(f => DicomGolden.File_(f.GetString()!)).ToList();
        IReadOnlyList<Volume> volumes = files.Count > 1
            ? DicomReader.ReadSeriesVolumes(Path.GetDirectoryName(files[0])!)
            : DicomReader.ReadVolumes(files[0]);
        Assert.Equal(c.GetProperty("volumes").GetInt32(), volumes.Count);
        for (int t = 0; t < volumes.Count; t++)
        {
            DicomGolden.AssertMatches(c, t, volumes[t]);
            Assert.Equal(t, volumes[t].Index);
        }
    }

    [Fact]
    public void ReadSeries_SliceFolder_SortsSlicesAlongNormalNotByName()
    {
        var c = DicomGolden.Case("synth/series");
        var v = DicomReader.ReadSeries(DicomGolden.File_("synth/series"));
        DicomGolden.AssertMatches(c, 0, v);
        // file names are shuffled: a.dcm holds the second slice (InstanceNumber 2)
        Assert.Equal(2, DicomReader.ReadInfo(DicomGolden.File_("synth/series/a.dcm")).InstanceNumber);
    }

    [Fact]
    public void ReadSlices_AnyOrder_GivesTheSameVolume()
    {
        var folder = DicomGolden.File_("synth/series");
        var files = Directory.GetFiles(folder).OrderByDescending(f => f, StringComparer.Ordinal).ToList();
        var a = DicomReader.ReadSlices(files, index: 3, onsetSeconds: 6);
        var b = DicomReader.ReadSeries(folder);
        Assert.Equal(b.Data, a.Data);
        Assert.True(a.Affine.ApproximatelyEquals(b.Affine, 1e-12));
        Assert.Equal(3, a.Index);
        Assert.Equal(6, a.OnsetSeconds);
    }

    [Fact]
    public void ReadVolume_EnhancedWithTwoTimePoints_Refuses()
    {
        var path = DicomGolden.File_("synth/enhanced_4d.dcm");
        var e = Assert.Throws<InputDataException>(() => DicomReader.ReadVolume(path));
        Assert.Contains("2 volumes", e.Message);
        Assert.Equal(path, e.Path);
    }

    [Fact]
    public void ReadVolumes_Enhanced4d_OnsetsFollowRepetitionTime()
    {
        var volumes = DicomReader.ReadVolumes(DicomGolden.File_("synth/enhanced_4d.dcm"));
        Assert.Equal([0.0, 2.0], volumes.Select(v => v.OnsetSeconds));
    }

    [Fact]
    public void ReadSeriesVolumes_TwoMosaicsOfOneSeries_OrderedByInstance()
    {
        var dir = Directory.CreateTempSubdirectory("dicom-mosaics").FullName;
        try
        {
            // names in the reverse of the instance order
            File.Copy(DicomGolden.File_("nibabel/1.dcm"), Path.Combine(dir, "a.dcm"));
            File.Copy(DicomGolden.File_("nibabel/0.dcm"), Path.Combine(dir, "b.dcm"));
            File.WriteAllText(Path.Combine(dir, "notes.json"), "{}");
            var volumes = DicomReader.ReadSeriesVolumes(dir);
            Assert.Equal(2, volumes.Count);
            DicomGolden.AssertMatches(DicomGolden.Case("nibabel/0.dcm"), 0, volumes[0]);
            DicomGolden.AssertMatches(DicomGolden.Case("nibabel/1.dcm"), 0, volumes[1]);
            Assert.Equal(6.6, volumes[1].OnsetSeconds, 9);
            Assert.Throws<InputDataException>(() => DicomReader.ReadSeries(dir));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void ReadSeriesVolumes_TwoSeriesInOneFolder_Refuses()
    {
        var dir = Directory.CreateTempSubdirectory("dicom-two-series").FullName;
        try
        {
            File.Copy(DicomGolden.File_("nibabel/0.dcm"), Path.Combine(dir, "a.dcm"));
            File.Copy(DicomGolden.File_("synth/explicit_u8.dcm"), Path.Combine(dir, "b.dcm"));
            var e = Assert.Throws<InputDataException>(() => DicomReader.ReadSeriesVolumes(dir));
            Assert.Contains("2 series", e.Message);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}

public class DicomSeriesGroupingTests
{
    /// <summary>The synthetic series' files with AcquisitionNumber (IS "1 ") rewritten, byte for byte.</summary>
    private static byte[] WithAcquisition(byte[] file, char number)
    {
        // implicit VR: tag (0020,0012), 4-byte length 2, value "1 "
        byte[] pattern = [0x20, 0x00, 0x12, 0x00, 0x02, 0x00, 0x00, 0x00, (byte)'1', (byte)' '];
        int at = file.AsSpan().IndexOf(pattern);
        Assert.True(at > 0, "AcquisitionNumber not found");
        var copy = (byte[])file.Clone();
        copy[at + 8] = (byte)number;
        return copy;
    }

    private static string MakeFolder(bool distinctAcquisitions, bool dropOne = false)
    {
        var dir = Directory.CreateTempSubdirectory("dicom-series").FullName;
        var files = Directory.GetFiles(DicomGolden.File_("synth/series")).OrderBy(f => f, StringComparer.Ordinal).ToList();
        foreach (var f in files)
        {
            var bytes = File.ReadAllBytes(f);
            File.WriteAllBytes(Path.Combine(dir, "v1_" + Path.GetFileName(f)), bytes);
            if (dropOne && f == files[^1]) continue;
            File.WriteAllBytes(Path.Combine(dir, "v2_" + Path.GetFileName(f)), distinctAcquisitions ? WithAcquisition(bytes, '2') : bytes);
        }
        return dir;
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void ReadSeriesVolumes_TwoVolumesOfSlices_GroupsThem(bool distinctAcquisitions)
    {
        var dir = MakeFolder(distinctAcquisitions);
        try
        {
            var volumes = DicomReader.ReadSeriesVolumes(dir);
            Assert.Equal(2, volumes.Count);
            var golden = DicomGolden.Case("synth/series");
            DicomGolden.AssertMatches(golden, 0, volumes[0]);
            DicomGolden.AssertMatches(golden, 0, volumes[1]);
            Assert.Equal([0, 1], volumes.Select(v => v.Index));
            Assert.Equal([0.0, 2.0], volumes.Select(v => v.OnsetSeconds));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void ReadSeriesVolumes_MissingSlice_SaysIncomplete()
    {
        var dir = MakeFolder(distinctAcquisitions: true, dropOne: true);
        try
        {
            var e = Assert.Throws<InputDataException>(() => DicomReader.ReadSeriesVolumes(dir));
            Assert.Contains("different slice counts (5, 4)", e.Problem);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
