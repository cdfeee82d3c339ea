namespace RealtimeDecode.Training.Fitting;

/// <summary>
/// Identity of one sample: the run it comes from and the last volume of its window (0-based within the
/// run). A window of W volumes ending at v covers volumes [v − W + 1, v] of that run.
/// </summary>
/// <param name="Run">Run index (or any run key).</param>
/// <param name="LastVolume">Last volume of the window.</param>
public readonly record struct SampleWindow(int Run, int LastVolume)
{
    /// <summary>True when windows of length <paramref name="window"/> ending at this sample and at <paramref name="other"/> share a volume.</summary>
    public bool SharesVolumeWith(SampleWindow other, int window) => Run == other.Run && Math.Abs(LastVolume - other.LastVolume) < window;
}

/// <summary>One cross-validation fold: indices into the sample list.</summary>
/// <param name="Index">Fold number, from 0.</param>
/// <param name="Train">Training sample indices, ascending.</param>
/// <param name="Test">Test sample indices, ascending.</param>
public sealed record CvFold(int Index, int[] Train, int[] Test);

/// <summary>Splits samples into train/test folds.</summary>
public interface ICrossValidationSplitter
{
    /// <summary>Short name for reports, e.g. "blocked-5-gap13".</summary>
    string Name { get; }

    /// <summary>
    /// True when training and test windows can share volumes (random K-fold on overlapping windows):
    /// scores are then optimistic, and the caller must warn the user.
    /// </summary>
    bool Leaks { get; }

    /// <summary>The folds for these samples.</summary>
    IReadOnlyList<CvFold> Split(IReadOnlyList<SampleWindow> samples);
}

/// <summary>Leave-one-run-out: each run is the test set once, trained on all other runs. Windows never cross runs, so nothing leaks.</summary>
public sealed class LeaveRunOutSplitter : ICrossValidationSplitter
{
    /// <inheritdoc/>
    public string Name => "leave-run-out";

    /// <inheritdoc/>
    public bool Leaks => false;

    /// <inheritdoc/>
    public IReadOnlyList<CvFold> Split(IReadOnlyList<SampleWindow> samples)
    {
        var runs = samples.Select(s => s.Run).Distinct().Order().ToArray();
        if (runs.Length < 2)
        {
            throw new ArgumentException($"leave-run-out needs at least 2 runs, the samples have {runs.Length}", nameof(samples));
        }

        return [.. runs.Select((r, k) => new CvFold(
            k,
            [.. Enumerable.Range(0, samples.Count).Where(i => samples[i].Run != r)],
            [.. Enumerable.Range(0, samples.Count).Where(i => samples[i].Run == r)]))];
    }
}

/// <summary>
/// Blocked K-fold: samples ordered by (run, last volume) are cut into K contiguous blocks; each block is the
/// test set once. Training excludes every sample of the same run whose last volume lies within
/// <see cref="Gap"/> volumes of the test block ([first − gap, last + gap]); with gap ≥ W − 1 no training
/// window shares a volume with a test window. The default gap is W.
/// </summary>
internal sealed class BlockedKFoldSplitter : ICrossValidationSplitter
{
    /// <summary>Creates the splitter.</summary>
    /// <param name="folds">K ≥ 2.</param>
    /// <param name="window">Window length W in volumes (1 for ROI features).</param>
    /// <param name="gap">Gap in volumes on each side of a test block (default W; at least W − 1).</param>
    public BlockedKFoldSplitter(int folds, int window, int? gap = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(folds, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(window, 1);
        int g = gap ?? window;
        if (g < window - 1)
        {
            throw new ArgumentOutOfRangeException(nameof(gap), g, $"a gap below W − 1 = {window - 1} lets training windows overlap test windows");
        }

        Folds = folds;
        Window = window;
        Gap = g;
    }

    /// <summary>K.</summary>
    public int Folds { get; }

    /// <summary>W.</summary>
    public int Window { get; }

    /// <summary>Gap in volumes on each side of a test block.</summary>
    public int Gap { get; }

    /// <inheritdoc/>
    public string Name => $"blocked-{Folds}-gap{Gap}";

    /// <inheritdoc/>
    public bool Leaks => false;

    /// <inheritdoc/>
    public IReadOnlyList<CvFold> Split(IReadOnlyList<SampleWindow> samples)
    {
        int n = samples.Count;
        if (n < Folds)
        {
            throw new ArgumentException($"{n} samples cannot make {Folds} folds", nameof(samples));
        }

        var order = Enumerable.Range(0, n).OrderBy(i => samples[i].Run).ThenBy(i => samples[i].LastVolume).ToArray();
        var folds = new List<CvFold>();
        for (int k = 0; k < Folds; k++)
        {
            int start = (int)((long)k * n / Folds), end = (int)((long)(k + 1) * n / Folds);
            var test = order[start..end];
            // Per run, the span of test last-volumes widened by the gap.
            var spans = test.GroupBy(i => samples[i].Run).ToDictionary(
                g => g.Key,
                g => (Lo: g.Min(i => samples[i].LastVolume) - Gap, Hi: g.Max(i => samples[i].LastVolume) + Gap));
            var testSet = new HashSet<int>(test);
            var train = Enumerable.Range(0, n).Where(i => !testSet.Contains(i)
                && !(spans.TryGetValue(samples[i].Run, out var s) && samples[i].LastVolume >= s.Lo && samples[i].LastVolume <= s.Hi)).ToArray();
            Array.Sort(test);
            folds.Add(new CvFold(k, train, test));
        }

        return folds;
    }
}

/// <summary>
/// Shuffled K-fold ignoring time. With overlapping windows neighbouring samples share volumes, so
/// training sees the test data: <see cref="Leaks"/> is true and the caller must print a warning.
/// Provided only to reproduce the published (leaky) evaluation.
/// </summary>
public sealed class RandomKFoldSplitter(int folds, int seed = 0) : ICrossValidationSplitter
{
    /// <summary>K.</summary>
    public int Folds { get; } = folds >= 2 ? folds : throw new ArgumentOutOfRangeException(nameof(folds), folds, "at least 2 folds");

    /// <inheritdoc/>
    public string Name => $"random-{Folds}";

    /// <inheritdoc/>
    public bool Leaks => true;

    /// <summary>The warning the caller prints.</summary>
    public const string Warning = "random K-fold on overlapping windows leaks test volumes into training; scores are optimistic (use blocked or leave-run-out)";

    /// <inheritdoc/>
    public IReadOnlyList<CvFold> Split(IReadOnlyList<SampleWindow> samples)
    {
        int n = samples.Count;
        if (n < Folds)
        {
            throw new ArgumentException($"{n} samples cannot make {Folds} folds", nameof(samples));
        }

        var perm = Enumerable.Range(0, n).ToArray();
        new Random(seed).Shuffle(perm);
        var folds = new List<CvFold>();
        for (int k = 0; k < Folds; k++)
        {
            int start = (int)((long)k * n / Folds), end = (int)((long)(k + 1) * n / Folds);
            var test = perm[start..end];
            Array.Sort(test);
            var ts = new HashSet<int>(test);
            folds.Add(new CvFold(k, [.. Enumerable.Range(0, n).Where(i => !ts.Contains(i))], test));
        }

        return folds;
    }
}
