using System.IO.Compression;
using System.Text.Json;
using System.Text.Json.Nodes;
using RealtimeDecode.Engine.Tables;
using RealtimeDecode.Imaging;

namespace RealtimeDecode.Engine.Decoding;

/// <summary>
/// A model package: a directory (or a .zip of one) holding model.json and the model's arrays as
/// NumPy .npy files (little endian, float32 or float64, C order).
/// </summary>
/// <remarks>
/// model.json (format "rtdecode-model", version 1):
/// <code>
/// {
///   "format": "rtdecode-model", "version": 1,
///   "targets": ["joy", ...],
///   "feature_count": 79800,
///   "features": {"kind": "dfc", "roi_count": 400, "window": 13, "taper": "rectangular",
///                "fisher_z": true, "atlas_sha256": "…", "preprocessing": {…}},
///   "scaler": null | {"mean": "scaler_mean.npy", "scale": "scaler_scale.npy"},
///   "estimator": {
///     "kind": "ridge|linear_regression|lasso|elastic_net|linear_svr|kernel_ridge|svr",
///     "hyperparameters": {…},
///     "kernel": {"kind": "rbf|linear|poly|laplacian", "gamma": 0.01, "coef0": 0, "degree": 3},   (kernel kinds)
///     "arrays": {"coef": "coef.npy", "intercept": "intercept.npy"}                              (linear kinds)
///            or {"rows": "rows.npy", "dual_coef": "dual_coef.npy", "intercept": "intercept.npy"} (kernel kinds)
///   },
///   "patterns": {"file": "patterns.npy", "rows": 744, "split_half_r": [0.8, …]},                (optional)
///   "estimate_lag": {"seconds": 12.2, "standard_error_s": 0.4, "ci95_s": [11.4, 13], "per_target": {…}}, (optional, <see cref="EstimateLag"/>)
///   "training": {…provenance…}, "cv_metrics": {…}
/// }
/// </code>
/// Shapes: scaler arrays (features); coef (targets, features); intercept (targets); rows
/// (n_rows, features), the training rows of kernel ridge or the union of the targets' support vectors;
/// dual_coef (targets, n_rows); patterns (targets, features), the Haufe activation patterns of a
/// linear model on its training data ("rows" samples), which explanations read. Prediction: y_t = Σ_i dual_coef[t,i]·k(x, rows_i) + intercept_t,
/// or y = coef·x + intercept, after (x − mean)/scale when a scaler is present.
/// </remarks>
public sealed class ModelPackage
{
    /// <summary>The format name in model.json.</summary>
    public const string FormatName = "rtdecode-model";

    /// <summary>The newest format version this code reads and the one it writes.</summary>
    public const int CurrentVersion = 1;

    /// <summary>Largest |value| accepted in a model array (coefficients, intercepts, scaler, kernel rows, patterns).</summary>
    /// <remarks>
    /// With standardized inputs bounded by 1e6 in magnitude and at most 10⁸ features, a linear
    /// prediction is bounded by 1e150·1e6·1e8 + 1e150 ≈ 1e164, far from the float64 overflow at 1.8e308;
    /// a package with larger values is refused rather than left to publish infinity.
    /// </remarks>
    public const double MaxArrayMagnitude = 1e150;

    /// <summary>Bound on |standardized input| ((x − mean)/scale, or x without a scaler) under which a linear package must predict finite values.</summary>
    public const double MaxStandardizedInput = 1e6;

    /// <summary>
    /// Largest |prediction| a linear package may reach for standardized inputs within ±<see cref="MaxStandardizedInput"/>:
    /// Σ_j |coef[t, j]|·1e6 + |intercept[t]| ≤ 1e300 for every target t, so such inputs never overflow.
    /// </summary>
    public const double MaxPrediction = 1e300;

    /// <summary>Smallest |value| accepted in a scaler scale: a smaller divisor (e.g. a subnormal) turns ordinary inputs into infinity.</summary>
    public const double MinScalerScale = 1e-150;

