using System.Text.Json;
using System.Text.Json.Nodes;
using RealtimeDecode.Engine.Features;
using RealtimeDecode.Imaging;
using static RealtimeDecode.Engine.Decoding.ModelPackage;

namespace RealtimeDecode.Engine.Decoding;

/// <summary>
/// Reads a model package (layout in <see cref="ModelPackage"/>) from a function that opens its files by name:
/// model.json parsed into <see cref="ModelJson"/>, then every value checked, as its own steps, and the arrays
/// it names read and checked. Every problem is an <see cref="InputDataException"/> naming the file inside the
/// package and the problem.
/// </summary>
internal static class ModelPackageReader
{
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
                || field.EndsWith(".standard_error_s", StringComparison.Ordinal) || field.EndsWith("[]", StringComparison.Ordinal)
                || field == "estimate_lag.repetition_time_s" => "a number",
            _ => "an object",
        };
    }

    /// <summary>
    /// Reads a package, step by step: model.json parsed (<see cref="Parse"/>), its header and targets checked
    /// (<see cref="ReadTargets"/>), the feature spec (<see cref="ReadFeatures"/>), then the arrays it names:
    /// scaler (<see cref="ReadScaler"/>), estimator (<see cref="ReadEstimator"/>), patterns
    /// (<see cref="ReadPatterns"/>), and the estimate lag (<see cref="ValidateLag"/>).
    /// </summary>
    public static ModelPackage Read(string package, Func<string, Stream?> open, RowPrecision? kernelRows)
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

        if (o.RepetitionTimeS is { } tr && !(tr > 0 && double.IsFinite(tr)))
            throw new InputDataException(file, "estimate_lag.repetition_time_s must be a positive number of seconds");
        return new EstimateLag(seconds, o.StandardErrorS ?? double.NaN, lo, hi, targets, per, perSe, o.Source ?? "") { RepetitionTimeSeconds = o.RepetitionTimeS };
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
