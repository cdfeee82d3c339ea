using System.Globalization;
using RealtimeDecode.Engine.Recording;
using RealtimeDecode.Engine.Tables;
using RealtimeDecode.Imaging;

namespace RealtimeDecode.Engine.Feedback;

/// <summary>
/// <c>feedback.tsv</c>: one row per volume from the first estimate to the last, written by the live
/// session and by <c>protocol feedback</c> from a recording's <c>estimates.tsv</c>. Volumes with no estimate
/// (missing, corrupt, censored) are pushed to the kernel as NaN, so they have a row with <c>estimate</c> n/a.
/// </summary>
public static class FeedbackTable
{
    /// <summary>The file name in a recording directory.</summary>
    public const string FileName = "feedback.tsv";

    /// <summary>The columns, in order. <c>published_ms</c> is since session start (monotonic clock); <c>displayed_ms</c> is from the
    /// volume's file complete to the participant display's draw (host clock); n/a where a value does not apply.</summary>
    public static readonly IReadOnlyList<string> Columns =
    [
        "volume", "time_s", "condition", "block", "estimate", "baseline_mean", "baseline_sd", "feedback", "shown",
        "published_ms", "displayed_ms", "score_block", "block_score",
    ];

    /// <summary>The header line (no newline).</summary>
    public static string Header => string.Join('\t', Columns);

    /// <summary>One row (no newline); NaN and absent values as <c>n/a</c>.</summary>
    public static string FormatRow(FeedbackSample s, double publishedMs, double displayedMs) => string.Join('\t',
        s.Volume.ToString(CultureInfo.InvariantCulture), Num(s.TimeS), s.Condition ?? "n/a",
        s.Block > 0 ? s.Block.ToString(CultureInfo.InvariantCulture) : "n/a",
        Num(s.Estimate), Num(s.BaselineMean), Num(s.BaselineSd), Num(s.Feedback), s.Shown ? "1" : "0",
        Num(publishedMs), Num(displayedMs),
        s.ScoreBlock > 0 ? s.ScoreBlock.ToString(CultureInfo.InvariantCulture) : "n/a", Num(s.BlockScore));

    /// <summary>
    /// The offline path: feedback of a recording's estimates table (<c>volume onset_s</c>, targets, <c>censored</c>
    /// with realignment, timing columns) under <paramref name="protocol"/>; <c>published_ms</c> is copied,
    /// <c>displayed_ms</c> is n/a. With <paramref name="withholdCensored"/> (the session's censor policy was withhold)
    /// an estimate whose <c>censored</c> is 1 counts as missing, as it did in the session.
    /// </summary>
    /// <exception cref="InputDataException">The table has no target column, or a source names a target it lacks.</exception>
    public static IReadOnlyList<string> FromEstimates(FeedbackProtocol protocol, NumericTable estimates, string name, double tr, int window, bool withholdCensored = false)
    {
        var targetColumns = new List<int>();
        for (int c = 0; c < estimates.ColumnCount; c++)
            if (estimates.Columns[c] is not ("onset_s" or RecordingLayout.CensoredColumn) && !RecordingLayout.TimingColumns.Contains(estimates.Columns[c])) targetColumns.Add(c);
        int censored = withholdCensored ? estimates.IndexOf(RecordingLayout.CensoredColumn) : -1;
        if (targetColumns.Count == 0) throw new InputDataException(name, "has no target column");
        var targets = targetColumns.Select(c => estimates.Columns[c]).ToList();
        protocol.CheckTargets(targets, name);
        int published = estimates.IndexOf("published_ms");
        var kernel = new FeedbackKernel(protocol, targets, tr, window);
        var lines = new List<string> { Header };
        var values = new double[targets.Count];
        int next = -1;
        for (int r = 0; r < estimates.RowCount; r++)
        {
            int v = estimates.Volumes[r];
            if (next >= 0 && v < next) throw new InputDataException(name, $"volume {v} comes after volume {next - 1}: volumes must increase");
            if (next >= 0)
                for (int gap = next; gap < v; gap++)
                {
                    Array.Fill(values, double.NaN);
                    lines.Add(FormatRow(kernel.Push(gap, values), double.NaN, double.NaN));
                }
            var row = estimates.Row(r);
            bool withheld = censored >= 0 && row[censored] == 1;
            for (int i = 0; i < targets.Count; i++) values[i] = withheld ? double.NaN : row[targetColumns[i]];
            lines.Add(FormatRow(kernel.Push(v, values), published >= 0 ? row[published] : double.NaN, double.NaN));
            next = v + 1;
        }
        return lines;
    }

    private static string Num(double v) => double.IsNaN(v) ? "n/a" : v.ToString("R", CultureInfo.InvariantCulture);
}
