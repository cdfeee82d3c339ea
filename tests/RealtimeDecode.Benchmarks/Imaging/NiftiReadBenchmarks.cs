using System.IO.Compression;
using BenchmarkDotNet.Attributes;
using RealtimeDecode.Imaging;
using RealtimeDecode.Imaging.Nifti;

namespace RealtimeDecode.Benchmarks.Imaging;

/// <summary>
/// Reading one volume of a 64×64×36×20 int16 run (a typical EPI grid): sequentially from .nii.gz (the
/// stream stays open; every 20th read reopens the file), from .nii (seek), and a whole single-volume
/// .nii.gz as a scanner export delivers it. Target: ≤ 3 ms per volume, one float[] allocated per volume.
/// </summary>
[MemoryDiagnoser]
public class NiftiReadBenchmarks
{
    private const int Nx = 64, Ny = 64, Nz = 36, Nt = 20;
    private string _dir = "";
    private NiftiReader? _gz;
    private NiftiReader? _nii;
    private byte[] _singleGz = [];
    private readonly float[] _into = new float[Nx * Ny * Nz];
    private int _tGz, _tNii;

    [GlobalSetup]
    public void Setup()
    {
        _dir = Path.Combine(Path.GetTempPath(), "rtd-bench-nifti-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_dir);
        var rng = new Random(42);
        var affine = Affine.Diagonal(3, 3, 3.5, -94.5, -94.5, -61.25);
        var vols = new List<Volume>();
        for (int t = 0; t < Nt; t++)
        {
            // A smooth brain-like blob plus scanner noise: compresses like real EPI (about 2:1).
            var d = new float[Nx * Ny * Nz];
            for (int z = 0; z < Nz; z++)
                for (int y = 0; y < Ny; y++)
                    for (int x = 0; x < Nx; x++)
                    {
                        double r2 = Sq((x - 32) / 26.0) + Sq((y - 32) / 30.0) + Sq((z - 18) / 16.0);
                        double signal = r2 < 1 ? 900 + 100 * Math.Sin(x * 0.3 + t * 0.1) : 20;
                        d[x + Nx * (y + Ny * z)] = (float)Math.Round(signal + rng.NextDouble() * 30);
                    }
            vols.Add(new Volume(Nx, Ny, Nz, d, affine, t, 2.0 * t));
        }
        var options = new NiftiWriteOptions { DataType = NiftiDataType.Int16, RepetitionTimeSeconds = 2, CompressionLevel = CompressionLevel.Optimal };
        string gz = Path.Combine(_dir, "run.nii.gz"), nii = Path.Combine(_dir, "run.nii");
        NiftiWriter.Write(gz, vols, options);
        NiftiWriter.Write(nii, vols, options);
        _singleGz = NiftiWriter.EncodeVolume(vols[7], options with { Compress = true });
        _gz = NiftiReader.Open(gz);
        _nii = NiftiReader.Open(nii);
    }

    private static double Sq(double v) => v * v;

    [GlobalCleanup]
    public void Cleanup()
    {
        _gz?.Dispose();
        _nii?.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    [Benchmark(Baseline = true, Description = "nii.gz: next volume (new float[])")]
    public Volume NextVolumeGz()
    {
        var v = _gz!.ReadVolume(_tGz);
        _tGz = (_tGz + 1) % Nt;
        return v;
    }

    [Benchmark(Description = "nii.gz: next volume into a caller buffer")]
    public float[] NextVolumeGzInto()
    {
        _gz!.ReadVolume(_tGz, _into);
        _tGz = (_tGz + 1) % Nt;
        return _into;
    }

    [Benchmark(Description = "nii: next volume (seek)")]
    public Volume NextVolumeNii()
    {
        var v = _nii!.ReadVolume(_tNii);
        _tNii = (_tNii + 1) % Nt;
        return v;
    }

    [Benchmark(Description = "single-volume nii.gz bytes: open + read")]
    public Volume SingleVolumeFileGz()
    {
        using var r = NiftiReader.Open(_singleGz, "vol.nii.gz");
        return r.ReadVolume(0);
    }
}