    /// <summary>Largest number of ROIs a feature spec may name.</summary>
    public const int MaxRoiCount = 10_000;

    /// <summary>Largest sliding window (volumes) a feature spec may name.</summary>
    public const int MaxWindow = 10_000;

    /// <summary>Largest number of targets in a package.</summary>
    public const int MaxTargets = 1_000;

    /// <summary>Most entries a zipped package may hold (checked before anything is unpacked).</summary>
    public const int MaxZipEntries = 1_000;

    /// <summary>Largest total uncompressed size (bytes) of a zipped package, from its zip directory, checked before anything is unpacked.</summary>
    public const long MaxZipBytes = 2L << 30;

    /// <summary>Longest target name (characters).</summary>
    public const int MaxTargetNameLength = 64;

    /// <summary>Creates a package from a model and its feature spec.</summary>
    public ModelPackage(DecodingModel model, FeatureSpec features, JsonObject? training = null, JsonObject? cvMetrics = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(features);
        if (features.FeatureCount != model.FeatureCount)
        {
            throw new ArgumentException($"the feature spec gives {features.FeatureCount} features but the model has {model.FeatureCount}", nameof(features));
        }

        Model = model;
        Features = features;
        Training = training ?? [];
        CvMetrics = cvMetrics ?? [];
    }

    /// <summary>The fitted model (scaler + estimator).</summary>
    public DecodingModel Model { get; }

    /// <summary>The feature spec the model was trained with.</summary>
    public FeatureSpec Features { get; }

    /// <summary>Training provenance (data, CV scheme, software versions, time).</summary>
    public JsonObject Training { get; }

    /// <summary>Cross-validation metrics.</summary>
    public JsonObject CvMetrics { get; }

    /// <summary>Target names.</summary>
    public IReadOnlyList<string> Targets => Model.Targets;

    /// <summary>
    /// Haufe activation patterns of the model on its training data, row-major [targets × features],
    /// or null (kernel models, packages exported from elsewhere). Not used for prediction.
    /// </summary>
    /// <exception cref="ArgumentException">The length is not targets × features, or a value is not finite.</exception>
    public double[]? Patterns
    {
        get;
        init
        {
            if (value is not null && value.LongLength != (long)Model.TargetCount * Model.FeatureCount)
                throw new ArgumentException($"patterns have {value.LongLength} values, expected {Model.TargetCount} × {Model.FeatureCount}", nameof(Patterns));
            if (value is not null && !value.All(double.IsFinite))
                throw new ArgumentException("patterns contain NaN or infinity", nameof(Patterns));
            field = value;
        }
    }

    /// <summary>Training samples <see cref="Patterns"/> were computed on (0 without patterns).</summary>
    public int PatternRows { get; init; }

    /// <summary>Per target, the split-half reliability of <see cref="Patterns"/> (Pearson r between the patterns of the two halves of the training samples), or null.</summary>
    public double[]? PatternSplitHalfR { get; init; }

    /// <summary>How old the model's estimates are (measured by <c>evaluate</c>), or null when not measured.</summary>
    public EstimateLag? Lag { get; init; }

    /// <summary>Where the package was loaded from, or null.</summary>
    public string? SourcePath { get; internal init; }

    /// <summary>
    /// The warning for a package that records no atlas (trained on feature tables, which do not say theirs) used with
    /// <paramref name="atlasPath"/>: nothing can check that the atlas is the one its features came from. Null when
    /// the package records its atlas (then <see cref="Validate"/> compares them).
    /// </summary>
    public string? UncheckedAtlasWarning(string modelPath, string atlasPath) => Features.AtlasSha256 is null
        ? $"{modelPath} records no atlas (trained on feature tables): nothing checks that {atlasPath} is the atlas its features came from; one of another parcellation with as many labels would give estimates without a word"
        : null;

