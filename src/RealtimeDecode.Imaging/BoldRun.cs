using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using RealtimeDecode.Imaging.Nifti;

namespace RealtimeDecode.Imaging;

/// <summary>How a <see cref="BoldRun"/> was found.</summary>
public enum BoldRunLayout
{
    /// <summary>One 4D NIfTI file.</summary>
    File4D,
    /// <summary>A folder of 3D NIfTI files, one volume each, ordered by the number in their names.</summary>
    Folder3D,
    /// <summary>A BIDS dataset or subject folder holding one <c>sub-*/[ses-*/]func/*_bold.nii[.gz]</c>.</summary>
    Bids,
}

/// <summary>Where a run's repetition time came from.</summary>
public enum RepetitionTimeSource
{
    /// <summary>Given by the caller.</summary>
    Explicit,
    /// <summary><c>RepetitionTime</c> of the BIDS sidecar JSON.</summary>
    SidecarJson,
    /// <summary>pixdim[4] of the NIfTI header.</summary>
    NiftiHeader,
    /// <summary>RepetitionTime (0018,0080) of the DICOM header.</summary>
    DicomHeader,
}

/// <summary>
/// A recorded fMRI run opened from a 4D NIfTI file, a folder of 3D NIfTI files (sorted by the last
/// number in each file name) or a BIDS folder. The TR (seconds) is, in order of preference: the one
/// passed in, the sidecar <c>_bold.json</c>'s <c>RepetitionTime</c> (next to the file, else
/// <c>task-&lt;label&gt;_bold.json</c> at the BIDS root), the NIfTI pixdim[4]. Volumes are read lazily
/// in order with Index = position in the run and OnsetSeconds = Index × TR.
/// </summary>
public sealed partial class BoldRun
{
    private BoldRun(string path, BoldRunLayout layout, string name, IReadOnlyList<string> files, NiftiHeader first,
        int volumeCount, RepetitionTimeChoice tr)
    {
        Path = path;
        Layout = layout;
        Name = name;
        Files = files;
        Nx = first.Nx; Ny = first.Ny; Nz = first.Nz;
        Affine = first.Affine;
        VolumeCount = volumeCount;
        RepetitionTime = tr;
        RepetitionTimeSeconds = tr.Seconds!.Value;
        RepetitionTimeSource = tr.Source;
    }

    /// <summary>The path that was opened.</summary>
    public string Path { get; }

    /// <summary>File, folder of 3D files, or BIDS.</summary>
    public BoldRunLayout Layout { get; }

    /// <summary>A short name for messages: the file name without extension, or the folder name.</summary>
    public string Name { get; }

    /// <summary>The NIfTI file(s) of the run, in volume order for a folder of 3D files.</summary>
    public IReadOnlyList<string> Files { get; }

    /// <summary>Voxels along x.</summary>
    public int Nx { get; }
    /// <summary>Voxels along y.</summary>
    public int Ny { get; }
    /// <summary>Voxels along z.</summary>
    public int Nz { get; }

    /// <summary>The voxel-to-world affine of the (first) file.</summary>
    public Affine Affine { get; }

    /// <summary>Number of volumes.</summary>
    public int VolumeCount { get; }

    /// <summary>Repetition time (s), &gt; 0.</summary>
    public double RepetitionTimeSeconds { get; }

    /// <summary>Where <see cref="RepetitionTimeSeconds"/> came from.</summary>
    public RepetitionTimeSource RepetitionTimeSource { get; }

    /// <summary>How the TR was chosen (<see cref="RepetitionTimes.Choose"/>): with what the run states, and its
    /// <see cref="RepetitionTimeChoice.Conflict"/> with a given TR.</summary>
    public RepetitionTimeChoice RepetitionTime { get; }

    /// <summary>Grid as "nx×ny×nz", for messages.</summary>
    public string Shape => $"{Nx}×{Ny}×{Nz}";

