using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using RealtimeDecode.Engine.Motion;
using RealtimeDecode.Engine.Tables;
using RealtimeDecode.Imaging;
using RealtimeDecode.Imaging.Nifti;
using RealtimeDecode.Training.Annotation;
using RealtimeDecode.Training.Targets;

namespace RealtimeDecode.Training.Synthesis;

/// <summary>Options of a synthetic session (<c>realtime-decode synth</c>).</summary>
public sealed record SynthOptions
{
    public int Nx { get; init; } = 32;
    public int Ny { get; init; } = 38;
    public int Nz { get; init; } = 28;

    /// <summary>Voxel size (mm, isotropic).</summary>
    public double VoxelSize { get; init; } = 3.5;

    public int Parcels { get; init; } = 100;
    public int Runs { get; init; } = 2;

    /// <summary>Volumes per run; the story lasts Volumes × TR seconds.</summary>
    public int Volumes { get; init; } = 372;

    public double Tr { get; init; } = 2.0;
    public int Seed { get; init; } = 1;
    public string Subject { get; init; } = "01";
    public string Task { get; init; } = "alice";
    public BrainModelOptions Brain { get; init; } = new();

    /// <summary>Head motion applied to every volume (<see cref="MotionLevel.None"/>: still, the volumes are unchanged).</summary>
    public MotionLevel Motion { get; init; } = MotionLevel.None;

    /// <summary>An emotion the motion covaries with (jerks and jitter follow its drive), or null.</summary>
    public string? MotionCovaries { get; init; }

    /// <summary>
    /// Most voxels a synthetic grid may have: 2^24 (16,777,216, e.g. 256×256×256). The brain model
    /// keeps several per-voxel arrays, so larger grids would not fit in memory.
    /// </summary>
    public const long MaxVoxels = 1L << 24;

    /// <summary>Voxels of the grid's brain mask, each parcel's at least one: the most parcels the grid holds.</summary>
    public long BrainVoxelCount() => SyntheticAtlas.BrainVoxelCount(Nx, Ny, Nz);

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first option out of range.</summary>
    public void Validate()
    {
        if (Nx < 4 || Ny < 4 || Nz < 4) throw new ArgumentOutOfRangeException(nameof(Nx), $"The grid must be at least 4×4×4, got {Nx}×{Ny}×{Nz}.");
        long voxels = (long)Nx * Ny * Nz;
        if (voxels > MaxVoxels)
            throw new ArgumentOutOfRangeException(nameof(Nx), $"The grid must have at most {MaxVoxels.ToString(CultureInfo.InvariantCulture)} voxels (e.g. 256×256×256), got {Nx}×{Ny}×{Nz} = {voxels.ToString(CultureInfo.InvariantCulture)}.");
        if (Parcels < SyntheticAtlas.Yeo7.Length) throw new ArgumentOutOfRangeException(nameof(Parcels), $"At least {SyntheticAtlas.Yeo7.Length} parcels (one per network), got {Parcels}.");
        long brain = BrainVoxelCount();
        if (brain < Parcels)
            throw new ArgumentOutOfRangeException(nameof(Parcels), $"A {Nx}×{Ny}×{Nz} grid has {brain} brain voxels, fewer than {Parcels} parcels.");
        if (Runs < 1) throw new ArgumentOutOfRangeException(nameof(Runs), $"At least one run, got {Runs}.");
        if (Volumes < 20) throw new ArgumentOutOfRangeException(nameof(Volumes), $"At least 20 volumes per run, got {Volumes}.");
        if (!(Tr > 0)) throw new ArgumentOutOfRangeException(nameof(Tr), $"TR must be positive, got {Tr}.");
        if (!(Brain.Coupling is > 0 and <= 1)) throw new ArgumentOutOfRangeException(nameof(Brain), $"Coupling must be in (0, 1], got {Brain.Coupling}.");
        if (MotionCovaries is not null && Motion == MotionLevel.None)
            throw new ArgumentOutOfRangeException(nameof(MotionCovaries), $"Motion covarying with '{MotionCovaries}' needs a motion level of low or high.");
        if (MotionCovaries is not null && !EmotionStoryGenerator.Plutchik8.Contains(MotionCovaries))
            throw new ArgumentOutOfRangeException(nameof(MotionCovaries), $"Motion can covary with one of {string.Join(", ", EmotionStoryGenerator.Plutchik8)}, got '{MotionCovaries}'.");
    }
}

