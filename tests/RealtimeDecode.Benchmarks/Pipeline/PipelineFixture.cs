using RealtimeDecode.Engine.Connectivity;
using RealtimeDecode.Engine.Decoding;
using RealtimeDecode.Engine.Features;
using RealtimeDecode.Engine.Pipeline;
using RealtimeDecode.Engine.Preprocessing;
using RealtimeDecode.Host.Session;
using RealtimeDecode.Imaging;
using RealtimeDecode.Imaging.Nifti;

namespace RealtimeDecode.Benchmarks.Pipeline;

/// <summary>The scales the pipeline figures are quoted at.</summary>
public enum PipelineScale
{
    /// <summary>64×64×36 int16 volumes, 400 labels (79,800 edges), W = 13, 8 targets, ridge.</summary>
    Published,

    /// <summary>The bundled demo session's grid: 32×38×28, 100 labels (4,950 edges), W = 13, 8 targets, ridge.</summary>
    Bundled,

    /// <summary>Multiband EPI at 2 mm: 104×90×72 int16, TR 0.72 s, 1,000 labels (499,500 edges), W = 13, 8 targets, ridge.</summary>
    Multiband,
}

/// <summary>
/// A synthetic session for the end-to-end figures: a Voronoi parcellation of an ellipsoidal brain mask
/// written as an atlas NIfTI and loaded with <see cref="Atlas.Load"/>, a cycle of distinct single-volume
/// int16 NIfTI files (as bytes and on disk) whose parcels carry slow sinusoids plus noise, and a ridge
/// <see cref="DecodingModel"/> (random weights, <see cref="StandardScaler"/> folded in) for the DFC
/// features. <see cref="CreateStages"/> returns the host session runner's stages:
/// read → <see cref="FeatureExtractor"/> roi / clean / features → model predict into a new array.
/// </summary>
public sealed class PipelineFixture : IDisposable
{
    /// <summary>Targets of the model (the eight emotion ratings).</summary>
    public static readonly string[] TargetNames = ["anticipation", "joy", "trust", "fear", "surprise", "sadness", "disgust", "anger"];

