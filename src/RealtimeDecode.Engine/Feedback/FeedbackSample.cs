namespace RealtimeDecode.Engine.Feedback;

/// <summary>What the protocol made of one estimate: one row of <c>feedback.tsv</c>.</summary>
/// <param name="Volume">0-based volume index of the estimate.</param>
/// <param name="TimeS">The time (s from the first volume's acquisition) the estimate describes.</param>
/// <param name="Block">Block number (from 1) the estimate is assigned to; 0 when its time lies in no block.</param>
/// <param name="Condition">The block's condition name, or null.</param>
/// <param name="Estimate">The feedback source's raw value (NaN for a missing volume or when the protocol has no source).</param>
/// <param name="BaselineMean">Mean of the source over the block's baseline (regulation blocks only, else NaN).</param>
/// <param name="BaselineSd">Sample SD (n − 1) of the same (NaN with fewer than 2 baseline estimates).</param>
/// <param name="Feedback">Normalised, smoothed, signed and clipped feedback (regulation blocks only, else NaN).</param>
/// <param name="Shown">Whether a value reached the participant's screen with this estimate.</param>
/// <param name="ScoreBlock">Number of the intermittent block whose score is released with this estimate, or 0.</param>
/// <param name="BlockScore">That block's score (NaN when none is released).</param>
public sealed record FeedbackSample(
    int Volume,
    double TimeS,
    int Block,
    string? Condition,
    double Estimate,
    double BaselineMean,
    double BaselineSd,
    double Feedback,
    bool Shown,
    int ScoreBlock,
    double BlockScore);
