using RealtimeDecode.Engine.Ingest;

namespace RealtimeDecode.Engine.Tests.Ingest;

public sealed class ExportFileNamesTests
{
    [Theory]
    [InlineData("/export/001_000007_000001.dcm", 7, 0)]
    [InlineData("001_000012_000150.dcm", 12, 149)]
    [InlineData("001_000003_000010.IMA", 3, 9)]
    [InlineData("vol_0005.nii", 0, 5)]
    [InlineData("/x/vol_0000.nii.gz", 0, 0)]
    [InlineData("sub-01_task-alice_run-2_bold_0013.nii.gz", 2, 13)]
    [InlineData("sub-01_task-alice_bold_0042.nii", 0, 42)]
    public void Parse_VolumeNames_SeriesAndIndex(string name, int series, int index)
    {
        Assert.Equal(new VolumeKey(series, index), ExportFileNames.Parse(name));
    }

    [Theory]
    [InlineData("001_000007_000001.dcm.tmp")]
    [InlineData("sub-01_bold.json")]
    [InlineData("readme.nii")]
    [InlineData("001_000007_000000.dcm")]
    public void Parse_OtherNames_Null(string name) => Assert.Null(ExportFileNames.Parse(name));
}
