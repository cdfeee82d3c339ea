using System.Globalization;
using System.Security.Cryptography;
using RealtimeDecode.Imaging.Nifti;

namespace RealtimeDecode.Imaging;

/// <summary>
/// A parcellation: an integer label per voxel on a run's grid (0 is background), read from a 3D NIfTI
/// of any datatype whose scaled values are whole numbers in [0, 2^24], plus an optional labels TSV
/// (tab-separated, header row with <c>index</c> and <c>name</c>, optional <c>network</c>).
/// Without a TSV the labels are the distinct non-zero values in the volume, named by their number.
/// With a TSV, its rows define the labels (a row with index 0 is ignored as background); a volume value
/// that the TSV lacks is an error, a TSV label with no voxels stays (VoxelCount 0) so the ROI count
/// follows the TSV. Labels are ascending; ROI i of the ROI table is <see cref="LabelValues"/>[i].
/// </summary>
public sealed class Atlas
{
    /// <summary>Largest label value accepted (float32 holds every integer up to it).</summary>
    public const int MaxLabel = 1 << 24;

    /// <summary>Default tolerance (mm) for <see cref="EnsureMatches(int, int, int, Affine, string, double)"/>.</summary>
    public const double AffineToleranceMm = 1e-3;

    private readonly int[] _labelPerVoxel;
    private readonly int[] _roiIndexPerVoxel;
    private readonly int[] _values;
    private readonly AtlasLabel[] _labels;

    private Atlas(string path, string? labelsPath, NiftiHeader header, int[] labelPerVoxel, int[] values, AtlasLabel[] labels, string sha256)
    {
        Path = path;
        LabelsPath = labelsPath;
        Nx = header.Nx; Ny = header.Ny; Nz = header.Nz;
        Affine = header.Affine;
        _labelPerVoxel = labelPerVoxel;
        _values = values;
        _labels = labels;
        Sha256 = sha256;
        Names = Array.AsReadOnly(labels.Select(l => l.Name).ToArray());
        _roiIndexPerVoxel = new int[labelPerVoxel.Length];
        for (int i = 0; i < labelPerVoxel.Length; i++)
            _roiIndexPerVoxel[i] = labelPerVoxel[i] == 0 ? -1 : Array.BinarySearch(values, labelPerVoxel[i]);
    }

    /// <summary>The atlas NIfTI file.</summary>
    public string Path { get; }

    /// <summary>The labels TSV, if one was given.</summary>
    public string? LabelsPath { get; }

    /// <summary>Voxels along x.</summary>
    public int Nx { get; }
    /// <summary>Voxels along y.</summary>
    public int Ny { get; }
    /// <summary>Voxels along z.</summary>
    public int Nz { get; }

    /// <summary>Grid as "nx×ny×nz".</summary>
    public string Shape => $"{Nx}×{Ny}×{Nz}";

    /// <summary>Voxel-to-world affine of the atlas file.</summary>
    public Affine Affine { get; }

    /// <summary>Number of labels (ROIs), background excluded.</summary>
    public int LabelCount => _values.Length;

    /// <summary>Label values, ascending, without 0. Do not modify.</summary>
    public int[] LabelValues => _values;

    /// <summary>The labels, ascending by value.</summary>
    public IReadOnlyList<AtlasLabel> Labels => _labels;

    /// <summary>Names in label order.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>Networks in label order, or null when the TSV has no network column (or there is no TSV).</summary>
    public IReadOnlyList<string?>? Networks { get; private init; }

    /// <summary>Label of each voxel (x fastest), 0 for background. Do not modify.</summary>
    public int[] LabelPerVoxel => _labelPerVoxel;

    /// <summary>Position in <see cref="LabelValues"/> of each voxel's label, −1 for background. Do not modify.</summary>
    public int[] RoiIndexPerVoxel => _roiIndexPerVoxel;

    /// <summary>SHA-256 of the atlas NIfTI file's bytes as stored (lower-case hex), for model packages.</summary>
    public string Sha256 { get; }

    /// <summary>Position of <paramref name="labelValue"/> in <see cref="LabelValues"/>, or −1.</summary>
    public int IndexOf(int labelValue)
    {
        int i = Array.BinarySearch(_values, labelValue);
        return i >= 0 ? i : -1;
    }

