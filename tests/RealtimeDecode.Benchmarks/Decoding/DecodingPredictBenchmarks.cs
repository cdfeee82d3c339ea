using System.Numerics.Tensors;
using BenchmarkDotNet.Attributes;
using RealtimeDecode.Engine.Decoding;

namespace RealtimeDecode.Benchmarks.Decoding;

/// <summary>
/// One prediction at the published scale: 400 ROIs → 79,800 DFC features, 8 emotion targets, with the
/// StandardScaler step. Kernel rows are float32 (the stored precision for large kernel models); the
/// float16 case holds them as float16 in memory (RowPrecision.Float16); the two-thread case sets
/// KernelExpansionRegressor.Parallelism = 2.
/// SVR: 8 targets × 1,000 support vectors each over one training set, so the union is 1,000 rows.
/// The read bounds are the same machine's sequential read of the same bytes in the same run: the sum of
/// the 1,000 float32 rows (319 MB; one thread and two, as the kernel models use), and of the multiband
/// ridge coefficients (8 × 499,500 float64, 32 MB, two threads as its prediction uses).
/// </summary>
[MemoryDiagnoser]
public class DecodingPredictBenchmarks
{
    private const int Features = 79_800;
    private const int Targets = 8;
    private const int Rows = 1_000;
    private static readonly string[] Names = ["anticipation", "joy", "trust", "fear", "surprise", "sadness", "disgust", "anger"];
    private DecodingModel _ridge = null!;
    private DecodingModel _kernelRidge = null!;
    private DecodingModel _svr = null!;
    private DecodingModel _svrHalf = null!;
    private DecodingModel _svrTwoThreads = null!;
    private const int MultibandFeatures = 499_500;
    private DecodingModel _ridgeMultiband = null!;
    private float[] _rows = null!;
    private double[] _wMultiband = null!;
    private double[] _x = null!;
    private double[] _xMultiband = null!;
    private readonly double[] _y = new double[Targets];

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(1);
        var scaler = new StandardScaler(new double[Features], [.. Enumerable.Repeat(1.0, Features)]);
        _x = [.. Enumerable.Range(0, Features).Select(_ => rng.NextDouble() - 0.5)];
        var w = new double[Targets * Features];
        for (int i = 0; i < w.Length; i++)
        {
            w[i] = rng.NextDouble() - 0.5;
        }

        _ridge = new DecodingModel(EstimatorKind.Ridge, null, scaler, new LinearRegressor(Names, Features, w, new double[Targets]));
        var rows = new float[(long)Rows * Features];
        for (long i = 0; i < rows.LongLength; i++)
        {
            rows[i] = (float)(rng.NextDouble() - 0.5);
        }

        var coef = new double[Targets * Rows];
        for (int i = 0; i < coef.Length; i++)
        {
            coef[i] = rng.NextDouble() - 0.5;
        }

        var rbf = new KernelFunction(KernelKind.Rbf, 1.0 / Features);
        _kernelRidge = new DecodingModel(EstimatorKind.KernelRidge, null, scaler, new KernelExpansionRegressor(Names, Features, rbf, rows, coef, new double[Targets]));
        var svr = new KernelExpansionRegressor(Names, Features, rbf, rows, coef, new double[Targets]);
        _svr = new DecodingModel(EstimatorKind.Svr, null, scaler, svr);
        _svrHalf = new DecodingModel(EstimatorKind.Svr, null, scaler, svr.WithPrecision(RowPrecision.Float16));
        var two = svr.Clone();
        two.Parallelism = 2;
        _svrTwoThreads = new DecodingModel(EstimatorKind.Svr, null, scaler, two);
        _rows = rows;

        _xMultiband = [.. Enumerable.Range(0, MultibandFeatures).Select(_ => rng.NextDouble() - 0.5)];
        _wMultiband = [.. Enumerable.Range(0, Targets * MultibandFeatures).Select(_ => rng.NextDouble() - 0.5)];
        var scalerMb = new StandardScaler(new double[MultibandFeatures], [.. Enumerable.Repeat(1.0, MultibandFeatures)]);
        _ridgeMultiband = new DecodingModel(EstimatorKind.Ridge, null, scalerMb, new LinearRegressor(Names, MultibandFeatures, _wMultiband, new double[Targets]));
    }

    [Benchmark]
    public double RidgePredictMultiband()
    {
        _ridgeMultiband.Predict(_xMultiband, _y);
        return _y[0];
    }

    [Benchmark]
    public double ReadBoundRidgeMultibandTwoThreads()
    {
        var w = _wMultiband;
        double a = 0, b = 0;
        int half = w.Length / 2;
        Parallel.Invoke(
            () => a = TensorPrimitives.Sum<double>(w.AsSpan(0, half)),
            () => b = TensorPrimitives.Sum<double>(w.AsSpan(half)));
        return a + b;
    }

    [Benchmark]
    public double ReadBoundKernelRows() => TensorPrimitives.Sum<float>(_rows);

    [Benchmark]
    public double ReadBoundKernelRowsTwoThreads()
    {
        var r = _rows;
        double a = 0, b = 0;
        int half = r.Length / 2;
        Parallel.Invoke(
            () => a = TensorPrimitives.Sum<float>(r.AsSpan(0, half)),
            () => b = TensorPrimitives.Sum<float>(r.AsSpan(half)));
        return a + b;
    }

    [Benchmark]
    public double RidgePredict()
    {
        _ridge.Predict(_x, _y);
        return _y[0];
    }

    [Benchmark]
    public double KernelRidgeRbfPredict()
    {
        _kernelRidge.Predict(_x, _y);
        return _y[0];
    }

    [Benchmark]
    public double SvrRbfPredict()
    {
        _svr.Predict(_x, _y);
        return _y[0];
    }

    [Benchmark]
    public double SvrRbfPredictTwoThreads()
    {
        _svrTwoThreads.Predict(_x, _y);
        return _y[0];
    }

    [Benchmark]
    public double SvrRbfPredictFloat16Rows()
    {
        _svrHalf.Predict(_x, _y);
        return _y[0];
    }
}
