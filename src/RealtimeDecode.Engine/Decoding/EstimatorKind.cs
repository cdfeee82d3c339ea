namespace RealtimeDecode.Engine.Decoding;

/// <summary>The estimators a model package can hold. Names in model.json are the snake_case strings of <see cref="EstimatorKinds"/>.</summary>
public enum EstimatorKind
{
    /// <summary>Ridge regression (L2-penalised least squares), linear.</summary>
    Ridge,

    /// <summary>Ordinary least squares, linear.</summary>
    LinearRegression,

    /// <summary>Lasso (L1-penalised), linear.</summary>
    Lasso,

    /// <summary>Elastic net (L1 + L2), linear.</summary>
    ElasticNet,

    /// <summary>Kernel ridge regression: a kernel expansion over the training rows, no intercept.</summary>
    KernelRidge,

    /// <summary>ε-support vector regression (libsvm), one model per target, kernel expansion over support vectors.</summary>
    Svr,

    /// <summary>Linear ε-insensitive SVR (liblinear dual coordinate descent), linear.</summary>
    LinearSvr,
}

/// <summary>Kernels of the kernel estimators, with scikit-learn's definitions.</summary>
public enum KernelKind
{
    /// <summary>⟨x, y⟩.</summary>
    Linear,

    /// <summary>exp(−γ‖x − y‖²).</summary>
    Rbf,

    /// <summary>(γ⟨x, y⟩ + coef0)^degree.</summary>
    Polynomial,

    /// <summary>exp(−γ‖x − y‖₁).</summary>
    Laplacian,
}

/// <summary>Conversions between the enums and their model.json names.</summary>
public static class EstimatorKinds
{
    /// <summary>The model.json name of an estimator kind.</summary>
    public static string ToName(EstimatorKind kind) => kind switch
    {
        EstimatorKind.Ridge => "ridge",
        EstimatorKind.LinearRegression => "linear_regression",
        EstimatorKind.Lasso => "lasso",
        EstimatorKind.ElasticNet => "elastic_net",
        EstimatorKind.KernelRidge => "kernel_ridge",
        EstimatorKind.Svr => "svr",
        EstimatorKind.LinearSvr => "linear_svr",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown estimator kind"),
    };

    /// <summary>Parses a model.json estimator name (also accepts train's "linear", and "ols" and "elasticnet"); false when unknown.</summary>
    public static bool TryParse(string name, out EstimatorKind kind)
    {
        switch (name.Trim().ToLowerInvariant().Replace('-', '_'))
        {
            case "ridge": kind = EstimatorKind.Ridge; return true;
            case "linear_regression" or "linear" or "ols": kind = EstimatorKind.LinearRegression; return true;
            case "lasso": kind = EstimatorKind.Lasso; return true;
            case "elastic_net" or "elasticnet": kind = EstimatorKind.ElasticNet; return true;
            case "kernel_ridge": kind = EstimatorKind.KernelRidge; return true;
            case "svr": kind = EstimatorKind.Svr; return true;
            case "linear_svr": kind = EstimatorKind.LinearSvr; return true;
            default: kind = default; return false;
        }
    }

    /// <summary>True for the kinds whose prediction is W·x + b.</summary>
    public static bool IsLinear(EstimatorKind kind) => kind is not (EstimatorKind.KernelRidge or EstimatorKind.Svr);

    /// <summary>The model.json name of a kernel.</summary>
    public static string ToName(KernelKind kind) => kind switch
    {
        KernelKind.Linear => "linear",
        KernelKind.Rbf => "rbf",
        KernelKind.Polynomial => "poly",
        KernelKind.Laplacian => "laplacian",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown kernel"),
    };

    /// <summary>Parses a kernel name ("poly" and "polynomial" both mean polynomial); false when unknown.</summary>
    public static bool TryParse(string name, out KernelKind kind)
    {
        switch (name.Trim().ToLowerInvariant())
        {
            case "linear": kind = KernelKind.Linear; return true;
            case "rbf": kind = KernelKind.Rbf; return true;
            case "poly" or "polynomial": kind = KernelKind.Polynomial; return true;
            case "laplacian": kind = KernelKind.Laplacian; return true;
            default: kind = default; return false;
        }
    }
}
