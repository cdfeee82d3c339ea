using System.Globalization;
using System.Text.Json.Nodes;
using RealtimeDecode.Engine.Decoding;
using RealtimeDecode.Engine.Tables;
using RealtimeDecode.Training.Explanations;

namespace RealtimeDecode.Host.Tests.Commands;

[Collection(ConsoleCollection.Name)]
public sealed class TrainPredictEvaluateCommandTests : IDisposable
{
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>ROI-feature tables of two runs whose targets are a linear function of the features plus noise.</summary>
    private (string[] Features, string[] Targets) Tables(int rows = 120, int targetRows = -1)
    {
        var rng = new Random(5);
        var features = new List<string>();
        var targets = new List<string>();
        for (int run = 0; run < 2; run++)
        {
            var x = new double[rows * 4];
            var y = new double[(targetRows < 0 ? rows : targetRows) * 2];
            for (int i = 0; i < x.Length; i++) x[i] = rng.NextDouble() * 2 - 1;
            for (int r = 0; r < y.Length / 2; r++)
            {
                double a = r < rows ? x[r * 4] : 0, b = r < rows ? x[r * 4 + 1] : 0;
                y[r * 2] = 2 * a - b + 0.05 * (rng.NextDouble() - 0.5);
                y[r * 2 + 1] = a + 0.5 * b + 0.05 * (rng.NextDouble() - 0.5);
            }
            string f = _dir.File($"features-{run}.tsv"), t = _dir.File($"targets-{run}.tsv");
            new NumericTable(["r1", "r2", "r3", "r4"], Enumerable.Range(0, rows).ToArray(), x).Write(f);
            new NumericTable(["joy", "fear"], Enumerable.Range(0, y.Length / 2).ToArray(), y).Write(t);
            features.Add(f);
            targets.Add(t);
        }
        return (features.ToArray(), targets.ToArray());
    }

