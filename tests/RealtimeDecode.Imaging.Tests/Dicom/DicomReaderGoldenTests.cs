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