    /// <summary>
    /// Refuses (InputDataException naming the package's model.json) a model whose feature spec does not
    /// match the live configuration: feature kind, feature count, atlas hash, window, taper, Fisher z, preprocessing.
    /// </summary>
    public void Validate(FeatureSpec live)
    {
        var diff = Features.Differences(live);
        if (diff.Count > 0)
        {
            string where = SourcePath is null ? "model package" : Describe(SourcePath, "model.json");
            throw new InputDataException(where, "model does not match the atlas and settings in use: " + string.Join("; ", diff));
        }
    }

    /// <summary>
    /// Loads a package from a directory, a .zip, or the path of its model.json. Every problem (missing
    /// file, malformed JSON, newer version, unknown kind, NaN, shape mismatch) is an InputDataException
    /// naming the file inside the package and the problem.
    /// </summary>
    /// <param name="path">Directory, .zip, or model.json.</param>
    /// <param name="kernelRows">In-memory precision for kernel rows; null keeps the stored precision
    /// (float16 halves the memory of float32 rows, see <see cref="RowPrecision.Float16"/>).</param>
    public static ModelPackage Load(string path, RowPrecision? kernelRows = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (File.Exists(path) && path.EndsWith(".zip", StringComparison.OrdinalIgnoreCase))
        {
            ZipArchive zip;
            try
            {
                zip = ZipFile.OpenRead(path);
            }
            catch (InvalidDataException e)
            {
                throw new InputDataException(path, $"not a readable zip archive: {e.Message}", e);
            }

            using (zip)
            {
                if (zip.Entries.Count > MaxZipEntries)
                {
                    throw new InputDataException(path, $"the zip archive has {zip.Entries.Count} entries, allowed at most {MaxZipEntries} for a model package");
                }

                long total = zip.Entries.Sum(e => e.Length);
                if (total > MaxZipBytes)
                {
                    throw new InputDataException(path, $"the zip archive unpacks to {total} bytes, allowed at most {MaxZipBytes} for a model package");
                }

                var entries = zip.Entries.Where(e => e.Length > 0 || e.Name.Length > 0).ToList();
                // Accept both flat archives and archives of a single top-level folder.
                var modelEntry = entries.FirstOrDefault(e => e.FullName == "model.json")
                    ?? entries.FirstOrDefault(e => e.Name == "model.json" && e.FullName.Count(c => c == '/') == 1);
                if (modelEntry is null)
                {
                    throw new InputDataException(Describe(path, "model.json"), "missing from the model package");
                }

                string prefix = modelEntry.FullName[..^"model.json".Length];
                Stream? Open(string name)
                {
                    var e = zip.GetEntry(prefix + name);
                    if (e is null)
                    {
                        return null;
                    }

                    // Copy to memory: deflate streams cannot seek and .npy reading checks the length.
                    var ms = new MemoryStream();
                    try
                    {
                        using var s = e.Open();
                        var buffer = new byte[81920];
                        int n;
                        while ((n = s.Read(buffer, 0, buffer.Length)) > 0)
                        {
                            if (ms.Length + n > e.Length)
                            {
                                throw new InputDataException(Describe(path, name), $"unpacks to more than the {e.Length} bytes the zip directory declares");
                            }

                            ms.Write(buffer, 0, n);
                        }
                    }
                    catch (Exception ex) when (ex is InvalidDataException or IOException)
                    {
                        throw new InputDataException(Describe(path, name), $"cannot be unpacked: {ex.Message}", ex);
                    }

                    ms.Position = 0;
                    return ms;
                }

                return ModelPackageReader.Read(path, Open, kernelRows);
            }
        }

        string dir = path;
        if (File.Exists(path) && Path.GetFileName(path) == "model.json")
        {
            dir = Path.GetDirectoryName(Path.GetFullPath(path))!;
        }
        else if (!Directory.Exists(path))
        {
            throw new InputDataException(path, "model package not found (a directory or .zip with model.json expected)");
        }

        return ModelPackageReader.Read(dir, name =>
        {
            string f = Path.Combine(dir, name);
            return File.Exists(f) ? File.OpenRead(f) : null;
        }, kernelRows);
    }

