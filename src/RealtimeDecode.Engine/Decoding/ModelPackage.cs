using System.IO.Compression;
using System.Text.Json;
using System.Text.Json.Nodes;
using RealtimeDecode.Engine.Features;
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
    public string? SourcePath { get; private init; }

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
            throw new InputDataException(where, "model does not match the live configuration: " + string.Join("; ", diff));
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

                return Read(path, Open, kernelRows);
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

        return Read(dir, name =>
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

    /// <summary>An entry of a package folder that is not part of the package (kept when it is rewritten).</summary>
    private static bool IsForeignEntry(string name) =>
        name != "model.json" && !name.EndsWith(".npy", StringComparison.OrdinalIgnoreCase);

    private static string Describe(string package, string file) => package.TrimEnd('/', '\\') + "/" + file;

    /// <summary>
    /// model.json deserialised into <see cref="ModelJson"/>. Invalid UTF-8, malformed JSON, a property named
    /// twice and a value of the wrong JSON type are refused here, naming the file (and the field); the values
    /// themselves are checked by <see cref="Read"/>.
    /// </summary>
    private static ModelJson Parse(Stream file, string jsonName)
    {
        using var s = new MemoryStream();
        file.CopyTo(s);
        var bytes = s.GetBuffer().AsSpan(0, (int)s.Length);
        // Checked whole and first, so that no string of a valid document is left to fail later.
        if (!System.Text.Unicode.Utf8.IsValid(bytes))
            throw new InputDataException(jsonName, "malformed JSON: the text is not valid UTF-8");
        ModelJson? document;
        try
        {
            document = JsonSerializer.Deserialize(bytes, ModelJsonContext.Strict.ModelJson);
        }
        catch (JsonException e) when (e.Path is "$" && e.Message.StartsWith("The JSON value could not be converted", StringComparison.Ordinal))
        {
            throw new InputDataException(jsonName, "malformed JSON: the top level is not an object", e);
        }
        catch (JsonException e) when (e.Path is { Length: > 2 } path && e.Message.StartsWith("The JSON value could not be converted", StringComparison.Ordinal))
        {
            throw new InputDataException(jsonName, $"'{path[2..]}' must be {Expected(path[2..])}", e);
        }
        catch (JsonException e)
        {
            throw new InputDataException(jsonName, $"malformed JSON: {e.Message}", e);
        }
        catch (ArgumentException e)
        {
            // A property named twice inside a free-form object (preprocessing, training, hyperparameters) is
            // refused by JsonObject's dictionary rather than by the reader.
            throw new InputDataException(jsonName, "malformed JSON: a property is named twice in one object", e);
        }

        return document ?? throw new InputDataException(jsonName, "malformed JSON: the top level is not an object");
    }

    /// <summary>What a field of model.json must be, by its path ("features.window", "targets[2]").</summary>
    private static string Expected(string path)
    {
        string field = System.Text.RegularExpressions.Regex.Replace(path, @"\[\d+\]", "[]");
        return field switch
        {
            "version" or "feature_count" or "features.roi_count" or "features.window" or "patterns.rows" => "an integer",
            "features.fisher_z" => "true or false",
            "targets" => "a list of names",
            "patterns.split_half_r" or "estimate_lag.ci95_s" => "a list of numbers",
            "targets[]" or "format" or "features.kind" or "features.taper" or "features.atlas_sha256" or "estimator.kind" or "estimator.kernel.kind"
                or "patterns.file" or "estimate_lag.relative_to" or "estimate_lag.source" => "a string",
            _ when field.StartsWith("scaler.", StringComparison.Ordinal) || field.StartsWith("estimator.arrays.", StringComparison.Ordinal) => "a string",
            _ when field.StartsWith("estimator.kernel.", StringComparison.Ordinal) || field.EndsWith(".seconds", StringComparison.Ordinal)
                || field.EndsWith(".standard_error_s", StringComparison.Ordinal) || field.EndsWith("[]", StringComparison.Ordinal) => "a number",
            _ => "an object",
        };
    }

    /// <summary>
    /// Reads a package, step by step: model.json parsed (<see cref="Parse"/>), its header and targets checked
    /// (<see cref="ReadTargets"/>), the feature spec (<see cref="ReadFeatures"/>), then the arrays it names:
    /// scaler (<see cref="ReadScaler"/>), estimator (<see cref="ReadEstimator"/>), patterns
    /// (<see cref="ReadPatterns"/>), and the estimate lag (<see cref="ValidateLag"/>).
    /// </summary>
    private static ModelPackage Read(string package, Func<string, Stream?> open, RowPrecision? kernelRows)
    {
        string jsonName = Describe(package, "model.json");
        ModelJson root;
        using (var file = open("model.json") ?? throw new InputDataException(jsonName, "missing from the model package"))
        {
            root = Parse(file, jsonName);
        }

        var targets = ReadTargets(root, jsonName);
        var features = ReadFeatures(root, jsonName);
        var arrays = new ArrayReader(package, open, jsonName, targets.Count, features.FeatureCount);
        var scaler = ReadScaler(root.Scaler, arrays);
        var (kind, hyper, estimator) = ReadEstimator(Required(root.Estimator, "estimator", jsonName), arrays, targets, kernelRows);
        var (patterns, patternRows, splitHalf) = ReadPatterns(root.Patterns, arrays);
        var model = new DecodingModel(kind, hyper, scaler, estimator);
        var lag = root.EstimateLag is { } lagJson ? ValidateLag(lagJson, model.Targets, jsonName) : null;
        return new ModelPackage(model, features, root.Training ?? [], root.CvMetrics ?? []) { SourcePath = package, Patterns = patterns, PatternRows = patternRows, PatternSplitHalfR = splitHalf, Lag = lag };
    }

    private static T Required<T>(T? value, string name, string jsonName) where T : class =>
        value ?? throw new InputDataException(jsonName, $"'{name}' is missing");

    private static int RequiredInt(int? value, string name, string jsonName) =>
        value ?? throw new InputDataException(jsonName, $"'{name}' is missing");

    /// <summary>Format name and version (refusing a newer one), then the target names.</summary>
    private static List<string> ReadTargets(ModelJson root, string jsonName)
    {
        string format = Required(root.Format, "format", jsonName);
        if (format != FormatName)
        {
            throw new InputDataException(jsonName, $"format is '{format}', expected '{FormatName}'");
        }

        int version = RequiredInt(root.Version, "version", jsonName);
        if (version > CurrentVersion)
        {
            throw new InputDataException(jsonName, $"model format version {version} is newer than this program reads (version {CurrentVersion}); update RealtimeDecode");
        }

        if (version < 1)
        {
            throw new InputDataException(jsonName, $"model format version {version} is not valid");
        }

        var targets = new List<string>();
        foreach (var name in Required(root.Targets, "targets", jsonName))
        {
            targets.Add(name ?? throw new InputDataException(jsonName, "'targets' must be a list of names"));
        }

        if (targets.Count == 0 || targets.Count > MaxTargets)
        {
            throw new InputDataException(jsonName, $"'targets' has {targets.Count} names, allowed 1..{MaxTargets}");
        }

        ValidateTargetNames(targets, jsonName);
        return targets;
    }

    /// <summary>The feature spec, and the feature count, which must be the one the spec gives.</summary>
    private static FeatureSpec ReadFeatures(ModelJson root, string jsonName)
    {
        var features = ValidateFeatures(Required(root.Features, "features", jsonName), jsonName);
        int p = RequiredInt(root.FeatureCount, "feature_count", jsonName);
        if (p <= 0)
        {
            throw new InputDataException(jsonName, $"'feature_count' is {p}");
        }

        if (p != features.FeatureCount)
        {
            throw new InputDataException(jsonName, $"'feature_count' is {p} but the feature spec ({(features.Settings.Kind == FeatureKind.Roi ? "roi" : "dfc")}, {features.RoiCount} ROIs) gives {features.FeatureCount}");
        }

        return features;
    }

    /// <summary>The scaler, or null; a scale too close to zero is refused.</summary>
    private static StandardScaler? ReadScaler(ScalerJson? sc, ArrayReader arrays)
    {
        if (sc is null)
        {
            return null;
        }

        var mean = arrays.Read(sc.Mean, "mean", "scaler", arrays.Features).ToFloat64();
        var scale = arrays.Read(sc.Scale, "scale", "scaler", arrays.Features).ToFloat64();
        int tiny = Array.FindIndex(scale, v => Math.Abs(v) < MinScalerScale);
        if (tiny >= 0)
        {
            throw new InputDataException(arrays.PathOf(sc.Scale!), $"element {tiny} is {scale[tiny].ToString("R", System.Globalization.CultureInfo.InvariantCulture)}; a scaler scale must have |value| ≥ {MinScalerScale:0e0}");
        }

        return new StandardScaler(mean, scale);
    }

    /// <summary>
    /// The estimator: its kind and hyperparameters, and a linear regressor (whose predictions must stay below
    /// <see cref="MaxPrediction"/>) or a kernel expansion (rows kept at <paramref name="kernelRows"/> precision when given).
    /// </summary>
    private static (EstimatorKind Kind, JsonObject Hyperparameters, IRegressor Estimator) ReadEstimator(
        EstimatorJson est, ArrayReader arrays, List<string> targets, RowPrecision? kernelRows)
    {
        string jsonName = arrays.JsonName;
        int t = arrays.Targets, p = arrays.Features;
        string kindName = Required(est.Kind, "kind", jsonName);
        if (!EstimatorKinds.TryParse(kindName, out EstimatorKind kind))
        {
            throw new InputDataException(jsonName, $"unknown estimator kind '{kindName}' (ridge, linear_regression, lasso, elastic_net, linear_svr, kernel_ridge, svr)");
        }

        var hyper = est.Hyperparameters ?? [];
        var files = Required(est.Arrays, "arrays", jsonName);
        if (EstimatorKinds.IsLinear(kind))
        {
            var coef = arrays.Read(files.Coef, "coef", "estimator.arrays", t, p).ToFloat64();
            var b = arrays.Read(files.Intercept, "intercept", "estimator.arrays", t).ToFloat64();
            for (int k = 0; k < t; k++)
            {
                double bound = Math.Abs(b[k]);
                for (int j = 0; j < p; j++) bound += Math.Abs(coef[(long)k * p + j]) * MaxStandardizedInput;
                if (!(bound <= MaxPrediction))
                {
                    throw new InputDataException(arrays.PathOf(files.Coef!), $"row {k} ('{targets[k]}') can predict |y| up to {bound:0.##e0} for standardized inputs within ±{MaxStandardizedInput:0e0}, above the limit of {MaxPrediction:0e0}");
                }
            }

            return (kind, hyper, new LinearRegressor(targets, p, coef, b));
        }

        var kn = Required(est.Kernel, "kernel", jsonName);
        string kname = Required(kn.Kind, "kind", jsonName);
        if (!EstimatorKinds.TryParse(kname, out KernelKind kk))
        {
            throw new InputDataException(jsonName, $"unknown kernel '{kname}' (linear, rbf, poly, laplacian)");
        }

        double gamma = kk == KernelKind.Linear ? kn.Gamma ?? 0 : kn.Gamma ?? throw new InputDataException(jsonName, "'gamma' is missing");
        var kernel = new KernelFunction(kk, gamma, kn.Coef0 ?? 0, kn.Degree ?? 3);
        var rows = arrays.Read(files.Rows, "rows", "estimator.arrays", -1, p);
        int n = rows.Shape[0];
        var dual = arrays.Read(files.DualCoef, "dual_coef", "estimator.arrays", t, n).ToFloat64();
        var intercept = arrays.Read(files.Intercept, "intercept", "estimator.arrays", t).ToFloat64();
        var ker = rows.Float32 is not null
            ? new KernelExpansionRegressor(targets, p, kernel, rows.Float32, dual, intercept)
            : new KernelExpansionRegressor(targets, p, kernel, rows.Float64!, dual, intercept);
        return (kind, hyper, kernelRows is { } prec && prec != ker.Precision ? ker.WithPrecision(prec) : ker);
    }

    /// <summary>The Haufe patterns, their training samples and split-half reliabilities, or nulls and 0 without patterns.</summary>
    private static (double[]? Patterns, int Rows, double[]? SplitHalfR) ReadPatterns(PatternsJson? po, ArrayReader arrays)
    {
        if (po is null)
        {
            return (null, 0, null);
        }

        int t = arrays.Targets;
        var patterns = arrays.Read(po.File, "file", "patterns", t, arrays.Features).ToFloat64();
        if (patterns.Any(v => !double.IsFinite(v)))
            throw new InputDataException(arrays.PathOf(po.File!), "array contains infinity");
        int rows = RequiredInt(po.Rows, "rows", arrays.JsonName);
        double[]? splitHalf = null;
        if (po.SplitHalfR is { } sh)
        {
            if (sh.Count != t) throw new InputDataException(arrays.JsonName, $"patterns.split_half_r has {sh.Count} values for {t} targets");
            splitHalf = [.. sh];
        }

        return (patterns, rows, splitHalf);
    }

    /// <summary>
    /// The array files a model.json names, read from the package: each must lie inside it, have the expected
    /// shape for <see cref="Targets"/> targets and <see cref="Features"/> features, and hold finite values of
    /// magnitude at most <see cref="MaxArrayMagnitude"/>.
    /// </summary>
    private sealed class ArrayReader(string package, Func<string, Stream?> open, string jsonName, int targets, int features)
    {
        public string JsonName { get; } = jsonName;

        public int Targets { get; } = targets;

        public int Features { get; } = features;

        /// <summary>The name of a file of the package, as error messages give it.</summary>
        public string PathOf(string file) => Describe(package, file);

        /// <summary>The array in <paramref name="file"/> (<paramref name="context"/>.<paramref name="field"/> of model.json); −1 in <paramref name="shape"/> is any length.</summary>
        public NpyArray Read(string? file, string field, string context, params int[] shape)
        {
            file = Required(file, field, JsonName);
            if (file.Contains("..", StringComparison.Ordinal) || Path.IsPathRooted(file))
            {
                throw new InputDataException(JsonName, $"{context}.{field} names '{file}', which is outside the package");
            }

            string fname = PathOf(file);
            using var s = open(file) ?? throw new InputDataException(fname, $"missing array file ({context}.{field} in model.json names it)");
            var a = NpyArray.Read(s, fname);
            bool ok = a.Shape.Count == shape.Length;
            for (int i = 0; ok && i < shape.Length; i++)
            {
                ok = shape[i] < 0 || a.Shape[i] == shape[i];
            }

            if (!ok)
            {
                string want = "(" + string.Join(", ", shape.Select(d => d < 0 ? "n" : d.ToString(System.Globalization.CultureInfo.InvariantCulture))) + ")";
                throw new InputDataException(fname, $"array shape ({string.Join(", ", a.Shape)}) does not match the expected {want} for {Targets} targets and {Features} features");
            }

            var (bad, value) = FirstBad(a, v => double.IsFinite(v) && Math.Abs(v) <= MaxArrayMagnitude);
            if (bad >= 0)
            {
                throw new InputDataException(fname, $"element {bad} is {value.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}; model arrays must be finite with |value| ≤ {MaxArrayMagnitude:0e0}");
            }

            return a;
        }
    }

    private static EstimateLag ValidateLag(EstimateLagJson o, IReadOnlyList<string> targets, string file)
    {
        double seconds = o.Seconds ?? double.NaN;
        if (!double.IsFinite(seconds)) throw new InputDataException(file, "estimate_lag.seconds must be a finite number of seconds");
        double lo = double.NaN, hi = double.NaN;
        if (o.Ci95S is { Count: 2 } ci)
        {
            lo = ci[0];
            hi = ci[1];
        }

        var per = new double[targets.Count];
        var perSe = new double[targets.Count];
        for (int t = 0; t < targets.Count; t++)
        {
            var node = o.PerTarget is { } pt && pt.TryGetValue(targets[t], out var v) ? v : null;
            per[t] = node?.Seconds ?? double.NaN;
            perSe[t] = node?.StandardErrorS ?? double.NaN;
        }

        return new EstimateLag(seconds, o.StandardErrorS ?? double.NaN, lo, hi, targets, per, perSe, o.Source ?? "");
    }

    /// <summary>
    /// The "features" object as a <see cref="FeatureSpec"/>: each value checked, absent settings taking their defaults
    /// (rectangular taper, no Fisher z, no detrend, no z-score, no realignment; a ROI package's window and taper are
    /// not used), and motion settings that need realignment refused without it.
    /// </summary>
    private static FeatureSpec ValidateFeatures(FeatureSpecJson f, string file)
    {
        string kind = f.Kind ?? throw new InputDataException(file, "'kind' is missing");
        FeatureKind fk = kind.ToLowerInvariant() switch
        {
            "roi" => FeatureKind.Roi,
            "dfc" => FeatureKind.Dfc,
            _ => throw new InputDataException(file, $"features.kind is '{kind}', expected 'roi' or 'dfc'"),
        };
        int roi = f.RoiCount ?? throw new InputDataException(file, "'roi_count' is missing");
        int minRoi = fk == FeatureKind.Dfc ? 2 : 1;
        if (roi < minRoi || roi > MaxRoiCount)
        {
            throw new InputDataException(file, $"features.roi_count is {roi}, allowed {minRoi}..{MaxRoiCount}");
        }

        int? window = f.Window;
        if (fk == FeatureKind.Dfc && window is not (>= 2 and <= MaxWindow))
        {
            throw new InputDataException(file, $"features.window is {window?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "missing"}, allowed 2..{MaxWindow} volumes for DFC features");
        }

        var taper = Connectivity.WindowTaper.Rectangular;
        if (f.Taper is { } taperName)
        {
            try { taper = FeatureSettings.ParseTaper(taperName); }
            catch (InputDataException) { throw new InputDataException(file, $"features.taper is '{Printable(taperName)}', allowed rectangular, gaussian or exponential"); }
        }

        var settings = new FeatureSettings
        {
            Kind = fk,
            Window = new Connectivity.SlidingWindowOptions { Window = window ?? 13, Taper = taper, FisherZ = f.FisherZ ?? false },
        };
        bool stated = false;
        var other = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        if (f.Preprocessing is { } pre)
        {
            var r = new JsonReader(file);
            stated = pre.Any(kv => FeatureSpecJson.PreprocessingKeys.Contains(kv.Key));
            int detrend = -1, motion = 0;
            bool zscore = false;
            if (pre.ContainsKey("detrend_order"))
            {
                detrend = r.Int(pre, "detrend_order");
                if (detrend < -1 || detrend > Preprocessing.OnlineDetrend.MaxOrder)
                    throw new InputDataException(file, $"features.preprocessing.detrend_order is {detrend}, allowed -1 (none) or 0..{Preprocessing.OnlineDetrend.MaxOrder}");
            }

            if (pre.ContainsKey("zscore"))
            {
                zscore = r.Bool(pre, "zscore");
            }

            if (pre.ContainsKey("nuisance_count"))
            {
                int n = r.Int(pre, "nuisance_count");
                if (n != 0)
                    throw new InputDataException(file, $"features.preprocessing.nuisance_count is {n}, allowed 0 (no nuisance series are supplied with the volumes)");
            }

            bool realign = pre.ContainsKey("realign") && r.Bool(pre, "realign");
            if (pre.ContainsKey("motion_regressors"))
            {
                motion = r.Int(pre, "motion_regressors");
                if (motion is not (0 or 6 or 12 or 24))
                    throw new InputDataException(file, $"features.preprocessing.motion_regressors is {motion}, allowed 0, 6, 12 or 24");
            }

            double fd = FeatureSettings.DefaultFdThresholdMm;
            if (pre.ContainsKey("fd_threshold_mm"))
            {
                fd = r.Double(pre, "fd_threshold_mm");
                if (!(fd >= 0))
                    throw new InputDataException(file, $"features.preprocessing.fd_threshold_mm is {fd.ToString(System.Globalization.CultureInfo.InvariantCulture)}, allowed a number of mm ≥ 0");
            }

            var censor = Motion.CensorPolicy.Flag;
            if (pre.ContainsKey("censor") && !Motion.CensorPolicyNames.TryParse(r.String(pre, "censor"), out censor))
                throw new InputDataException(file, $"features.preprocessing.censor is '{Printable(r.String(pre, "censor"))}', allowed publish, flag or withhold");

            settings = settings with
            {
                Preprocessing = new Preprocessing.PreprocessingOptions(detrend, zscore, 0, motion),
                Realign = realign,
                FdThresholdMm = fd,
                Censor = censor,
            };
            foreach (var (key, node) in pre)
            {
                if (!FeatureSpecJson.PreprocessingKeys.Contains(key)) other[key] = node?.DeepClone();
            }
        }

        settings.ValidateMotion(file);
        return new FeatureSpec(settings, roi, f.AtlasSha256) { PreprocessingStated = stated, OtherPreprocessing = other };
    }

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

    private static string Printable(string s)
    {
        var t = new string([.. s.Take(MaxTargetNameLength).Select(c => char.IsControl(c) ? '?' : c)]);
        return s.Length > MaxTargetNameLength ? t + "…" : t;
    }

    /// <summary>Index and value of the first element outside the allowed range, or -1.</summary>
    private static (long Index, double Value) FirstBad(NpyArray a, Func<double, bool> ok)
    {
        if (a.Float64 is { } d)
        {
            for (long i = 0; i < d.LongLength; i++)
                if (!ok(d[i])) return (i, d[i]);
        }
        else
        {
            var f = a.Float32!;
            for (long i = 0; i < f.LongLength; i++)
                if (!ok(f[i])) return (i, f[i]);
        }

        return (-1, 0);
    }

    /// <summary>Typed access to the free-form preprocessing fields, with one-line errors naming the file and field.</summary>
    private sealed class JsonReader(string file)
    {
        public string File { get; } = file;

        public JsonNode Get(JsonObject o, string name) =>
            o.TryGetPropertyValue(name, out var n) && n is not null ? n : throw new InputDataException(File, $"'{name}' is missing");

        public string String(JsonObject o, string name) =>
            Get(o, name) is JsonValue v && v.TryGetValue(out string? s) ? s : throw new InputDataException(File, $"'{name}' must be a string");

        public int Int(JsonObject o, string name)
        {
            var n = Get(o, name);
            if (n is JsonValue v && v.GetValueKind() == JsonValueKind.Number && double.TryParse(n.ToJsonString(), System.Globalization.CultureInfo.InvariantCulture, out double d)
                && d == Math.Floor(d) && Math.Abs(d) < int.MaxValue)
            {
                return (int)d;
            }

            throw new InputDataException(File, $"'{name}' must be an integer");
        }

        public double Double(JsonObject o, string name)
        {
            var n = Get(o, name);
            if (n is JsonValue v && v.GetValueKind() == JsonValueKind.Number)
            {
                double d = v.GetValue<double>();
                if (double.IsFinite(d))
                {
                    return d;
                }
            }

            throw new InputDataException(File, $"'{name}' must be a finite number");
        }

        public bool Bool(JsonObject o, string name) =>
            Get(o, name) is JsonValue v && v.GetValueKind() is JsonValueKind.True or JsonValueKind.False ? v.GetValue<bool>() : throw new InputDataException(File, $"'{name}' must be true or false");
    }
}