/// <summary>Paths of a written synthetic session.</summary>
public sealed record SynthResult(string Root, string Atlas, string Labels, string Annotations, IReadOnlyList<string> Runs, IReadOnlyList<string> Truth)
{
    /// <summary>Files of an earlier session in the folder that this one does not write, removed once it was in place.</summary>
    public IReadOnlyList<string> Removed { get; init; } = [];
}

/// <summary>
/// Writes a synthetic session in BIDS layout with known ground truth: an atlas (label NIfTI and
/// labels TSV), a story annotation with LLM-like Plutchik ratings (<see cref="EmotionStoryGenerator"/>),
/// runs of int16 BOLD generated from it by <see cref="SyntheticBrainModel"/>, and per run the
/// ground-truth targets: the annotation on the TR grid convolved with SPM's canonical HRF, exactly
/// what <c>realtime-decode targets --hrf spm</c> makes of the annotation. Every run presents the same
/// story with its own noise and latent sources. The same options give the same bytes.
/// With <see cref="SynthOptions.Motion"/> above none, each generated volume (brain and noise alike) is
/// moved along a <see cref="MotionTrajectory"/> by <see cref="CubicBSplineResampler"/>, and the true
/// parameters of each run are written beside it (<see cref="WriteMotionTruth"/>); a still session's
/// files, synth.json included, are the same bytes as without the option.
/// The session's files replace a previous session's all together, once every one was written
/// (<see cref="AtomicFileSet"/>): a full disk leaves the previous session as it was. Then the files of that
/// earlier session which this one does not write (<see cref="EarlierFiles"/>: another parcel count's atlas, runs
/// beyond this one's, true motion of a moved session) are removed, so the folder holds one session, the one its
/// synth.json describes; other files in the folder stay.
/// </summary>
public static class SyntheticSession
{
    public static SynthResult Write(string root, SynthOptions o, IProgress<double>? progress = null)
    {
        o.Validate();
        var writes = Files(root, o).ToHashSet(StringComparer.Ordinal);
        var stale = EarlierFiles(root).Where(f => !writes.Contains(f)).ToList();
        using var files = new AtomicFileSet("session");
        var rng = new SeededRandom(o.Seed);
        int atlasSeed = rng.Next(0, int.MaxValue), storySeed = rng.Next(0, int.MaxValue), modelSeed = rng.Next(0, int.MaxValue);

        var atlas = SyntheticAtlas.Create(o.Nx, o.Ny, o.Nz, o.Parcels, atlasSeed);
        double half = o.VoxelSize;
        var affine = Affine.Diagonal(o.VoxelSize, o.VoxelSize, o.VoxelSize,
            -(o.Nx - 1) * half / 2, -(o.Ny - 1) * half / 2, -(o.Nz - 1) * half / 2);
        string atlasPath = AtlasStem(root, o) + "_dseg.nii.gz";
        string labelsPath = AtlasStem(root, o) + "_dseg.tsv";
        var labelVolume = new Volume(o.Nx, o.Ny, o.Nz, atlas.Labels.Select(l => (float)l).ToArray(), affine);
        files.WriteVia(atlasPath, tmp => NiftiWriter.Write(tmp, [labelVolume], new NiftiWriteOptions { DataType = NiftiDataType.Int16, CompressionLevel = System.IO.Compression.CompressionLevel.Optimal }));
        files.WriteText(labelsPath, w =>
        {
            w.Write("index\tname\tnetwork\n");
            for (int p = 0; p < atlas.ParcelCount; p++) w.Write($"{p + 1}\t{atlas.Names[p]}\t{atlas.Networks[p]}\n");
        });

        // The story and its annotation.
        var segments = new EmotionStoryGenerator(o.Tr).Generate(o.Volumes * o.Tr, storySeed);
        var emotions = EmotionStoryGenerator.Plutchik8;
        string annotationsPath = AnnotationsPath(root, o);
        var values = segments.SelectMany(s => s.Ratings).ToArray();
        var annotations = new AnnotationTable(
            segments.Select((s, i) => new TranscriptSegment(i, s.Onset, s.Offset, s.Text)).ToArray(), emotions, values);
        files.WriteText(annotationsPath, annotations.Write);

        var truth = TargetBuilder.Build(annotations, new TargetOptions { Tr = o.Tr, Volumes = o.Volumes, Hrf = HrfModel.Spm }, annotationsPath).Table;
        var drive = Drive(truth);
        var model = new SyntheticBrainModel(atlas, emotions.Length, o.Brain, modelSeed);

        string func = FuncFolder(root, o);
        var runs = new List<string>();
        var truths = new List<string>();
        for (int r = 1; r <= o.Runs; r++)
        {
            string stem = RunStem(o, r);
            string bold = Path.Combine(func, stem + "_bold.nii.gz");
            var signals = model.ParcelSignals(drive, seed: o.Seed * 7919 + r);
            double[]? motion = null;
            CubicBSplineResampler? resampler = null;
            float[] still = [];
            if (o.Motion != MotionLevel.None)
            {
                int e = o.MotionCovaries is null ? -1 : Array.IndexOf(emotions, o.MotionCovaries);
                var covariate = e < 0 ? null : Enumerable.Range(0, o.Volumes).Select(v => drive[v, e]).ToArray();
                motion = MotionTrajectory.Generate(o.Motion, o.Volumes, o.Seed * 15485863 + r, covariate);
                resampler = new CubicBSplineResampler(o.Nx, o.Ny, o.Nz, affine);
                still = new float[atlas.Labels.Length];
            }

            var matrix = new double[16];
            files.WriteVia(bold, tmp =>
            {
                using var writer = NiftiWriter.Create(tmp, o.Nx, o.Ny, o.Nz, o.Volumes, affine,
                    new NiftiWriteOptions { DataType = NiftiDataType.Int16, RepetitionTimeSeconds = o.Tr, XFormCode = 1 });
                var buffer = new float[atlas.Labels.Length];
                int k = 0;
                foreach (var vol in model.Volumes(signals, seed: o.Seed * 104729 + r))
                {
                    if (resampler is null)
                    {
                        for (int i = 0; i < buffer.Length; i++) buffer[i] = vol[i];
                    }
                    else
                    {
                        for (int i = 0; i < still.Length; i++) still[i] = vol[i];
                        RigidTransform.ToMatrix(motion!.AsSpan(k * RigidTransform.ParameterCount, RigidTransform.ParameterCount), matrix);
                        resampler.Move(still, matrix, buffer);
                    }

                    writer.WriteVolume(buffer);
                    k++;
                    progress?.Report(((r - 1) * o.Volumes + k) / (double)(o.Runs * o.Volumes));
                }
                writer.Complete();
            });
            files.WriteAllText(Path.Combine(func, stem + "_bold.json"), JsonSerializer.Serialize(new SortedDictionary<string, object>
            {
                ["RepetitionTime"] = o.Tr,
                ["TaskName"] = o.Task,
                ["Description"] = "Synthetic BOLD from realtime-decode synth: emotion-driven coupling of chosen networks; see the session's synth.json.",
            }, new JsonSerializerOptions { WriteIndented = true }) + "\n");
            string truthPath = Path.Combine(func, stem + "_desc-truth_targets.tsv");
            files.WriteText(truthPath, truth.Write);
            runs.Add(bold);
            truths.Add(truthPath);
            if (motion is not null) files.WriteText(Path.Combine(func, stem + "_desc-truth_motion.tsv"), w => WriteMotionTruth(w, motion));
        }

        files.WriteAllText(Path.Combine(root, "dataset_description.json"),
            "{\n  \"Name\": \"RealtimeDecode synthetic session\",\n  \"BIDSVersion\": \"1.8.0\",\n  \"DatasetType\": \"raw\",\n  \"GeneratedBy\": [{ \"Name\": \"realtime-decode synth\" }]\n}\n");
        files.WriteAllText(Path.Combine(root, "synth.json"), Description(o, atlas, model, emotions));
        files.Commit();
        foreach (var f in stale)
        {
            try { File.Delete(f); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new InputDataException(f, $"the new session is written, but this file of the earlier one, which it does not have, could not be removed ({e.Message.TrimEnd('.')})");
            }
        }
        return new SynthResult(root, atlasPath, labelsPath, annotationsPath, runs, truths) { Removed = stale };
    }