    /// <summary>
    /// Opens a run. <paramref name="repetitionTimeSeconds"/>, when given, overrides the files' TR.
    /// </summary>
    /// <exception cref="InputDataException">Nothing usable at the path, an ambiguous BIDS folder, files that disagree, or no TR.</exception>
    public static BoldRun Open(string path, double? repetitionTimeSeconds = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (repetitionTimeSeconds is { } given && !(given > 0 && double.IsFinite(given)))
            throw new ArgumentOutOfRangeException(nameof(repetitionTimeSeconds), "The TR must be a positive number of seconds.");
        if (File.Exists(path)) return OpenFile(path, path, BoldRunLayout.File4D, null, repetitionTimeSeconds);
        if (!Directory.Exists(path)) throw new InputDataException(path, "run not found (no such file or folder)");

        var direct = Directory.EnumerateFiles(path).Where(VolumeFormat.IsNifti).ToList();
        if (direct.Count > 0) return OpenFolder(path, direct, repetitionTimeSeconds);

        var runs = FindBidsRuns(path);
        if (runs.Count == 0)
            throw new InputDataException(path, "no NIfTI files and no BIDS bold runs (sub-*/func/*_bold.nii[.gz]) in this folder");
        if (runs.Count > 1)
            throw new InputDataException(path,
                $"{runs.Count} BIDS bold runs found ({string.Join(", ", runs.Take(3).Select(System.IO.Path.GetFileName))}{(runs.Count > 3 ? ", ..." : "")}); give the path of one _bold.nii.gz");
        return OpenFile(runs[0], path, BoldRunLayout.Bids, BidsRoot(path), repetitionTimeSeconds);
    }

    /// <summary>
    /// Whether a file at <paramref name="relative"/> (a path inside a folder given to <see cref="Open"/>, '/' or the
    /// system's separator between its parts) would be taken as part of the run: a NIfTI file directly in the folder
    /// (a volume), or a BIDS bold run under it (<c>[sub-*/][ses-*/]func/*_bold.nii[.gz]</c>, see <see cref="FindBidsRuns"/>).
    /// </summary>
    public static bool TakesFile(string relative)
    {
        ArgumentNullException.ThrowIfNull(relative);
        var parts = relative.Split('/', System.IO.Path.DirectorySeparatorChar);
        string name = parts[^1];
        if (!VolumeFormat.IsNifti(name)) return false;
        if (parts.Length == 1) return true;
        if (parts[^2] != "func" || !VolumeFormat.StripNiftiExtension(name).EndsWith("_bold", StringComparison.Ordinal)) return false;
        return parts.Length switch
        {
            2 => true,
            3 => parts[0].StartsWith("sub-", StringComparison.Ordinal) || parts[0].StartsWith("ses-", StringComparison.Ordinal),
            4 => parts[0].StartsWith("sub-", StringComparison.Ordinal) && parts[1].StartsWith("ses-", StringComparison.Ordinal),
            _ => false,
        };
    }

    /// <summary>
    /// The BIDS bold runs under <paramref name="folder"/> (a dataset root, a <c>sub-*</c> or a
    /// <c>ses-*</c> folder): <c>[sub-*/][ses-*/]func/*_bold.nii[.gz]</c>, sorted by path.
    /// </summary>
    public static IReadOnlyList<string> FindBidsRuns(string folder)
    {
        var found = new List<string>();
        void Func(string dir)
        {
            var func = System.IO.Path.Combine(dir, "func");
            if (Directory.Exists(func))
                found.AddRange(Directory.EnumerateFiles(func).Where(f =>
                    VolumeFormat.IsNifti(f) && VolumeFormat.StripNiftiExtension(f).EndsWith("_bold", StringComparison.Ordinal)));
        }
        void Subject(string dir)
        {
            Func(dir);
            foreach (var ses in Directory.EnumerateDirectories(dir, "ses-*")) Func(ses);
        }
        if (!Directory.Exists(folder)) return found;
        Subject(folder);
        foreach (var sub in Directory.EnumerateDirectories(folder, "sub-*")) Subject(sub);
        found.Sort(StringComparer.Ordinal);
        return found;
    }