    /// <summary>
    /// Loads a package and checks it against the live configuration before the first volume
    /// (<see cref="Load"/> then <see cref="Validate"/>); every refusal is an InputDataException.
    /// </summary>
    public static ModelPackage LoadFor(string path, FeatureSpec live, RowPrecision? kernelRows = null)
    {
        var pkg = Load(path, kernelRows);
        pkg.Validate(live);
        return pkg;
    }

    /// <summary>
    /// Writes the package: a directory, or a .zip when <paramref name="path"/> ends in .zip. Arrays are
    /// float64 except kernel rows, which are float64 when the model holds them in float64 and float32 otherwise.
    /// Either form replaces a previous package only once complete (<see cref="AtomicFile"/>); a folder keeps the
    /// entries that are not the package's own (anything but model.json and .npy files).
    /// </summary>
    public void Save(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var files = new List<(string Name, NpyArray Array)>();
        int p = Model.FeatureCount;
        int t = Model.TargetCount;
        ScalerJson? scaler = null;
        if (Model.Scaler is { } sc)
        {
            files.Add(("scaler_mean.npy", NpyArray.FromFloat64(sc.Mean, p)));
            files.Add(("scaler_scale.npy", NpyArray.FromFloat64(sc.Scale, p)));
            scaler = new ScalerJson("scaler_mean.npy", "scaler_scale.npy");
        }

        KernelJson? kernel = null;
        EstimatorArraysJson arrays;
        switch (Model.Estimator)
        {
            case LinearRegressor lin:
                files.Add(("coef.npy", NpyArray.FromFloat64(lin.Coefficients, t, p)));
                files.Add(("intercept.npy", NpyArray.FromFloat64(lin.Intercept, t)));
                arrays = new EstimatorArraysJson("coef.npy", null, null, "intercept.npy");
                break;
            case KernelExpansionRegressor ker:
                kernel = new KernelJson(EstimatorKinds.ToName(ker.Kernel.Kind), ker.Kernel.Gamma, ker.Kernel.Coef0, ker.Kernel.Degree);
                files.Add(("rows.npy", ker.Rows64 is not null ? NpyArray.FromFloat64(ker.Rows64, ker.RowCount, p) : NpyArray.FromFloat32(ker.RowsAsFloat32(), ker.RowCount, p)));
                files.Add(("dual_coef.npy", NpyArray.FromFloat64(ker.Coefficients, t, ker.RowCount)));
                files.Add(("intercept.npy", NpyArray.FromFloat64(ker.Intercept, t)));
                arrays = new EstimatorArraysJson(null, "rows.npy", "dual_coef.npy", "intercept.npy");
                break;
            default:
                throw new InvalidOperationException($"cannot save an estimator of type {Model.Estimator.GetType().Name}");
        }

        PatternsJson? patterns = null;
        if (Patterns is not null)
        {
            files.Add(("patterns.npy", NpyArray.FromFloat64(Patterns, t, p)));
            patterns = new PatternsJson("patterns.npy", PatternRows, PatternSplitHalfR is { } r && r.Length == t ? r : null);
        }

        var document = new ModelJson(
            FormatName,
            CurrentVersion,
            [.. Targets],
            Model.FeatureCount,
            FeatureSpecJson.From(Features),
            scaler,
            new EstimatorJson(EstimatorKinds.ToName(Model.Kind), (JsonObject)Model.Hyperparameters.DeepClone(), kernel, arrays),
            patterns,
            Lag is null ? null : EstimateLagJson.From(Lag),
            (JsonObject)Training.DeepClone(),
            (JsonObject)CvMetrics.DeepClone());
        string json = JsonSerializer.Serialize(document, ModelJsonContext.Default.ModelJson);

        if (path.EndsWith(".zip", StringComparison.OrdinalIgnoreCase))
        {
            string? parent = Path.GetDirectoryName(Path.GetFullPath(path));
            if (parent is not null)
            {
                Directory.CreateDirectory(parent);
            }

            // Complete or not at all: a full disk never leaves a truncated package in place of a good one.
            AtomicFile.Write(path, fs =>
            {
                using var zip = new ZipArchive(fs, ZipArchiveMode.Create, leaveOpen: true);
                using (var w = new StreamWriter(zip.CreateEntry("model.json").Open()))
                {
                    w.Write(json);
                }

                foreach (var (name, arr) in files)
                {
                    using var s = zip.CreateEntry(name, CompressionLevel.Fastest).Open();
                    arr.Write(s);
                }
            });
        }
        else
        {
            // The package complete or not at all: written into a folder beside it and swapped in whole, so a
            // full disk leaves the previous package as it was. What else the folder holds (a report, notes) is
            // kept; its model.json and .npy arrays belong to the package and are replaced.
            AtomicFile.WriteFolder(path, dir =>
            {
                foreach (var (name, arr) in files)
                {
                    AtomicFile.WriteFlushed(Path.Combine(dir, name), arr.Write);
                }

                AtomicFile.WriteFlushed(Path.Combine(dir, "model.json"), s =>
                {
                    using var w = new StreamWriter(s, new System.Text.UTF8Encoding(false), 1 << 16, leaveOpen: true);
                    w.Write(json);
                });
            }, IsForeignEntry);
        }
    }