    /// <summary>Creates the session files under a fresh temporary folder.</summary>
    /// <param name="scale">Grid and atlas size.</param>
    /// <param name="distinctVolumes">Volume files written; arrivals cycle through them.</param>
    /// <param name="compress">Write .nii.gz instead of .nii.</param>
    /// <param name="svr">An rbf SVR instead of ridge: 8 targets over one set of <see cref="SvrRows"/> float32
    /// rows, each target with about 100 support vectors (a zero coefficient elsewhere), as a model package
    /// trained here or exported from scikit-learn holds it.</param>
    /// <param name="realign">Realign every volume (<see cref="FeatureSettings.Realign"/>); the volumes then move along a
    /// smooth rigid trajectory (a drift to 1 mm and 1° over the cycle, with 0.05 mm jitter), written through the
    /// realigner's own trilinear reslice (voxels that leave the grid are 0).</param>
    public PipelineFixture(PipelineScale scale, int distinctVolumes = 32, bool compress = false, bool svr = false, bool realign = false)
    {
        Scale = scale;
        (Nx, Ny, Nz, Rois) = scale switch
        {
            PipelineScale.Published => (64, 64, 36, 400),
            PipelineScale.Multiband => (104, 90, 72, 1000),
            _ => (32, 38, 28, 100),
        };
        RepetitionTime = scale == PipelineScale.Multiband ? 0.72 : 2.0;
        (double dx, double dz) = scale == PipelineScale.Multiband ? (2.0, 2.0) : (3.0, 3.5);
        Directory = Path.Combine(Path.GetTempPath(), $"rtd-bench-pipeline-{scale}-{Guid.NewGuid():N}");
        System.IO.Directory.CreateDirectory(Directory);
        var rng = new Random(2026);
        var affine = Affine.Diagonal(dx, dx, dz, -dx / 2 * Nx, -dx / 2 * Ny, -dz / 2 * Nz);

        var labels = Parcellate(rng);
        string atlasPath = Path.Combine(Directory, "atlas.nii.gz");
        NiftiWriter.Write(atlasPath, [new Volume(Nx, Ny, Nz, labels.Select(l => (float)l).ToArray(), affine, 0, 0)],
            new NiftiWriteOptions { DataType = NiftiDataType.Int16 });
        Atlas = Atlas.Load(atlasPath);
        if (Atlas.LabelCount != Rois) throw new InvalidOperationException($"parcellation gave {Atlas.LabelCount} labels, expected {Rois}");

        var options = new NiftiWriteOptions { DataType = NiftiDataType.Int16, RepetitionTimeSeconds = RepetitionTime, Compress = compress };
        var phase = Enumerable.Range(0, Rois + 1).Select(_ => rng.NextDouble() * 2 * Math.PI).ToArray();
        var mover = realign ? new RealtimeDecode.Engine.Motion.RigidRealigner(Nx, Ny, Nz, affine) : null;
        var moved = realign ? new float[labels.Length] : null;
        VolumeBytes = new byte[distinctVolumes][];
        VolumeFiles = new string[distinctVolumes];
        for (int t = 0; t < distinctVolumes; t++)
        {
            var d = new float[labels.Length];
            for (int v = 0; v < d.Length; v++)
            {
                int l = labels[v];
                double signal = l == 0 ? 20 : 900 + 40 * Math.Sin(t * 0.4 + phase[l]);
                d[v] = (float)Math.Round(signal + rng.NextDouble() * 30);
            }
            if (mover is not null)
            {
                double s = Math.Sin(Math.PI * t / distinctVolumes), deg = Math.PI / 180;
                double[] p = [s + 0.05 * (rng.NextDouble() - 0.5), -0.6 * s, 0.4 * s, 0.5 * s * deg, -s * deg, 0.3 * s * deg];
                mover.Reslice(d, p, moved!);
                for (int v = 0; v < d.Length; v++) d[v] = float.IsNaN(moved![v]) ? 0 : MathF.Round(moved[v]);
            }
            VolumeBytes[t] = NiftiWriter.EncodeVolume(new Volume(Nx, Ny, Nz, d, affine, t, RepetitionTime * t), options);
            VolumeFiles[t] = Path.Combine(Directory, $"vol{t:D5}.nii" + (compress ? ".gz" : ""));
            File.WriteAllBytes(VolumeFiles[t], VolumeBytes[t]);
        }

        Settings = new FeatureSettings
        {
            Kind = FeatureKind.Dfc,
            Window = new SlidingWindowOptions { Window = 13, FisherZ = true },
            Preprocessing = new PreprocessingOptions(DetrendOrder: 1, ZScore: true),
            Realign = realign,
        };
        int features = Rois * (Rois - 1) / 2;
        var w = new double[TargetNames.Length * features];
        for (int i = 0; i < w.Length; i++) w[i] = (rng.NextDouble() - 0.5) * 1e-3;
        var mean = new double[features];
        var sd = new double[features];
        for (int j = 0; j < features; j++) { mean[j] = rng.NextDouble() * 0.2; sd[j] = 0.3 + rng.NextDouble() * 0.2; }
        if (svr)
        {
            var rows = new float[(long)SvrRows * features];
            for (long i = 0; i < rows.LongLength; i++) rows[i] = (float)(rng.NextDouble() * 2 - 1);
            var dual = new double[TargetNames.Length * SvrRows];
            for (int i = 0; i < dual.Length; i++) dual[i] = rng.Next(6) == 0 ? 0 : rng.NextDouble() - 0.5;   // ~100 of 120 are SVs
            Model = new DecodingModel(EstimatorKind.Svr, null, new StandardScaler(mean, sd),
                new KernelExpansionRegressor(TargetNames, features, new KernelFunction(KernelKind.Rbf, 1.0 / features), rows, dual, new double[TargetNames.Length]));
        }
        else
        {
            Model = new DecodingModel(EstimatorKind.Ridge, null, new StandardScaler(mean, sd),
                new LinearRegressor(TargetNames, features, w, new double[TargetNames.Length]));
        }
        Package = new ModelPackage(Model, new FeatureSpec(Settings, Rois, Atlas.Sha256));
    }