    /// <summary>
    /// The files an earlier session wrote into <paramref name="root"/> and that are still there, as its synth.json
    /// says: the atlas and labels of its parcel count, the annotation, each run's BOLD, sidecar, true targets (and
    /// true motion when moved), dataset_description.json and synth.json itself. None when <paramref name="root"/>
    /// holds no synth.json; one that does not read is an <see cref="InputDataException"/>.
    /// </summary>
    public static IReadOnlyList<string> EarlierFiles(string root)
    {
        string json = Path.Combine(root, "synth.json");
        if (!File.Exists(json)) return [];
        var o = ReadOptions(json);
        var found = new List<string> { AtlasStem(root, o) + "_dseg.nii.gz", AtlasStem(root, o) + "_dseg.tsv", AnnotationsPath(root, o), Path.Combine(root, "dataset_description.json"), json };
        found.RemoveAll(f => !File.Exists(f));
        // Run files are found by name, not by counting to the run count the file states (which nothing bounds).
        string func = FuncFolder(root, o);
        if (Directory.Exists(func))
            found.AddRange(Directory.EnumerateFiles(func).Where(f => RunOf(Path.GetFileName(f), o) is { } r && r <= o.Runs).Order(StringComparer.Ordinal));
        return found;
    }

    /// <summary>Every file a session with options <paramref name="o"/> writes into <paramref name="root"/>.</summary>
    private static IEnumerable<string> Files(string root, SynthOptions o)
    {
        yield return AtlasStem(root, o) + "_dseg.nii.gz";
        yield return AtlasStem(root, o) + "_dseg.tsv";
        yield return AnnotationsPath(root, o);
        for (int r = 1; r <= o.Runs; r++)
            foreach (var suffix in RunSuffixes(o)) yield return Path.Combine(FuncFolder(root, o), RunStem(o, r) + suffix);
        yield return Path.Combine(root, "dataset_description.json");
        yield return Path.Combine(root, "synth.json");
    }

