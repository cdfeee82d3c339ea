using RealtimeDecode.Engine.Decoding;
using RealtimeDecode.Engine.Features;
using RealtimeDecode.Engine.Tables;
using RealtimeDecode.Imaging;
using RealtimeDecode.Training.Datasets;
using RealtimeDecode.Training.Fitting;
using RealtimeDecode.Training.Reports;
using RealtimeDecode.Training.Synthesis;

namespace RealtimeDecode.Training.Tests.Synthesis;

/// <summary>
/// The simulator makes the published hypothesis testable: emotion lives in changing coupling, so a
/// DFC model trained on run 1 follows the truth on the held-out run 2, and a ROI-amplitude model
/// trained the same way does not.
/// </summary>
public class SyntheticDecodabilityTests
{
    [Fact]
    public void HeldOutRun_DfcModelTracksTruth_RoiAmplitudeModelDoesNot()
    {
        string root = Path.Combine(Path.GetTempPath(), "rtd-decodability-" + Guid.NewGuid().ToString("N"));
        try
        {
            var session = SyntheticSession.Write(root, new SynthOptions { Nx = 20, Ny = 24, Nz = 18, Parcels = 100, Seed = 3 });
            var atlas = Atlas.Load(session.Atlas, session.Labels);
            double dfc = HeldOutMeanR(session, atlas, new FeatureSettings());
            double roi = HeldOutMeanR(session, atlas, new FeatureSettings { Kind = FeatureKind.Roi });
            Assert.True(dfc >= 0.6, $"DFC held-out mean r {dfc:0.000} < 0.6");
            Assert.True(roi < 0.2 && dfc - roi > 0.4, $"ROI-amplitude held-out mean r {roi:0.000} is not clearly worse than DFC {dfc:0.000}");
        }
        finally { if (Directory.Exists(root)) Directory.Delete(root, true); }
    }

    private static double HeldOutMeanR(SynthResult session, Atlas atlas, FeatureSettings settings)
    {
        RunData Load(int r) => new($"run-{r + 1}",
            FeatureTables.FromRun(BoldRun.Open(session.Runs[r]), atlas, settings), NumericTable.Read(session.Truth[r]), session.Runs[r], session.Truth[r]);
        var train = TrainingSet.Build([Load(0)], settings.Span, TargetAlignment.Window);
        var test = TrainingSet.Build([Load(1)], settings.Span, TargetAlignment.Window);
        var model = EstimatorFactory.Fit(EstimatorKind.Ridge, new EstimatorOptions { Alpha = 100, Standardize = true }, train.X, train.Y, train.Targets);
        var predicted = new double[test.X.Rows, test.Y.Cols];
        var actual = new double[test.X.Rows, test.Y.Cols];
        var row = new double[test.Y.Cols];
        for (int i = 0; i < test.X.Rows; i++)
        {
            model.Predict(test.X.Row(i), row);
            for (int t = 0; t < row.Length; t++) { predicted[i, t] = row[t]; actual[i, t] = test.Y[i, t]; }
        }
        var eval = new ModelEvaluation(settings.ToString(), test.Targets, [new FoldPredictions("run-2", test.Samples.Select(s => s.LastVolume).ToArray(), actual, predicted)]);
        return eval.Mean().PearsonR;
    }
}