    /// <summary>
    /// Reads the volumes in order. Each enumeration opens the file(s) again. A 3D file whose grid
    /// differs from the first volume's is an <see cref="InputDataException"/> naming it.
    /// </summary>
    public IEnumerable<Volume> ReadVolumes()
    {
        if (Layout == BoldRunLayout.Folder3D)
        {
            for (int t = 0; t < Files.Count; t++) yield return ReadFile(t);
            yield break;
        }
        using var reader = NiftiReader.Open(Files[0]);
        for (int t = 0; t < reader.VolumeCount; t++) yield return Stamp(reader.ReadVolume(t), t);
    }

    /// <summary>
    /// One reader per volume, for a replayer that reads volume t only when it is due: the same volumes,
    /// index, onset and grid check as <see cref="ReadVolumes"/>. A 4D file is read through one reader
    /// kept open between calls (cheap for .nii.gz when read in order) and closed after the last volume.
    /// With <paramref name="voxels"/>, each volume's voxels are rented from that pool, for the volume's last
    /// user to give back.
    /// </summary>
    public IReadOnlyList<Func<Volume>> VolumeReaders(VoxelBufferPool? voxels = null)
    {
        if (Layout == BoldRunLayout.Folder3D)
            return Enumerable.Range(0, Files.Count).Select(t => (Func<Volume>)(() => ReadFile(t, voxels))).ToArray();
        var gate = new object();
        NiftiReader? reader = null;
        return Enumerable.Range(0, VolumeCount).Select(t => (Func<Volume>)(() =>
        {
            lock (gate)
            {
                reader ??= NiftiReader.Open(Files[0]);
                var v = voxels is null ? reader.ReadVolume(t) : reader.ReadVolume(t, voxels);
                if (t == VolumeCount - 1) { reader.Dispose(); reader = null; }
                return Stamp(v, t);
            }
        })).ToArray();
    }

    // Volume t of a run of 3D files, checked against the first volume's grid.
    private Volume ReadFile(int t, VoxelBufferPool? voxels = null)
    {
        Volume v;
        using (var reader = NiftiReader.Open(Files[t]))
            v = voxels is null ? reader.ReadVolume(0) : reader.ReadVolume(0, voxels);
        CheckGrid(Files[t], v.Nx, v.Ny, v.Nz);
        return Stamp(v, t);
    }

    private Volume Stamp(Volume v, int t) => new(v.Nx, v.Ny, v.Nz, v.Data, v.Affine, t, t * RepetitionTimeSeconds);

    private void CheckGrid(string file, int nx, int ny, int nz)
    {
        if (nx != Nx || ny != Ny || nz != Nz)
            throw new InputDataException(file, $"grid {nx}×{ny}×{nz} differs from the run's first volume ({Shape}, {Files[0]})");
    }

    private static BoldRun OpenFile(string file, string opened, BoldRunLayout layout, string? bidsRoot, double? given)
    {
        var header = NiftiReader.ReadHeader(file);
        var tr = ChooseTr(file, header, bidsRoot, given);
        return new BoldRun(opened, layout, VolumeFormat.StripNiftiExtension(System.IO.Path.GetFileName(file)), [file], header, header.VolumeCount, tr);
    }

    private static BoldRun OpenFolder(string folder, List<string> files, double? given)
    {
        var keyed = new List<(long Key, string File)>();
        foreach (var f in files)
        {
            var stem = VolumeFormat.StripNiftiExtension(System.IO.Path.GetFileName(f));
            var m = LastNumber().Match(stem);
            if (!m.Success)
                throw new InputDataException(f, "cannot order the folder's volumes: this file name has no volume number");
            keyed.Add((long.Parse(m.Value, CultureInfo.InvariantCulture), f));
        }
        keyed.Sort((a, b) => a.Key.CompareTo(b.Key));
        for (int i = 1; i < keyed.Count; i++)
            if (keyed[i].Key == keyed[i - 1].Key)
                throw new InputDataException(folder,
                    $"two volumes have number {keyed[i].Key}: {System.IO.Path.GetFileName(keyed[i - 1].File)} and {System.IO.Path.GetFileName(keyed[i].File)}");
        var ordered = keyed.Select(k => k.File).ToList();

        NiftiHeader? first = null;
        foreach (var f in ordered)
        {
            var h = NiftiReader.ReadHeader(f);
            if (h.VolumeCount != 1)
                throw new InputDataException(f, $"a folder run needs 3D volumes, this file holds {h.VolumeCount} ({h.Shape})");
            first ??= h;
            if (h.Nx != first.Nx || h.Ny != first.Ny || h.Nz != first.Nz)
                throw new InputDataException(f, $"grid {h.Nx}×{h.Ny}×{h.Nz} differs from the run's first volume ({first.Shape}, {ordered[0]})");
        }
        var tr = ChooseTr(ordered[0], first!, null, given);
        var name = System.IO.Path.GetFileName(System.IO.Path.TrimEndingDirectorySeparator(System.IO.Path.GetFullPath(folder)));
        return new BoldRun(folder, BoldRunLayout.Folder3D, name, ordered, first!, ordered.Count, tr);
    }