    /// <summary>Reads an atlas volume and, optionally, its labels TSV.</summary>
    /// <exception cref="InputDataException">A bad NIfTI, a 4D file, a non-integer or negative label, or a bad TSV.</exception>
    public static Atlas Load(string niftiPath, string? labelsTsvPath = null)
    {
        using var reader = NiftiReader.Open(niftiPath);
        var h = reader.Header;
        if (h.VolumeCount != 1)
            throw new InputDataException(niftiPath, $"an atlas is one 3D volume, this file holds {h.VolumeCount} ({h.Shape})");
        var data = reader.ReadVolume(0).Data;
        var labels = new int[data.Length];
        var counts = new Dictionary<int, int>();
        for (int i = 0; i < data.Length; i++)
        {
            float v = data[i];
            if (!(v >= 0 && v <= MaxLabel) || v != MathF.Round(v))
            {
                int x = i % h.Nx, y = i / h.Nx % h.Ny, z = i / (h.Nx * h.Ny);
                string why = float.IsNaN(v) ? "NaN" : v < 0 ? "a negative label" : v > MaxLabel ? "a label above 16777216" : "not a whole number";
                throw new InputDataException(niftiPath,
                    $"voxel ({x}, {y}, {z}) holds {v.ToString("R", CultureInfo.InvariantCulture)}, {why}: an atlas needs integer labels ≥ 0");
            }
            int label = (int)v;
            labels[i] = label;
            if (label != 0) counts[label] = counts.GetValueOrDefault(label) + 1;
        }

        string sha;
        using (var fs = File.OpenRead(niftiPath)) sha = Convert.ToHexStringLower(SHA256.HashData(fs));

        if (labelsTsvPath is null)
        {
            var values = counts.Keys.Order().ToArray();
            var list = values.Select(v => new AtlasLabel(v, v.ToString(CultureInfo.InvariantCulture), null, counts[v])).ToArray();
            return new Atlas(niftiPath, null, h, labels, values, list, sha) { Networks = null };
        }

        var rows = AtlasLabelTable.Read(labelsTsvPath);
        foreach (var label in counts.Keys.Order())
            if (!rows.Rows.ContainsKey(label))
                throw new InputDataException(labelsTsvPath,
                    $"atlas {niftiPath} has label {label} ({counts[label]} voxels) that this labels table does not list");
        var keys = rows.Labels.ToArray();
        var labelList = keys.Select(k => new AtlasLabel(k, rows.Rows[k].Name, rows.Rows[k].Network, counts.GetValueOrDefault(k))).ToArray();
        return new Atlas(niftiPath, labelsTsvPath, h, labels, keys, labelList, sha)
        {
            Networks = rows.HasNetwork ? labelList.Select(l => l.Network).ToArray() : null,
        };
    }

    /// <summary>
    /// Refuses a run whose grid or affine differs from the atlas: dimensions must be equal and every
    /// affine element within <paramref name="toleranceMm"/> (default 1e-3 mm).
    /// </summary>
    /// <exception cref="InputDataException">Names both files, both shapes and both affines.</exception>
    public void EnsureMatches(int nx, int ny, int nz, Affine affine, string runName, double toleranceMm = AffineToleranceMm)
    {
        ArgumentNullException.ThrowIfNull(affine);
        string problem;
        if (nx != Nx || ny != Ny || nz != Nz)
            problem = "grid dimensions differ";
        else
        {
            double d = Affine.MaxAbsDifference(affine);
            if (d <= toleranceMm) return;
            problem = $"affines differ by up to {d.ToString("G4", CultureInfo.InvariantCulture)} mm (tolerance {toleranceMm.ToString(CultureInfo.InvariantCulture)} mm)";
        }
        throw new InputDataException(Path,
            $"atlas does not match run {runName}: {problem}; atlas {Shape} affine {Affine}, run {nx}×{ny}×{nz} affine {affine}");
    }

    /// <summary>Refuses <paramref name="volume"/> when its grid or affine differs from the atlas.</summary>
    public void EnsureMatches(Volume volume, string runName, double toleranceMm = AffineToleranceMm)
    {
        ArgumentNullException.ThrowIfNull(volume);
        EnsureMatches(volume.Nx, volume.Ny, volume.Nz, volume.Affine, runName, toleranceMm);
    }
}