    private static string AtlasStem(string root, SynthOptions o) => Path.Combine(root, "atlas", $"atlas-Synth{o.Parcels}Parcels7Networks");

    private static string AnnotationsPath(string root, SynthOptions o) => Path.Combine(root, "stimuli", $"task-{o.Task}_annotations.tsv");

    private static string FuncFolder(string root, SynthOptions o) => Path.Combine(root, $"sub-{o.Subject}", "func");

    private static string RunStem(SynthOptions o, int run) => $"sub-{o.Subject}_task-{o.Task}_run-{run}";

    private static string[] RunSuffixes(SynthOptions o) => o.Motion == MotionLevel.None
        ? ["_bold.nii.gz", "_bold.json", "_desc-truth_targets.tsv"]
        : ["_bold.nii.gz", "_bold.json", "_desc-truth_targets.tsv", "_desc-truth_motion.tsv"];

    /// <summary>The run number of a run file of a session with options <paramref name="o"/> (its stem, then one of its suffixes), or null.</summary>
    private static int? RunOf(string name, SynthOptions o)
    {
        string prefix = RunStem(o, 0)[..^1];
        if (!name.StartsWith(prefix, StringComparison.Ordinal)) return null;
        int end = prefix.Length;
        while (end < name.Length && char.IsAsciiDigit(name[end])) end++;
        if (end == prefix.Length || end - prefix.Length > 9 || name[prefix.Length] == '0' || !RunSuffixes(o).Contains(name[end..])) return null;
        return int.Parse(name.AsSpan(prefix.Length, end - prefix.Length), CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Coupling drive per volume and emotion in [0, 1]: the haemodynamic intensity h standardised over
    /// the story, 0.5 + (h − mean(h)) / (2·sd(h)), clipped, so that every emotion sweeps the coupling
    /// range whatever its own level and spread, spending about a third of the story near each end
    /// (an emotion rated 0.1–0.4 couples as strongly at its peaks as one rated 0.2–0.9). A constant
    /// emotion gives a constant drive of 0.5.
    /// </summary>
    public static double[,] Drive(NumericTable truth)
    {
        int t = truth.RowCount, e = truth.ColumnCount;
        var d = new double[t, e];
        for (int k = 0; k < e; k++)
        {
            double mean = 0, sq = 0;
            for (int v = 0; v < t; v++) mean += truth.Values[v * e + k];
            mean /= t;
            for (int v = 0; v < t; v++) { double x = truth.Values[v * e + k] - mean; sq += x * x; }
            double sd = Math.Sqrt(sq / t);
            for (int v = 0; v < t; v++)
                d[v, k] = sd > 1e-12 ? Math.Clamp(0.5 + (truth.Values[v * e + k] - mean) / (2 * sd), 0, 1) : 0.5;
        }
        return d;
    }

    /// <summary>The options a session was written with, read back from its synth.json.</summary>
    public static SynthOptions ReadOptions(string synthJson)
    {
        JsonNode root;
        try { root = JsonNode.Parse(File.ReadAllText(synthJson)) ?? throw new JsonException("empty"); }
        catch (Exception e) when (e is JsonException or IOException) { throw new InputDataException(synthJson, $"not a synth.json: {e.Message}"); }
        try
        {
            var grid = root["grid"]!.AsArray();
            return new SynthOptions
            {
                Nx = grid[0]!.GetValue<int>(), Ny = grid[1]!.GetValue<int>(), Nz = grid[2]!.GetValue<int>(),
                VoxelSize = root["voxel_size_mm"]!.GetValue<double>(),
                Parcels = root["parcels"]!.GetValue<int>(),
                Runs = root["runs"]!.GetValue<int>(),
                Volumes = root["volumes"]!.GetValue<int>(),
                Tr = root["tr_s"]!.GetValue<double>(),
                Seed = root["seed"]!.GetValue<int>(),
                Subject = root["subject"]?.GetValue<string>() ?? "01",
                Task = root["task"]?.GetValue<string>() ?? "alice",
                Brain = root["brain_model"].Deserialize<BrainModelOptions>() ?? new BrainModelOptions(),
                Motion = root["motion"] is not { } m ? MotionLevel.None
                    : MotionTrajectory.TryParse(m.GetValue<string>(), out var level) ? level
                    : throw new FormatException($"motion must be none, low or high, got '{m.GetValue<string>()}'"),
                MotionCovaries = root["motion_covaries"]?.GetValue<string>(),
            };
        }
        catch (Exception e) when (e is NullReferenceException or InvalidOperationException or FormatException or JsonException)
        {
            throw new InputDataException(synthJson, $"missing or malformed field: {e.Message}");
        }
    }

    private static string Description(SynthOptions o, SyntheticAtlas atlas, SyntheticBrainModel model, string[] emotions)
    {
        var json = new JsonObject
        {
            ["generator"] = "realtime-decode synth",
            ["format_version"] = 1,
            ["seed"] = o.Seed,
            ["grid"] = new JsonArray(o.Nx, o.Ny, o.Nz),
            ["voxel_size_mm"] = o.VoxelSize,
            ["parcels"] = o.Parcels,
            ["runs"] = o.Runs,
            ["volumes"] = o.Volumes,
            ["tr_s"] = o.Tr,
            ["subject"] = o.Subject,
            ["task"] = o.Task,
            ["brain_model"] = JsonSerializer.SerializeToNode(o.Brain),
            ["emotions"] = new JsonArray(emotions.Select((name, e) => (JsonNode)new JsonObject
            {
                ["name"] = name,
                ["networks"] = new JsonArray(SyntheticAtlas.Yeo7[model.EmotionNetworks[e].A], SyntheticAtlas.Yeo7[model.EmotionNetworks[e].B]),
                ["carrier_rois"] = new JsonArray(model.Carriers[e].Select(p => (JsonNode)p).ToArray()),
                ["carrier_names"] = new JsonArray(model.Carriers[e].Select(p => (JsonNode)atlas.Names[p]).ToArray()),
                ["network_pairs"] = new JsonArray(CarrierBlocks(model.Carriers[e], atlas.NetworkOf)
                    .Select(b => (JsonNode)new JsonObject
                    {
                        ["networks"] = new JsonArray(SyntheticAtlas.Yeo7[b.A], SyntheticAtlas.Yeo7[b.B]),
                        ["carrier_edges"] = b.Edges,
                    }).ToArray()),
            }).ToArray()),
        };
        if (o.Motion != MotionLevel.None)
        {
            // Only moved sessions name their motion, so a still session keeps its bytes.
            json["motion"] = o.Motion.ToString().ToLowerInvariant();
            if (o.MotionCovaries is not null) json["motion_covaries"] = o.MotionCovaries;
        }

        return json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";
    }

    /// <summary>
    /// Writes the true motion of a run in fMRIPrep's confounds layout: a header
    /// <c>trans_x trans_y trans_z rot_x rot_y rot_z framewise_displacement</c>, one row per volume,
    /// mm and radians in the <see cref="RigidTransform"/> convention, round-trip decimals; FD after
    /// Power et al. (2012), 0 for the first volume.
    /// </summary>
    private static void WriteMotionTruth(TextWriter w, double[] parameters)
    {
        const int p = RigidTransform.ParameterCount;
        var fd = new double[parameters.Length / p];
        FramewiseDisplacement.Compute(parameters, fd);
        w.Write("trans_x\ttrans_y\ttrans_z\trot_x\trot_y\trot_z\tframewise_displacement\n");
        for (int v = 0; v < fd.Length; v++)
        {
            for (int k = 0; k < p; k++) w.Write(parameters[v * p + k].ToString("R", CultureInfo.InvariantCulture) + "\t");
            w.Write(fd[v].ToString("R", CultureInfo.InvariantCulture) + "\n");
        }
    }

    /// <summary>
    /// The network pairs (A ≤ B) that hold edges between two of an emotion's carriers, with how many:
    /// the connectivity blocks the emotion's source couples. Carriers at both ends of an emotion's
    /// network pair share one source, so with two or more carriers per end the within-network blocks
    /// carry it too. Ordered by edge count, most first, then by network.
    /// </summary>
    internal static IReadOnlyList<(int A, int B, int Edges)> CarrierBlocks(IReadOnlyList<int> carriers, IReadOnlyList<int> networkOf)
    {
        var distinct = carriers.Distinct().ToArray();
        var counts = new Dictionary<(int, int), int>();
        for (int i = 0; i < distinct.Length; i++)
            for (int j = i + 1; j < distinct.Length; j++)
            {
                int a = networkOf[distinct[i]], b = networkOf[distinct[j]];
                var key = (Math.Min(a, b), Math.Max(a, b));
                counts[key] = counts.GetValueOrDefault(key) + 1;
            }

        return counts.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key.Item1).ThenBy(kv => kv.Key.Item2)
            .Select(kv => (kv.Key.Item1, kv.Key.Item2, kv.Value)).ToArray();
    }
}
