using System.IO.Compression;
using BenchmarkDotNet.Attributes;
using RealtimeDecode.Imaging;
using RealtimeDecode.Imaging.Dicom;

namespace RealtimeDecode.Benchmarks.Imaging;

/// <summary>
/// The live path for one Siemens mosaic (896×896, 48 slices of 128×128, 1.7 MB): the completeness
/// check on the bytes, and parse + unpack to a volume. Data: python3-nibabel's siemens_dwi_1000.dcm.gz.
/// </summary>
[MemoryDiagnoser]
public class DicomReadBenchmarks
{
    private const string Source = "/usr/lib/python3/dist-packages/nibabel/nicom/tests/data/siemens_dwi_1000.dcm.gz";
    private byte[] _bytes = [];

    [GlobalSetup]
    public void Setup()
    {
        if (!File.Exists(Source)) throw new FileNotFoundException($"{Source} is missing: install python3-nibabel");
        using var gz = new GZipStream(File.OpenRead(Source), CompressionMode.Decompress);
        var ms = new MemoryStream();
        gz.CopyTo(ms);
        _bytes = ms.ToArray();
    }

    [Benchmark]
    public bool CompletenessCheck() => DicomFile.TryParse(_bytes.AsMemory(), out _, out _);

    [Benchmark]
    public Volume ParseAndUnpackMosaic() => DicomReader.ReadVolume(DicomFile.Parse(_bytes), "mosaic.dcm");
}
