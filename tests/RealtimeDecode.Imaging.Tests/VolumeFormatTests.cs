namespace RealtimeDecode.Imaging.Tests;

public sealed class VolumeFormatTests
{
    [Theory]
    [InlineData("run/vol_000001.nii", VolumeFileFormat.Nifti)]
    [InlineData("VOL.NII.GZ", VolumeFileFormat.Nifti)]
    [InlineData("001_000003_000001.dcm", VolumeFileFormat.Dicom)]
    [InlineData("MR.1.2.840.IMA", VolumeFileFormat.Dicom)]
    [InlineData("export/1.3.12.2.1107", VolumeFileFormat.Dicom)]
    [InlineData("pair.hdr", VolumeFileFormat.Dicom)]
    public void Detect_ByName(string path, VolumeFileFormat expected) => Assert.Equal(expected, VolumeFormat.Detect(path));

    [Theory]
    [InlineData("a.nii", "dicom", VolumeFileFormat.Dicom)]
    [InlineData("a.dcm", "nifti", VolumeFileFormat.Nifti)]
    [InlineData("a.nii.gz", "auto", VolumeFileFormat.Nifti)]
    [InlineData("a.dcm", null, VolumeFileFormat.Dicom)]
    public void Resolve_ToldFormatWinsElseDetect(string path, string? format, VolumeFileFormat expected) =>
        Assert.Equal(expected, VolumeFormat.Resolve(path, format));

    [Theory]
    [InlineData("sub-01_bold.nii.gz", "sub-01_bold")]
    [InlineData("v.NII", "v")]
    [InlineData("v.dcm", "v.dcm")]
    public void StripNiftiExtension(string name, string stem) => Assert.Equal(stem, VolumeFormat.StripNiftiExtension(name));

    [Theory]
    [InlineData("pair.hdr", true)]
    [InlineData("PAIR.HDR.GZ", true)]
    [InlineData("pair.img", false)]
    [InlineData("vol.nii", false)]
    public void IsNiftiPairHeader(string path, bool expected) => Assert.Equal(expected, VolumeFormat.IsNiftiPairHeader(path));
}
