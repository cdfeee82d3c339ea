using RealtimeDecode.Imaging.Dicom;

namespace RealtimeDecode.Imaging.Tests.Dicom;

public class SiemensExportNameTests
{
    [Theory]
    [InlineData("001_000007_000123.dcm", 1, 7, 123)]
    [InlineData("/export/001_000012_000001.DCM", 1, 12, 1)]
    [InlineData("002_000003_000010.ima", 2, 3, 10)]
    public void TryParse_ExportName_GivesSeriesAndVolume(string name, int prefix, int series, int volume)
    {
        Assert.True(SiemensExportName.TryParse(name, out var n));
        Assert.Equal(new SiemensExportName(prefix, series, volume), n);
    }

    [Theory]
    [InlineData("001_000007.dcm")]
    [InlineData("001_000007_000123.nii")]
    [InlineData("a_b_c.dcm")]
    [InlineData("001_000007_000123.dcm.part")]
    public void TryParse_OtherName_False(string name) => Assert.False(SiemensExportName.TryParse(name, out _));
}