    /// <summary>The entries of a package folder that are the package (<c>*</c> standing for any run of characters): written, or removed, when it is rewritten.</summary>
    public static readonly IReadOnlyList<string> FileNames = ["model.json", "*.npy"];

    /// <summary>An entry of a package folder that is not part of the package (kept when it is rewritten).</summary>
    private static bool IsForeignEntry(string name) =>
        name != "model.json" && !name.EndsWith(".npy", StringComparison.OrdinalIgnoreCase);

    /// <summary>The name of a file of a package, as error messages give it.</summary>
    internal static string Describe(string package, string file) => package.TrimEnd('/', '\\') + "/" + file;

    /// <summary>A target name, or the reason it cannot be one (null when valid).</summary>
    /// <remarks>Names head TSV columns, LSL channels and dashboard series: 1..<see cref="MaxTargetNameLength"/>
    /// characters, no control characters (tab, newline, …), no leading or trailing white space.</remarks>
    public static string? TargetNameProblem(string? name)
    {
        if (string.IsNullOrWhiteSpace(name)) return "is empty";
        if (name.Length > MaxTargetNameLength) return $"is {name.Length} characters long, allowed 1..{MaxTargetNameLength}";
        if (name.Any(char.IsControl)) return "contains a control character (tab, newline, …)";
        if (name.Trim().Length != name.Length) return "starts or ends with white space";
        return null;
    }

    /// <summary>
    /// Refuses (InputDataException naming <paramref name="source"/>) target names that are empty, too long,
    /// hold control characters or repeat; see <see cref="TargetNameProblem"/>.
    /// </summary>
    public static void ValidateTargetNames(IReadOnlyList<string?> names, string source)
    {
        ArgumentNullException.ThrowIfNull(names);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < names.Count; i++)
        {
            if (TargetNameProblem(names[i]) is { } problem)
                throw new InputDataException(source, $"target name {i + 1} '{Printable(names[i] ?? "")}' {problem}");
            if (!seen.Add(names[i]!))
                throw new InputDataException(source, $"target name '{names[i]}' appears twice");
        }
    }

    /// <summary>At most <see cref="MaxTargetNameLength"/> characters of <paramref name="s"/>, control characters as '?', for error messages.</summary>
    internal static string Printable(string s)
    {
        var t = new string([.. s.Take(MaxTargetNameLength).Select(c => char.IsControl(c) ? '?' : c)]);
        return s.Length > MaxTargetNameLength ? t + "…" : t;
    }
}