    /// <summary>Training rows of the SVR model (the union of its targets' support vectors).</summary>
    public const int SvrRows = 120;

    /// <summary>The scale.</summary>
    public PipelineScale Scale { get; }

    /// <summary>Repetition time (s): 2 s, or 0.72 s at multiband scale.</summary>
    public double RepetitionTime { get; }

    /// <summary>Grid size along x.</summary>
    public int Nx { get; }

    /// <summary>Grid size along y.</summary>
    public int Ny { get; }

    /// <summary>Grid size along z.</summary>
    public int Nz { get; }

    /// <summary>Atlas labels.</summary>
    public int Rois { get; }

    /// <summary>DFC edges: R(R−1)/2.</summary>
    public int Edges => Rois * (Rois - 1) / 2;

    /// <summary>Temporary folder of the files (deleted by <see cref="Dispose"/>).</summary>
    public string Directory { get; }

    /// <summary>The loaded atlas.</summary>
    public Atlas Atlas { get; }

    /// <summary>Encoded single-volume NIfTI files.</summary>
    public byte[][] VolumeBytes { get; }

    /// <summary>The same files on disk.</summary>
    public string[] VolumeFiles { get; }

    /// <summary>DFC, W = 13, rectangular, Fisher z, linear detrend + running z-score.</summary>
    public FeatureSettings Settings { get; }

    /// <summary>Ridge (or rbf SVR) over the DFC edges, 8 targets.</summary>
    public DecodingModel Model { get; }

    /// <summary>The model as a package, as the session runner receives it.</summary>
    public ModelPackage Package { get; }

    /// <summary>
    /// Fresh stages for one run: the session runner's own (<see cref="SessionRunner.Stages"/>: feature
    /// extractor, cloned model; volumes read from their files), optionally with another reader.
    /// </summary>
    public PipelineStages CreateStages(Func<VolumeArrival, Volume>? read = null)
    {
        var stages = SessionRunner.Stages(Atlas, Settings, Package, "nifti");
        return read is null ? stages : stages with { Read = read };
    }

    /// <summary>Voronoi parcels of random seeds inside an ellipsoid filling the grid; labels 1..R.</summary>
    private int[] Parcellate(Random rng)
    {
        double cx = (Nx - 1) / 2.0, cy = (Ny - 1) / 2.0, cz = (Nz - 1) / 2.0;
        double ax = Nx * 0.44, ay = Ny * 0.47, az = Nz * 0.45;
        bool Inside(int x, int y, int z) => Sq((x - cx) / ax) + Sq((y - cy) / ay) + Sq((z - cz) / az) <= 1;
        var seeds = new List<(int X, int Y, int Z)>();
        var used = new HashSet<(int, int, int)>();
        while (seeds.Count < Rois)
        {
            var s = (rng.Next(Nx), rng.Next(Ny), rng.Next(Nz));
            if (Inside(s.Item1, s.Item2, s.Item3) && used.Add(s)) seeds.Add(s);
        }
        var labels = new int[Nx * Ny * Nz];
        for (int z = 0; z < Nz; z++)
            for (int y = 0; y < Ny; y++)
                for (int x = 0; x < Nx; x++)
                {
                    if (!Inside(x, y, z)) continue;
                    int best = 0, bestD = int.MaxValue;
                    for (int s = 0; s < seeds.Count; s++)
                    {
                        int d = (x - seeds[s].X) * (x - seeds[s].X) + (y - seeds[s].Y) * (y - seeds[s].Y) + (z - seeds[s].Z) * (z - seeds[s].Z);
                        if (d < bestD) { bestD = d; best = s; }
                    }
                    labels[(z * Ny + y) * Nx + x] = best + 1;
                }
        return labels;
    }

    private static double Sq(double v) => v * v;

    /// <inheritdoc />
    public void Dispose()
    {
        try { System.IO.Directory.Delete(Directory, recursive: true); }
        catch (IOException) { }
    }
}
