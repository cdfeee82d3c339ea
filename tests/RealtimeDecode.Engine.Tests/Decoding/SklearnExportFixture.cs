using RealtimeDecode.Tests.Support;
using RealtimeDecode.Engine.Decoding;

namespace RealtimeDecode.Engine.Tests.Decoding;

/// <summary>Shares one <see cref="SklearnExportFixture"/> (one python run) between the test classes that need it.</summary>
[CollectionDefinition(Name)]
public sealed class SklearnExportCollection : ICollectionFixture<SklearnExportFixture>
{
    public const string Name = "sklearn-export";
}

/// <summary>One python process fits every scikit-learn case and exports it; tests then load the packages.</summary>
public sealed class SklearnExportFixture : IDisposable
{
    public const int Train = 60;
    public const int Test = 20;
    public const int Features = 10;
    public const int TargetCount = 3;

    public SklearnExportFixture()
    {
        Work = Path.Combine(Path.GetTempPath(), "rtdecode-export-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Work);
        var rng = new Random(7);
        XTest = new double[Test * Features];
        var x = new double[Train * Features];
        var y = new double[Train * TargetCount];
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = (2 * rng.NextDouble()) - 1 + (i % Features);
        }

        for (int i = 0; i < XTest.Length; i++)
        {
            XTest[i] = (2 * rng.NextDouble()) - 1 + (i % Features);
        }

        for (int i = 0; i < Train; i++)
        {
            for (int t = 0; t < TargetCount; t++)
            {
                double s = 0;
                for (int j = 0; j < Features; j++)
                {
                    s += Math.Sin((t + 1) * (j + 1)) * x[(i * Features) + j];
                }

                y[(i * TargetCount) + t] = Math.Tanh(0.1 * s) + (0.05 * rng.NextDouble());
            }
        }

        NpyArray.FromFloat64(x, Train, Features).Write(Path.Combine(Work, "X_train.npy"));
        NpyArray.FromFloat64(y, Train, TargetCount).Write(Path.Combine(Work, "Y_train.npy"));
        NpyArray.FromFloat64(XTest, Test, Features).Write(Path.Combine(Work, "X_test.npy"));
        string exporter = Path.GetDirectoryName(PythonRunner.RepoFile("src", "python", "rtdecode_sklearn.py"))!;
        PythonRunner.Run(PythonRunner.Golden("Decoding", "export_driver.py"), Work, exporter);
        Cases = File.ReadAllLines(Path.Combine(Work, "cases.txt"))
            .Where(l => l.Length > 0)
            .Select(l => l.Split(' ', 2))
            .ToDictionary(a => a[0], a => a[1]);
    }

    public string Work { get; }

    public double[] XTest { get; }

    public IReadOnlyDictionary<string, string> Cases { get; }

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
}