    [Fact]
    public void Train_SearchWithLeaveRunOutOnTwoRuns_SaysEachChoiceWasMadeByWhichCrossValidation()
    {
        // Each outer fold trains on one run, which cannot be left out again: its inner CV is blocked K-fold.
        var (f, t) = Tables();

        var r = CliRunner.Run("train", "--features", "roi", "--table", f[0], "--table", f[1], "--targets", t[0], "--targets", t[1],
            "--estimator", "ridge", "--search", "alpha=0.1,10", "--cv", "leave-run-out", "--out", _dir.File("model"));

        Assert.True(r.ExitCode == 0, r.Error);
        var lines = r.Out.Split('\n').Select(l => l.Trim()).ToList();
        Assert.Contains(lines, l => l.StartsWith("outer fold 0 (inner blocked-3-gap", StringComparison.Ordinal) && l.Contains(" on 1 run): alpha=0.1 → r", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("outer fold 1 (inner blocked-3-gap", StringComparison.Ordinal) && l.Contains(" on 1 run): chose alpha=", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("final (leave-run-out): alpha=10 → r", StringComparison.Ordinal));
    }

    [Fact]
    public void TrainPredictEvaluate_LeaveRunOut_ModelLearnsTheLinearMapAndReports()
    {
        var (f, t) = Tables();
        var r = CliRunner.Run("train", "--features", "roi", "--table", f[0], "--table", f[1], "--targets", t[0], "--targets", t[1],
            "--estimator", "ridge", "--alpha", "0.1", "--cv", "leave-run-out", "--out", _dir.File("model"), "--report", _dir.File("report"));
        Assert.True(r.ExitCode == 0, r.Error);
        var metrics = JsonNode.Parse(File.ReadAllText(_dir.File("report/metrics.json")))!;
        Assert.True(metrics["models"]![0]!["mean"]!["pearson_r"]!.GetValue<double>() > 0.99);
        Assert.True(File.Exists(_dir.File("report/index.html")));

        r = CliRunner.Run("predict", "--model", _dir.File("model"), "--features", f[1], "--out", _dir.File("pred.tsv"));
        Assert.Equal(0, r.ExitCode);
        var pred = NumericTable.Read(_dir.File("pred.tsv"));
        var truth = NumericTable.Read(t[1]);
        Assert.Equal(["joy", "fear"], pred.Columns);
        Assert.Equal(truth.Values[0], pred.Values[0], 1);

        r = CliRunner.Run("evaluate", "--model", _dir.File("model"), "--table", f[1], "--targets", t[1], "--report", _dir.File("eval"));
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("mean", r.Out);
    }

    [Fact]
    public void Train_BlockedCv_ConsoleModelAndReportGiveOneHeadlineAndNameBothDefinitions()
    {
        // Noisy targets with a slow drift: folds differ in level, so pooled r and the mean of per-fold r differ.
        var rng = new Random(3);
        const int rows = 120;
        var x = new double[rows * 4];
        for (int i = 0; i < x.Length; i++) x[i] = rng.NextDouble() * 2 - 1;
        var y = new double[rows * 2];
        for (int v = 0; v < rows; v++)
        {
            y[v * 2] = x[v * 4] + Math.Sin(v / 12.0) + (rng.NextDouble() - 0.5);
            y[v * 2 + 1] = x[v * 4 + 1] - Math.Cos(v / 9.0) + (rng.NextDouble() - 0.5);
        }
        string f = _dir.File("noisy.tsv"), t = _dir.File("noisy-targets.tsv");
        new NumericTable(["r1", "r2", "r3", "r4"], Enumerable.Range(0, rows).ToArray(), x).Write(f);
        new NumericTable(["joy", "fear"], Enumerable.Range(0, rows).ToArray(), y).Write(t);
        var r = CliRunner.Run("train", "--features", "roi", "--table", f, "--targets", t, "--estimator", "ridge", "--alpha", "1",
            "--cv", "blocked:4", "--out", _dir.File("model"), "--report", _dir.File("report"));
        Assert.True(r.ExitCode == 0, r.Error);

        var report = JsonNode.Parse(File.ReadAllText(_dir.File("report/metrics.json")))!["models"]![0]!;
        var cv = JsonNode.Parse(File.ReadAllText(_dir.File("model/model.json")))!["cv_metrics"]!;
        Assert.Equal("pooled", (string)report["headline"]!);
        double pooled = (double)report["pooled"]!["mean"]!["pearson_r"]!, perFold = (double)report["mean"]!["pearson_r"]!;
        Assert.True(Math.Abs(pooled - perFold) > 5e-4, $"the two definitions must differ here for the test to tell them apart: {pooled} {perFold}");
        Assert.Equal(pooled, (double)cv["mean_pearson_r"]!, 12);
        Assert.Equal(perFold, (double)cv["mean_fold_pearson_r"]!, 12);
        Assert.Equal((double)report["per_target"]!["joy"]!["pearson_r"]!, (double)cv["per_target"]!["joy"]!["mean_fold_pearson_r"]!, 12);
        var meanLine = r.Out.Split('\n').Single(l => l.TrimStart().StartsWith("mean ", StringComparison.Ordinal));
        Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"r {pooled,6:0.000}  fold r {perFold,6:0.000}"), meanLine);
        Assert.Contains("r, R² and MSE of pooled predictions (all folds' together); fold r: mean of per-fold r", r.Out);
        var html = File.ReadAllText(_dir.File("report/index.html"));
        Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"<tr><th>mean</th><th>{pooled:0.000}</th><th>{perFold:0.000}</th>"), html);
        Assert.Contains("<th>r of pooled predictions</th><th>mean of per-fold r</th>", html);
    }

    [Fact]
    public void Train_LinearModel_StoresHaufePatternsOfAllTrainingSamples()
    {
        var (f, t) = Tables();
        var r = CliRunner.Run("train", "--features", "roi", "--table", f[0], "--table", f[1], "--targets", t[0], "--targets", t[1],
            "--estimator", "ridge", "--alpha", "0.1", "--cv", "none", "--out", _dir.File("model"));
        Assert.True(r.ExitCode == 0, r.Error);

        var package = ModelPackage.Load(_dir.File("model"));

        var x = f.SelectMany(path => NumericTable.Read(path).Values).ToArray();
        var expected = EdgeImportance.HaufePatterns(x, x.Length / 4, LinearCoefficients.Raw(package.Model), 2);
        Assert.Equal(x.Length / 4, package.PatternRows);
        Assert.NotNull(package.Patterns);
        for (int k = 0; k < expected.Length; k++) Assert.Equal(expected[k], package.Patterns![k], 10);
    }

    [Fact]
    public void Train_EstimatorLinear_FitsOrdinaryLeastSquares()
    {
        var (f, t) = Tables();

        var r = CliRunner.Run("train", "--features", "roi", "--table", f[0], "--targets", t[0], "--estimator", "linear", "--cv", "none", "--out", _dir.File("model"));

        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Equal(EstimatorKind.LinearRegression, ModelPackage.Load(_dir.File("model")).Model.Kind);
    }

    [Fact]
    public void Train_RandomCv_WarnsThatItLeaks()
    {
        var (f, t) = Tables();
        var r = CliRunner.Run("train", "--features", "roi", "--table", f[0], "--targets", t[0], "--cv", "random:5", "--out", _dir.File("m"));
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("leaks", r.Error);
    }

    [Fact]
    public void Train_BadInputs_OneClearLineExit2()
    {
        var (f, t) = Tables();
        void Fails(string expected, params string[] args)
        {
            var r = CliRunner.Run(args);
            Assert.True(r.ExitCode == 2, $"exit {r.ExitCode}: {r.Error}");
            var line = Assert.Single(r.Error.Trim().Split('\n'));
            Assert.Contains(expected, line);
        }
        Fails("--estimator 'forest'", "train", "--features", "roi", "--table", f[0], "--targets", t[0], "--estimator", "forest", "--out", _dir.File("m"));
        Fails("unknown kernel 'sigmoid'", "train", "--features", "roi", "--table", f[0], "--targets", t[0], "--estimator", "kernel-ridge", "--kernel", "sigmoid", "--out", _dir.File("m"));
        Fails("2 run(s) of features but 1 --targets", "train", "--features", "roi", "--table", f[0], "--table", f[1], "--targets", t[0], "--out", _dir.File("m"));
        Fails("--cv leave-run-out needs at least two runs", "train", "--features", "roi", "--table", f[0], "--targets", t[0], "--cv", "leave-run-out", "--out", _dir.File("m"));
        Fails("not R(R−1)/2 edges", "train", "--features", "dfc", "--table", f[0], "--targets", t[0], "--out", _dir.File("m"));

        var (fs, ts) = Tables(rows: 120, targetRows: 100);
        Fails("targets shorter than features", "train", "--features", "roi", "--table", fs[0], "--targets", ts[0], "--out", _dir.File("m"));

        var (one, oneTargets) = Tables(rows: 1);
        Fails("1 training sample(s) with targets: at least 2 are needed", "train", "--features", "roi", "--table", one[0], "--targets", oneTargets[0], "--cv", "none", "--out", _dir.File("m"));

        File.WriteAllText(_dir.File("ragged.tsv"), "volume\ta\tb\n0\t1\t2\n1\t1\n");
        Fails("ragged row", "train", "--features", "roi", "--table", _dir.File("ragged.tsv"), "--targets", t[0], "--out", _dir.File("m"));
    }

    /// <summary>A 6-column table for the windows ending at volumes 12 … 91 and targets for volumes 0 … 91 (a linear map of it).</summary>
    private (string Features, string Targets) SixColumns(string name, string[] columns)
    {
        var rng = new Random(7);
        const int rows = 80, first = 12;
        var x = new double[rows * 6];
        for (int i = 0; i < x.Length; i++) x[i] = rng.NextDouble() * 2 - 1;
        var y = new double[(first + rows) * 2];
        for (int v = first; v < first + rows; v++) { y[v * 2] = x[(v - first) * 6] - x[(v - first) * 6 + 1]; y[v * 2 + 1] = x[(v - first) * 6 + 2]; }
        string f = _dir.File(name + ".tsv"), t = _dir.File(name + "-targets.tsv");
        new NumericTable(columns, Enumerable.Range(first, rows).ToArray(), x).Write(f);
        new NumericTable(["joy", "fear"], Enumerable.Range(0, first + rows).ToArray(), y).Write(t);
        return (f, t);
    }

    private static readonly string[] Edges = ["a~b", "a~c", "a~d", "b~c", "b~d", "c~d"];
    private static readonly string[] Rois = ["r1", "r2", "r3", "r4", "r5", "r6"];

    private static void AssertRefused(CliRunner.Result r, params string[] expected)
    {
        Assert.True(r.ExitCode == 2, $"exit {r.ExitCode}: {r.Error}");
        var line = Assert.Single(r.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        foreach (var e in expected) Assert.Contains(e, line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", r.Error);
    }

    [Fact]
    public void Train_RoiFeaturesFromAConnectivityTable_RefusedNamingTheTable()
    {
        var (f, t) = SixColumns("dfc", Edges);

        var r = CliRunner.Run("train", "--features", "roi", "--table", f, "--targets", t, "--align", "last", "--cv", "none", "--out", _dir.File("m"));

        AssertRefused(r, "dfc.tsv: its 6 columns are connectivity edges (a~b, …)", "--features roi", "--features dfc");
        Assert.False(Directory.Exists(_dir.File("m")));
    }

    [Fact]
    public void Train_DfcFeaturesFromAnRoiTable_RefusedNamingTheTable()
    {
        // 6 ROI columns: a triangular count, so the table passed for the edges of 4 ROIs before.
        var (f, t) = SixColumns("roi", Rois);

        var r = CliRunner.Run("train", "--features", "dfc", "--table", f, "--targets", t, "--align", "last", "--cv", "none", "--out", _dir.File("m"));

        AssertRefused(r, "roi.tsv: its columns (r1, r2, …) are not connectivity edges", "is it an ROI table?", "--features roi");
        Assert.False(Directory.Exists(_dir.File("m")));
    }

    [Fact]
    public void PredictEvaluate_ConnectivityTableForAnRoiModel_RefusedNamingTableAndModel()
    {
        var (edges, edgeTargets) = SixColumns("dfc", Edges);
        var (rois, roiTargets) = SixColumns("roi", Rois);
        Assert.Equal(0, CliRunner.Run("train", "--features", "roi", "--table", rois, "--targets", roiTargets, "--cv", "none", "--out", _dir.File("roi-model")).ExitCode);

        AssertRefused(CliRunner.Run("predict", "--model", _dir.File("roi-model"), "--features", edges, "--out", _dir.File("p.tsv")),
            "dfc.tsv: its 6 columns are connectivity edges", "roi-model takes ROI amplitudes");
        AssertRefused(CliRunner.Run("evaluate", "--model", _dir.File("roi-model"), "--table", edges, "--targets", edgeTargets, "--report", _dir.File("e")),
            "dfc.tsv: its 6 columns are connectivity edges", "roi-model takes ROI amplitudes");
        Assert.False(File.Exists(_dir.File("p.tsv")));
        Assert.False(Directory.Exists(_dir.File("e")));
    }

    [Fact]
    public void Predict_RoiTableForADfcModel_RefusedSayingTheModelTakesEdgesAndWhereTheyComeFrom()
    {
        var (edges, edgeTargets) = SixColumns("dfc", Edges);
        Assert.Equal(0, CliRunner.Run("train", "--features", "dfc", "--table", edges, "--targets", edgeTargets, "--align", "last", "--cv", "none", "--out", _dir.File("dfc-model")).ExitCode);
        // The 4 ROIs whose 6 edges the model takes, one column each.
        new NumericTable(["r1", "r2", "r3", "r4"], Enumerable.Range(0, 30).ToArray(), Enumerable.Range(0, 120).Select(i => i % 7 / 7.0).ToArray()).Write(_dir.File("roi4.tsv"));

        var r = CliRunner.Run("predict", "--model", _dir.File("dfc-model"), "--features", _dir.File("roi4.tsv"), "--out", _dir.File("p.tsv"));

        AssertRefused(r, "roi4.tsv: has 4 feature columns, the model", "expects 6, the edges of 4 ROIs (DFC, window",
            "this looks like an ROI table; give the table `connectivity` makes of it with the model's window, or --bold with --atlas");
        Assert.False(File.Exists(_dir.File("p.tsv")));
    }

    [Fact]
    public void Predict_CorruptPackageOrMismatchedTable_OneClearLineExit2()
    {
        var (f, t) = Tables();
        Assert.Equal(0, CliRunner.Run("train", "--features", "roi", "--table", f[0], "--targets", t[0], "--cv", "none", "--out", _dir.File("model")).ExitCode);

        File.WriteAllText(_dir.File("three.tsv"), "volume\ta\tb\tc\n0\t1\t2\t3\n");
        var r = CliRunner.Run("predict", "--model", _dir.File("model"), "--features", _dir.File("three.tsv"), "--out", _dir.File("p.tsv"));
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("three.tsv: has 3 feature columns, the model", r.Error);

        var json = _dir.File("model/model.json");
        File.WriteAllText(json, File.ReadAllText(json)[..40]);
        r = CliRunner.Run("predict", "--model", _dir.File("model"), "--features", f[0], "--out", _dir.File("p.tsv"));
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("model.json", r.Error);
        Assert.DoesNotContain("   at ", r.Error);
    }

    [Theory]
    [InlineData("--alpha", "-1", "alpha")]
    [InlineData("--alpha", "NaN", "alpha")]
    [InlineData("--C", "0", "C")]
    [InlineData("--params", "max_iter=-1", "max_iter")]
    [InlineData("--cv", "blocked:1000", "--cv blocked:1000")]
    public void Train_OutOfRangeHyperparameter_RefusedInOneLineWithoutModel(string option, string value, string named)
    {
        var (f, t) = Tables();
        string estimator = option == "--C" ? "linear-svr" : option == "--params" ? "lasso" : "ridge";
        string[] extra = option == "--cv" ? [option, value] : [option, value, "--cv", "none"];
        var r = CliRunner.Run(["train", "--features", "roi", "--table", f[0], "--table", f[1], "--targets", t[0], "--targets", t[1],
            "--estimator", estimator, "--out", _dir.File("model"), .. extra]);
        Assert.True(r.ExitCode == 2, $"exit {r.ExitCode}: {r.Error}");
        var line = Assert.Single(r.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error:", line, StringComparison.Ordinal);
        Assert.Contains(named, line, StringComparison.OrdinalIgnoreCase);
        Assert.False(Directory.Exists(_dir.File("model")));
    }

    [Theory]
    [InlineData("ridge", "--search|C=1,10", "--search: C is not a hyperparameter of ridge (it takes alpha, fit_intercept)")]
    [InlineData("ridge", "--C|5", "--C 5: C is not a hyperparameter of ridge (it takes alpha, fit_intercept)")]
    [InlineData("ridge", "--gamma|0.1", "--gamma 0.1: gamma is not a hyperparameter of ridge")]
    [InlineData("lasso", "--l1-ratio|0.3", "--l1-ratio 0.3: l1_ratio is not a hyperparameter of lasso (it takes alpha, fit_intercept, tol, max_iter)")]
    [InlineData("svr", "--params|max_iter=10", "--params: max_iter is not a hyperparameter of svr")]
    [InlineData("svr", "--search|kernel=rbf,laplacian", "--search: svr takes the linear, rbf and poly kernels, not laplacian")]
    [InlineData("ridge", "--alpha|10|--search|alpha=1,10", "alpha is given (--alpha 10) and searched (--search)")]
    [InlineData("ridge", "--search|foo=1,2", "--search: foo is not a hyperparameter of ridge (it takes alpha, fit_intercept)")]
    [InlineData("ridge", "--search|alpha=1,x", "--search: hyperparameter alpha='x' is not a number")]
    [InlineData("ridge", "--search|alpha=1,10;alpha=100,1000", "--search names 'alpha' twice: give all its values in one list")]
    public void Train_HyperparameterTheEstimatorDoesNotTake_RefusedBeforeReadingAnyRun(string estimator, string options, string expected)
    {
        // The runs do not exist: a refusal that names the hyperparameter came before any run was opened.
        var r = CliRunner.Run(["train", "--bold", _dir.File("missing.nii.gz"), "--atlas", _dir.File("missing-atlas.nii.gz"),
            "--targets", _dir.File("missing.tsv"), "--estimator", estimator, "--cv", "blocked:3", "--out", _dir.File("model"), .. options.Split('|')]);

        Assert.True(r.ExitCode == 2, $"exit {r.ExitCode}: {r.Error}");
        var line = Assert.Single(r.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal("error: " + expected, line[..Math.Min(line.Length, expected.Length + 7)]);
        Assert.Equal("", r.Out);
        Assert.False(Directory.Exists(_dir.File("model")));
    }

    public static TheoryData<string, string> EarlyRefusals => new()
    {
        { "--out|existing-file", "existing-file: --out is an existing file; give a folder" },
        { "--out|existing-folder.zip", "existing-folder.zip: --out is a folder; give a file name" },
        { "--out|existing-file/model", "existing-file: is a file, not a folder (--out)" },
        { "--report|existing-file", "existing-file: --report is an existing file; give a folder" },
        { "--report|existing-file/report", "existing-file: is a file, not a folder (--report)" },
        { "--cv|none|--permutations|5", "--permutations 5 permutes cross-validated predictions, which --cv none does not make" },
        { "--permutations|-1", "--permutations -1: give 0 (none) or a positive count" },
        { "--cv|none|--report|report", "--report shows cross-validated predictions, which --cv none does not make" },
        { "--features|roi|--compare-roi|--report|report", "--compare-roi compares DFC features with ROI amplitudes" },
        { "--compare-roi", "--compare-roi puts its comparison in the report: give --report" },
        { "--cv|leave-run-out", "--cv leave-run-out needs at least two runs" },
        { "--cv|blocked", "--cv 'blocked' is not one of" },
        { "--targets|missing-2.tsv", "1 run(s) of features but 2 --targets file(s)" },
        { "--search|alpha=1,10", "missing.tsv: file not found" },
    };

    [Theory]
    [MemberData(nameof(EarlyRefusals))]
    public void Train_OptionsOrOutputsRefused_BeforeAnyRunIsRead(string options, string expected)
    {
        File.WriteAllText(_dir.File("existing-file"), "not a folder");
        Directory.CreateDirectory(_dir.File("existing-folder.zip"));
        var extra = options.Split('|').Select(o => o.StartsWith("existing", StringComparison.Ordinal) || o.StartsWith("missing", StringComparison.Ordinal) || o == "report" ? _dir.File(o) : o).ToArray();
        bool outGiven = extra.Contains("--out");
        // The run does not exist: a refusal of anything else came before it was opened.
        var r = CliRunner.Run(["train", "--bold", _dir.File("missing.nii.gz"), "--atlas", _dir.File("missing-atlas.nii.gz"), "--targets", _dir.File("missing.tsv"),
            .. outGiven ? Array.Empty<string>() : ["--out", _dir.File("model")], .. extra]);

        Assert.True(r.ExitCode == 2, $"exit {r.ExitCode}: {r.Error}");
        var line = Assert.Single(r.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(expected, line, StringComparison.Ordinal);
        Assert.Equal("", r.Out);
        Assert.False(Directory.Exists(_dir.File("model")));
        Assert.False(Directory.Exists(_dir.File("report")));
        Assert.Equal("not a folder", File.ReadAllText(_dir.File("existing-file")));
    }

    [Fact]
    public void Train_CompareRoiWithFeatureTables_RefusedBeforeFitting()
    {
        var (f, t) = Tables();

        var r = CliRunner.Run("train", "--features", "dfc", "--table", f[0], "--targets", t[0], "--compare-roi", "--report", _dir.File("report"), "--out", _dir.File("model"));

        Assert.True(r.ExitCode == 2, $"exit {r.ExitCode}: {r.Error}");
        Assert.Contains("--compare-roi needs the runs' ROI amplitudes, which feature tables do not hold", r.Error, StringComparison.Ordinal);
        Assert.Equal("", r.Out);
    }

    [Theory]
    [InlineData("1e300", "column 'fear'")]
    [InlineData("Infinity", "column 'fear'")]
    public void Train_AbsurdTargetValue_RefusedNamingFileRowAndColumn(string value, string named)
    {
        var (f, t) = Tables();
        var lines = File.ReadAllLines(t[1]);
        var cells = lines[3].Split('\t');
        cells[2] = value;
        lines[3] = string.Join('\t', cells);
        File.WriteAllLines(t[1], lines);
        var r = CliRunner.Run("train", "--features", "roi", "--table", f[0], "--table", f[1], "--targets", t[0], "--targets", t[1],
            "--estimator", "ridge", "--cv", "none", "--out", _dir.File("model"));
        Assert.True(r.ExitCode == 2, $"exit {r.ExitCode}: {r.Error}");
        var line = Assert.Single(r.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(Path.GetFileName(t[1]), line, StringComparison.Ordinal);
        Assert.Contains("row 3", line, StringComparison.Ordinal);
        Assert.Contains(named, line, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_dir.File("model")));
    }
}
