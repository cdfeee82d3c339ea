using RealtimeDecode.Tests.Support;
using System.Text.Json.Nodes;
using RealtimeDecode.Engine.Decoding;
using RealtimeDecode.Training.Fitting;

namespace RealtimeDecode.Training.Tests.Fitting;

/// <summary>A fitting case: our estimator and options, scikit-learn's estimator name and parameters, the data set.</summary>
public sealed record FitCase(string Name, EstimatorKind Kind, EstimatorOptions Options, string SklearnEstimator, JsonObject SklearnParams, string Data);

/// <summary>Writes the data sets, runs one python process that fits every case with scikit-learn, fits every case in C#.</summary>
public sealed class SklearnFitFixture : IDisposable
{
    public SklearnFitFixture()
    {
        Work = Path.Combine(Path.GetTempPath(), "rtdecode-fit-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Work);
        AddData("tall", 80, 12, 3, 40, seed: 1, smooth: false);
        AddData("wide", 30, 200, 2, 15, seed: 2, smooth: false);
        AddData("svr", 60, 4, 2, 25, seed: 3, smooth: true);
        var spec = new JsonArray();
        foreach (var c in Cases)
        {
            spec.Add(new JsonObject { ["name"] = c.Name, ["estimator"] = c.SklearnEstimator, ["params"] = c.SklearnParams.DeepClone(), ["data"] = c.Data });
        }

        File.WriteAllText(Path.Combine(Work, "spec.json"), spec.ToJsonString());
        PythonRunner.Run(PythonRunner.Golden("Fitting", "sklearn_fit_driver.py"), Work);
        foreach (var c in Cases)
        {
            var (x, y, _) = Data[c.Data];
            Models[c.Name] = EstimatorFactory.Fit(c.Kind, c.Options, x, y, [.. Enumerable.Range(0, y.Cols).Select(i => $"t{i}")]);
        }
    }

    public static IReadOnlyList<FitCase> Cases { get; } =
    [
        new("ridge_tall", EstimatorKind.Ridge, new() { Alpha = 2.5 }, "ridge", new() { ["alpha"] = 2.5 }, "tall"),
        new("ridge_wide", EstimatorKind.Ridge, new() { Alpha = 0.7 }, "ridge", new() { ["alpha"] = 0.7 }, "wide"),
        new("ridge_tall_no_intercept", EstimatorKind.Ridge, new() { Alpha = 1.0, FitIntercept = false }, "ridge", new() { ["alpha"] = 1.0, ["fit_intercept"] = false }, "tall"),
        new("ols_tall", EstimatorKind.LinearRegression, new(), "linear_regression", [], "tall"),
        new("ols_wide", EstimatorKind.LinearRegression, new(), "min_norm_lstsq", [], "wide"),
        new("lasso_tall", EstimatorKind.Lasso, new() { Alpha = 0.05 }, "lasso", new() { ["alpha"] = 0.05 }, "tall"),
        new("enet_tall", EstimatorKind.ElasticNet, new() { Alpha = 0.05, L1Ratio = 0.4 }, "elastic_net", new() { ["alpha"] = 0.05, ["l1_ratio"] = 0.4 }, "tall"),
        new("lasso_wide", EstimatorKind.Lasso, new() { Alpha = 0.02 }, "lasso", new() { ["alpha"] = 0.02 }, "wide"),
        new("enet_wide", EstimatorKind.ElasticNet, new() { Alpha = 0.03, L1Ratio = 0.7 }, "elastic_net", new() { ["alpha"] = 0.03, ["l1_ratio"] = 0.7 }, "wide"),
        new("kr_rbf", EstimatorKind.KernelRidge, new() { RowsAsFloat32 = false, FitIntercept = false, Alpha = 0.5, Kernel = KernelKind.Rbf, GammaMode = GammaMode.Value, Gamma = 0.1 }, "kernel_ridge", new() { ["alpha"] = 0.5, ["kernel"] = "rbf", ["gamma"] = 0.1 }, "tall"),
        new("kr_linear", EstimatorKind.KernelRidge, new() { RowsAsFloat32 = false, FitIntercept = false, Alpha = 0.5, Kernel = KernelKind.Linear }, "kernel_ridge", new() { ["alpha"] = 0.5, ["kernel"] = "linear" }, "tall"),
        new("kr_poly", EstimatorKind.KernelRidge, new() { RowsAsFloat32 = false, FitIntercept = false, Alpha = 0.5, Kernel = KernelKind.Polynomial, Degree = 2, Coef0 = 1 }, "kernel_ridge", new() { ["alpha"] = 0.5, ["kernel"] = "polynomial", ["degree"] = 2, ["coef0"] = 1 }, "tall"),
        new("kr_laplacian", EstimatorKind.KernelRidge, new() { RowsAsFloat32 = false, FitIntercept = false, Alpha = 0.5, Kernel = KernelKind.Laplacian, GammaMode = GammaMode.Value, Gamma = 0.05 }, "kernel_ridge", new() { ["alpha"] = 0.5, ["kernel"] = "laplacian", ["gamma"] = 0.05 }, "tall"),
        new("kr_rbf_wide_default_gamma", EstimatorKind.KernelRidge, new() { RowsAsFloat32 = false, FitIntercept = false, Alpha = 0.1, Kernel = KernelKind.Rbf }, "kernel_ridge", new() { ["alpha"] = 0.1, ["kernel"] = "rbf" }, "wide"),
        new("svr_rbf", EstimatorKind.Svr, new() { C = 2, Epsilon = 0.05 }, "svr", new() { ["C"] = 2.0, ["epsilon"] = 0.05, ["shrinking"] = false }, "svr"),
        new("svr_rbf_vs_shrinking", EstimatorKind.Svr, new() { C = 2, Epsilon = 0.05 }, "svr", new() { ["C"] = 2.0, ["epsilon"] = 0.05 }, "svr"),
        new("svr_rbf_auto", EstimatorKind.Svr, new() { C = 1, Epsilon = 0.1, GammaMode = GammaMode.Auto }, "svr", new() { ["C"] = 1.0, ["epsilon"] = 0.1, ["gamma"] = "auto", ["shrinking"] = false }, "svr"),
        new("svr_linear", EstimatorKind.Svr, new() { C = 0.5, Epsilon = 0.1, Kernel = KernelKind.Linear }, "svr", new() { ["C"] = 0.5, ["epsilon"] = 0.1, ["kernel"] = "linear", ["shrinking"] = false }, "svr"),
        new("svr_poly", EstimatorKind.Svr, new() { C = 1, Epsilon = 0.1, Kernel = KernelKind.Polynomial, Degree = 3, Coef0 = 1 }, "svr", new() { ["C"] = 1.0, ["epsilon"] = 0.1, ["kernel"] = "poly", ["degree"] = 3, ["coef0"] = 1.0, ["shrinking"] = false }, "svr"),
        new("linear_svr", EstimatorKind.LinearSvr, new() { C = 1, Epsilon = 0.05, Tol = 1e-7, MaxIter = 200000 }, "linear_svr", new() { ["C"] = 1.0, ["epsilon"] = 0.05, ["tol"] = 1e-7, ["max_iter"] = 200000, ["random_state"] = 0 }, "tall"),
        new("linear_svr_default_tol", EstimatorKind.LinearSvr, new() { C = 1, Epsilon = 0.05, MaxIter = 10000 }, "linear_svr", new() { ["C"] = 1.0, ["epsilon"] = 0.05, ["max_iter"] = 10000, ["random_state"] = 0 }, "tall"),
    ];

    public string Work { get; }

    public Dictionary<string, (RowMajorMatrix X, RowMajorMatrix Y, RowMajorMatrix XTest)> Data { get; } = [];

    public Dictionary<string, DecodingModel> Models { get; } = [];

    public double[] Load(string name, string what) => NpyArray.Read(Path.Combine(Work, $"{name}_{what}.npy")).ToFloat64();

    public bool Has(string name, string what) => File.Exists(Path.Combine(Work, $"{name}_{what}.npy"));

    public void Dispose()
    {
        try
        {
            Directory.Delete(Work, true);
        }
        catch (IOException)
        {
        }
    }

    private void AddData(string name, int n, int p, int t, int m, int seed, bool smooth)
    {
        var rng = new Random(seed);
        var x = new RowMajorMatrix(n, p);
        var xt = new RowMajorMatrix(m, p);
        var y = new RowMajorMatrix(n, t);
        var b = new double[t * p];
        for (int i = 0; i < b.Length; i++)
        {
            b[i] = rng.NextDouble() < 0.5 ? 0 : (2 * rng.NextDouble()) - 1;
        }

        void Fill(RowMajorMatrix a)
        {
            for (int i = 0; i < a.Rows; i++)
            {
                for (int j = 0; j < p; j++)
                {
                    a[i, j] = (smooth ? 4 : 2) * (rng.NextDouble() - 0.5) + (smooth ? 0 : 0.3 * (j % 5));
                }
            }
        }

        Fill(x);
        Fill(xt);
        for (int i = 0; i < n; i++)
        {
            for (int k = 0; k < t; k++)
            {
                double v;
                if (smooth)
                {
                    v = k == 0 ? Math.Sin(x[i, 0]) + (0.5 * x[i, 1]) : Math.Cos(x[i, 2]) * x[i, 3];
                }
                else
                {
                    v = 1.5 + k;
                    for (int j = 0; j < p; j++)
                    {
                        v += b[(k * p) + j] * x[i, j];
                    }
                }

                y[i, k] = v + (0.1 * (rng.NextDouble() - 0.5));
            }
        }

        Data[name] = (x, y, xt);
        NpyArray.FromFloat64(x.Data, n, p).Write(Path.Combine(Work, $"{name}_X.npy"));
        NpyArray.FromFloat64(y.Data, n, t).Write(Path.Combine(Work, $"{name}_Y.npy"));
        NpyArray.FromFloat64(xt.Data, m, p).Write(Path.Combine(Work, $"{name}_Xt.npy"));
    }
}