    /// <summary>
    /// The run's TR by <see cref="RepetitionTimes.Choose"/>: what the run states is the sidecar's RepetitionTime, else
    /// the header's pixdim[4]. With a given TR the run is still read for what it states, so a conflict can be said; a
    /// sidecar that cannot be read then does not stop the run, and an unlabelled pixdim[4] of a 3D file (tools fill it
    /// with 1) is not taken as a statement. Without one, such a pixdim[4] is the last resort it always was.
    /// </summary>
    private static RepetitionTimeChoice ChooseTr(string file, NiftiHeader header, string? bidsRoot, double? given)
    {
        foreach (var json in SidecarCandidates(file, bidsRoot))
        {
            if (!File.Exists(json)) continue;
            double? tr;
            try { tr = ReadRepetitionTime(json); }
            catch (InputDataException) when (given is not null) { continue; }
            if (tr is { } t) return RepetitionTimes.Choose(given, t, RepetitionTimeSource.SidecarJson, json);
        }
        double h = given is null ? header.RepetitionTimeSeconds : header.StatedRepetitionTimeSeconds;
        var choice = RepetitionTimes.Choose(given, h, RepetitionTimeSource.NiftiHeader, file);
        return choice.Seconds is not null ? choice
            : throw new InputDataException(file, "no repetition time: pixdim[4] is not a positive time and no _bold.json gives RepetitionTime; pass the TR explicitly");
    }

    private static IEnumerable<string> SidecarCandidates(string file, string? bidsRoot)
    {
        var dir = System.IO.Path.GetDirectoryName(file) ?? ".";
        var stem = VolumeFormat.StripNiftiExtension(System.IO.Path.GetFileName(file));
        yield return System.IO.Path.Combine(dir, stem + ".json");
        var task = TaskEntity().Match(stem);
        if (task.Success)
        {
            var root = bidsRoot ?? BidsRoot(file);
            if (root is not null) yield return System.IO.Path.Combine(root, $"task-{task.Groups[1].Value}_bold.json");
        }
    }

    /// <summary>The dataset root above a sub-* folder, when <paramref name="path"/> lies in one.</summary>
    private static string? BidsRoot(string path)
    {
        var dir = new DirectoryInfo(System.IO.Path.GetFullPath(path));
        if (File.Exists(path)) dir = dir.Parent;
        for (var d = dir; d is not null; d = d.Parent)
            if (d.Name.StartsWith("sub-", StringComparison.Ordinal)) return d.Parent?.FullName;
        return Directory.Exists(path) ? System.IO.Path.GetFullPath(path) : null;
    }

    private static double? ReadRepetitionTime(string json)
    {
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(json));
            if (doc.RootElement.ValueKind != JsonValueKind.Object
                || !doc.RootElement.TryGetProperty("RepetitionTime", out var rt)) return null;
            if (rt.ValueKind != JsonValueKind.Number || !rt.TryGetDouble(out var v) || !(v > 0))
                throw new InputDataException(json, $"RepetitionTime must be a positive number of seconds, got {rt.GetRawText()}");
            return v;
        }
        catch (JsonException ex)
        {
            throw new InputDataException(json, $"invalid JSON: {ex.Message.ReplaceLineEndings(" ")}", ex);
        }
    }

    [GeneratedRegex(@"\d+(?!.*\d)")]
    private static partial Regex LastNumber();

    [GeneratedRegex(@"(?:^|_)task-([A-Za-z0-9]+)")]
    private static partial Regex TaskEntity();
}
