using System.Globalization;
using System.Text.Json.Nodes;
using RealtimeDecode.Engine.Decoding;

namespace RealtimeDecode.Training.Fitting;

/// <summary>How γ of a kernel is chosen.</summary>
public enum GammaMode
{
    /// <summary>The estimator's scikit-learn default: "scale" for SVR, 1/n_features for kernel ridge.</summary>
    Default,

    /// <summary>1 / (n_features · Var(X)), Var over all entries of X with the N normaliser (scikit-learn "scale").</summary>
    Scale,

    /// <summary>1 / n_features (scikit-learn "auto", and KernelRidge's gamma=None).</summary>
    Auto,

    /// <summary>The value in <see cref="EstimatorOptions.Gamma"/>.</summary>
    Value,
}

/// <summary>
/// Hyperparameters of every estimator, with scikit-learn's names and meanings. A null value means the
/// scikit-learn default of the estimator being fitted (listed per property).
/// </summary>
public sealed record EstimatorOptions
{
    /// <summary>Regularisation α: Ridge (default 1), Lasso/ElasticNet (default 1, objective scaled by 1/2n), KernelRidge (default 1).</summary>
    public double? Alpha { get; init; }

    /// <summary>ElasticNet mixing ρ in [0, 1] (default 0.5); Lasso is ρ = 1.</summary>
    public double? L1Ratio { get; init; }

    /// <summary>SVR and LinearSVR penalty C (default 1).</summary>
    public double? C { get; init; }

    /// <summary>ε of the ε-insensitive loss: SVR default 0.1, LinearSVR default 0.</summary>
    public double? Epsilon { get; init; }

    /// <summary>Kernel: KernelRidge default linear, SVR default rbf.</summary>
    public KernelKind? Kernel { get; init; }

    /// <summary>How γ is chosen.</summary>
    public GammaMode GammaMode { get; init; }

    /// <summary>γ when <see cref="GammaMode"/> is Value.</summary>
    public double? Gamma { get; init; }

    /// <summary>Polynomial degree (default 3).</summary>
    public double? Degree { get; init; }

    /// <summary>Polynomial coef0: KernelRidge default 1, SVR default 0.</summary>
    public double? Coef0 { get; init; }

    /// <summary>Stopping tolerance: Lasso/ElasticNet 1e-4 (duality gap relative to ‖y‖²), SVR 1e-3 (libsvm eps), LinearSVR 1e-4.</summary>
    public double? Tol { get; init; }

    /// <summary>Iteration cap: Lasso/ElasticNet 1000 epochs, LinearSVR 1000 epochs, SVR unlimited (libsvm's own cap).</summary>
    public int? MaxIter { get; init; }

    /// <summary>
    /// Fit an intercept (default true; scikit-learn fit_intercept). Linear estimators, and kernel ridge,
    /// which then fits the centred targets and takes their training mean as intercept (scikit-learn's
    /// KernelRidge has no intercept: fit_intercept=false reproduces it).
    /// </summary>
    public bool FitIntercept { get; init; } = true;

    /// <summary>LinearSVR intercept_scaling (default 1): the bias feature's value; its weight is regularised as liblinear does.</summary>
    public double? InterceptScaling { get; init; }

    /// <summary>Fit a StandardScaler first and make it part of the model (default false).</summary>
    public bool Standardize { get; init; }

    /// <summary>
    /// Store kernel rows (training rows or support vectors) as float32 (default true; <c>float32=false</c> keeps
    /// float64): half the memory and the bytes read per prediction, at ~1e-6 relative error in the predictions.
    /// </summary>
    public bool RowsAsFloat32 { get; init; } = true;

    /// <summary>Seed of LinearSVR's coordinate order (default 0).</summary>
    public int? Seed { get; init; }

    /// <summary>Largest magnitude accepted for a continuous hyperparameter (alpha, C, epsilon, gamma, coef0, intercept scaling).</summary>
    public const double MaxMagnitude = 1e12;

    /// <summary>Parses "key=value" pairs (comma separated), e.g. "alpha=10,kernel=rbf,gamma=scale"; a value out of its range is a FormatException naming the key and the range.</summary>

