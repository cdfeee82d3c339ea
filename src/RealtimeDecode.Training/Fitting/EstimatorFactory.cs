using RealtimeDecode.Engine.Decoding;

namespace RealtimeDecode.Training.Fitting;

/// <summary>
/// Fits any supported estimator to X [samples × features] and Y [samples × targets] and returns a
/// <see cref="DecodingModel"/> (optional StandardScaler + estimator) ready for a <see cref="ModelPackage"/>.
/// </summary>
internal static class EstimatorFactory
{
    /// <summary>Fits <paramref name="kind"/> with <paramref name="options"/> (null values take scikit-learn's defaults).</summary>
    public static DecodingModel Fit(EstimatorKind kind, EstimatorOptions options, RowMajorMatrix x, RowMajorMatrix y, IReadOnlyList<string> targets)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        ArgumentNullException.ThrowIfNull(targets);
        if (x.Rows != y.Rows)
        {
            throw new ArgumentException($"X has {x.Rows} rows but Y has {y.Rows}", nameof(y));
        }

        if (targets.Count != y.Cols)
        {
            throw new ArgumentException($"{targets.Count} target names for {y.Cols} target columns", nameof(targets));
        }

        if (x.Rows < 2)
        {
            throw new ArgumentException($"at least 2 samples are needed, got {x.Rows}", nameof(x));
        }

        foreach (double v in x.Data)
        {
            if (!double.IsFinite(v))
            {
                throw new ArgumentException("X contains NaN or infinity", nameof(x));
            }
        }

        foreach (double v in y.Data)
        {
            if (!double.IsFinite(v))
            {
                throw new ArgumentException("Y contains NaN or infinity", nameof(y));
            }
        }

        StandardScaler? scaler = null;
        if (options.Standardize)
        {
            scaler = StandardScaler.Fit(x.Data, x.Rows, x.Cols);
            var z = new RowMajorMatrix(x.Rows, x.Cols);
            for (int i = 0; i < x.Rows; i++)
            {
                scaler.Transform(x.Row(i), z.Row(i));
            }

            x = z;
        }

        int p = x.Cols;
        IRegressor estimator;
        double? gamma = null;
        switch (kind)
        {
            case EstimatorKind.Ridge:
                {
                    var (w, b) = RidgeFitter.Fit(x, y, options.Alpha ?? 1.0, options.FitIntercept);
                    estimator = new LinearRegressor(targets, p, w, b);
                    break;
                }

            case EstimatorKind.LinearRegression:
                {
                    var (w, b) = LeastSquaresFitter.Fit(x, y, options.FitIntercept);
                    estimator = new LinearRegressor(targets, p, w, b);
                    break;
                }

            case EstimatorKind.Lasso:
            case EstimatorKind.ElasticNet:
                {
                    double rho = kind == EstimatorKind.Lasso ? 1.0 : options.L1Ratio ?? 0.5;
                    var (w, b, _) = ElasticNetFitter.Fit(x, y, options.Alpha ?? 1.0, rho, options.FitIntercept, options.Tol ?? 1e-4, options.MaxIter ?? 1000);
                    estimator = new LinearRegressor(targets, p, w, b);
                    break;
                }

            case EstimatorKind.LinearSvr:
                {
                    var w = new double[y.Cols * p];
                    var b = new double[y.Cols];
                    var xs = x;
                    Parallel.For(0, y.Cols, t =>
                    {
                        var (wt, bt, _) = LinearSvrSolver.Fit(xs, y.Column(t), options.C ?? 1.0, options.Epsilon ?? 0.0, options.Tol ?? 1e-4,
                            options.MaxIter ?? 1000, options.FitIntercept, options.InterceptScaling ?? 1.0, options.Seed ?? 0);
                        wt.CopyTo(w, t * p);
                        b[t] = bt;
                    });

                    estimator = new LinearRegressor(targets, p, w, b);
                    break;
                }

            case EstimatorKind.KernelRidge:
                {
                    var kernel = Kernel(options, x, GammaMode.Auto, KernelKind.Linear, defaultCoef0: 1.0);
                    gamma = kernel.Gamma;
                    // Without an intercept the ridge penalty pulls every estimate towards 0, not towards the targets' mean.
                    var intercept = new double[y.Cols];
                    var fitted = y;
                    if (options.FitIntercept)
                    {
                        for (int t = 0; t < y.Cols; t++) intercept[t] = y.Column(t).Average();
                        fitted = new RowMajorMatrix(y.Rows, y.Cols);
                        for (int i = 0; i < y.Rows; i++)
                            for (int t = 0; t < y.Cols; t++)
                                fitted[i, t] = y[i, t] - intercept[t];
                    }

                    var dual = KernelRidgeFitter.Fit(x, fitted, kernel, options.Alpha ?? 1.0);
                    estimator = options.RowsAsFloat32
                        ? new KernelExpansionRegressor(targets, p, kernel, ToFloat(x.Data), dual, intercept)
                        : new KernelExpansionRegressor(targets, p, kernel, (double[])x.Data.Clone(), dual, intercept);
                    break;
                }

            case EstimatorKind.Svr:
                {
                    var kernel = Kernel(options, x, GammaMode.Scale, KernelKind.Rbf, defaultCoef0: 0.0);
                    if (kernel.Kind == KernelKind.Laplacian)
                    {
                        throw new ArgumentException("SVR supports the linear, rbf and poly kernels", nameof(options));
                    }

                    gamma = kernel.Gamma;
                    estimator = SvrFitter.Fit(x, y, targets, kernel, options.C ?? 1.0, options.Epsilon ?? 0.1, options.Tol ?? 1e-3, options.RowsAsFloat32).Model;
                    break;
                }

            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown estimator kind");
        }

        return new DecodingModel(kind, options.ToJson(kind, gamma), scaler, estimator);
    }

    private static KernelFunction Kernel(EstimatorOptions o, RowMajorMatrix x, GammaMode defaultGamma, KernelKind defaultKernel, double defaultCoef0)
    {
        var kind = o.Kernel ?? defaultKernel;
        double gamma = kind == KernelKind.Linear ? 0 : KernelMatrix.ResolveGamma(o.GammaMode, o.Gamma, x, defaultGamma);
        return new KernelFunction(kind, gamma, o.Coef0 ?? defaultCoef0, o.Degree ?? 3);
    }

    private static float[] ToFloat(double[] d)
    {
        var f = new float[d.Length];
        for (int i = 0; i < d.Length; i++)
        {
            f[i] = (float)d[i];
        }

        return f;
    }
}