    public static EstimatorOptions Parse(string? text)
    {
        var o = new EstimatorOptions();
        if (string.IsNullOrWhiteSpace(text))
        {
            return o;
        }

        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var kv = part.Split('=', 2, StringSplitOptions.TrimEntries);
            if (kv.Length != 2)
            {
                throw new FormatException($"hyperparameter '{part}' is not key=value");
            }

            string k = kv[0].ToLowerInvariant(), v = kv[1];
            double D() => double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) ? d : throw new FormatException($"hyperparameter {kv[0]}='{v}' is not a number");
            double In(double lo, double hi, bool loOpen, string allowed)
            {
                double d = D();
                if (!double.IsFinite(d) || d > hi || (loOpen ? d <= lo : d < lo))
                    throw new FormatException($"hyperparameter {kv[0]}={v} is out of range: allowed {allowed}");
                return d;
            }
            int Whole(int lo, int hi)
            {
                double d = D();
                if (!(d >= lo && d <= hi && d == Math.Floor(d)))
                    throw new FormatException($"hyperparameter {kv[0]}={v} is out of range: allowed a whole number {lo}..{hi}");
                return (int)d;
            }
            bool B() => bool.TryParse(v, out bool b) ? b : throw new FormatException($"hyperparameter {kv[0]}='{v}' is not true/false");
            o = k switch
            {
                "alpha" => o with { Alpha = In(0, MaxMagnitude, false, "0..1e12") },
                "l1_ratio" => o with { L1Ratio = In(0, 1, false, "0..1") },
                "c" => o with { C = In(0, MaxMagnitude, true, "above 0, up to 1e12") },
                "epsilon" => o with { Epsilon = In(0, MaxMagnitude, false, "0..1e12") },
                "kernel" => o with { Kernel = EstimatorKinds.TryParse(v, out KernelKind kk) ? kk : throw new FormatException($"unknown kernel '{v}'") },
                "gamma" => v.ToLowerInvariant() switch
                {
                    "scale" => o with { GammaMode = GammaMode.Scale },
                    "auto" => o with { GammaMode = GammaMode.Auto },
                    _ => o with { GammaMode = GammaMode.Value, Gamma = In(0, MaxMagnitude, true, "scale, auto, or above 0 up to 1e12") },
                },
                "degree" => o with { Degree = Whole(0, 20) },
                "coef0" => o with { Coef0 = In(-MaxMagnitude, MaxMagnitude, false, "-1e12..1e12") },
                "tol" => o with { Tol = In(0, 1e6, true, "above 0, up to 1e6") },
                "max_iter" => o with { MaxIter = Whole(1, 10_000_000) },
                "fit_intercept" => o with { FitIntercept = B() },
                "intercept_scaling" => o with { InterceptScaling = In(0, MaxMagnitude, true, "above 0, up to 1e12") },
                "standardize" => o with { Standardize = B() },
                "float32" => o with { RowsAsFloat32 = B() },
                "seed" => o with { Seed = Whole(int.MinValue + 1, int.MaxValue) },
                _ => throw new FormatException($"unknown hyperparameter '{kv[0]}'"),
            };
        }

        return o;
    }

    /// <summary>
    /// The keys (as <see cref="Parse"/> reads them, lower case) of the hyperparameters <paramref name="kind"/> takes, in
    /// the order help lists them; <see cref="EstimatorFactory"/> uses no other. <c>standardize</c> applies to every kind.
    /// </summary>
    public static IReadOnlyList<string> KeysOf(EstimatorKind kind) => kind switch
    {
        EstimatorKind.Ridge => ["alpha", "fit_intercept", "standardize"],
        EstimatorKind.LinearRegression => ["fit_intercept", "standardize"],
        EstimatorKind.Lasso => ["alpha", "fit_intercept", "tol", "max_iter", "standardize"],
        EstimatorKind.ElasticNet => ["alpha", "l1_ratio", "fit_intercept", "tol", "max_iter", "standardize"],
        EstimatorKind.LinearSvr => ["c", "epsilon", "fit_intercept", "intercept_scaling", "tol", "max_iter", "seed", "standardize"],
        EstimatorKind.KernelRidge => ["alpha", "kernel", "gamma", "degree", "coef0", "fit_intercept", "float32", "standardize"],
        EstimatorKind.Svr => ["c", "epsilon", "kernel", "gamma", "degree", "coef0", "tol", "float32", "standardize"],
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown estimator kind"),
    };

    /// <summary>A key as scikit-learn spells it (<c>C</c> for <c>c</c>; the others as they are).</summary>
    public static string DisplayName(string key) => key.Equals("c", StringComparison.OrdinalIgnoreCase) ? "C" : key.ToLowerInvariant();

    /// <summary>The keys of a "key=value,…" text, lower case, in order (values are not checked; <see cref="Parse"/> does).</summary>
    public static IReadOnlyList<string> KeysIn(string? text) => string.IsNullOrWhiteSpace(text)
        ? []
        : [.. text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(p => p.Split('=', 2)[0].Trim().ToLowerInvariant())];

    /// <summary>
    /// Null when <paramref name="kind"/> (named <paramref name="estimatorName"/> in the message) takes the hyperparameter
    /// <paramref name="key"/>, else why not, e.g. "C is not a hyperparameter of ridge (it takes alpha, fit_intercept)".
    /// </summary>
    public static string? NotTakenBy(EstimatorKind kind, string estimatorName, string key)
    {
        var keys = KeysOf(kind);
        if (keys.Contains(key.ToLowerInvariant())) return null;
        var own = keys.Where(k => k != "standardize").Select(DisplayName).ToArray();
        return $"{DisplayName(key)} is not a hyperparameter of {estimatorName} (it takes {(own.Length == 0 ? "none but standardize" : string.Join(", ", own))})";
    }

    /// <summary>The hyperparameters that apply to <paramref name="kind"/>, defaults resolved, as model.json writes them.</summary>
    public JsonObject ToJson(EstimatorKind kind, double? resolvedGamma = null)
    {
        var o = new JsonObject();
        switch (kind)
        {
            case EstimatorKind.Ridge:
                o["alpha"] = Alpha ?? 1.0;
                o["fit_intercept"] = FitIntercept;
                break;
            case EstimatorKind.LinearRegression:
                o["fit_intercept"] = FitIntercept;
                break;
            case EstimatorKind.Lasso:
            case EstimatorKind.ElasticNet:
                o["alpha"] = Alpha ?? 1.0;
                o["l1_ratio"] = kind == EstimatorKind.Lasso ? 1.0 : L1Ratio ?? 0.5;
                o["fit_intercept"] = FitIntercept;
                o["tol"] = Tol ?? 1e-4;
                o["max_iter"] = MaxIter ?? 1000;
                break;
            case EstimatorKind.LinearSvr:
                o["C"] = C ?? 1.0;
                o["epsilon"] = Epsilon ?? 0.0;
                o["loss"] = "epsilon_insensitive";
                o["tol"] = Tol ?? 1e-4;
                o["fit_intercept"] = FitIntercept;
                o["intercept_scaling"] = InterceptScaling ?? 1.0;
                o["max_iter"] = MaxIter ?? 1000;
                break;
            case EstimatorKind.KernelRidge:
                o["alpha"] = Alpha ?? 1.0;
                o["kernel"] = EstimatorKinds.ToName(Kernel ?? KernelKind.Linear);
                o["gamma"] = resolvedGamma;
                o["degree"] = Degree ?? 3;
                o["coef0"] = Coef0 ?? 1.0;
                o["fit_intercept"] = FitIntercept;
                break;
            case EstimatorKind.Svr:
                o["C"] = C ?? 1.0;
                o["epsilon"] = Epsilon ?? 0.1;
                o["kernel"] = EstimatorKinds.ToName(Kernel ?? KernelKind.Rbf);
                o["gamma"] = resolvedGamma;
                o["degree"] = Degree ?? 3;
                o["coef0"] = Coef0 ?? 0.0;
                o["tol"] = Tol ?? 1e-3;
                o["shrinking"] = false;
                break;
        }

        o["standardize"] = Standardize;
        return o;
    }
}
