namespace RealtimeDecode.Engine.Feedback;

/// <summary>When a regulation block's feedback reaches the participant.</summary>
public enum FeedbackMode
{
    /// <summary>No feedback (baseline, rest and display conditions, or a regulation block without feedback).</summary>
    None,

    /// <summary>Every new estimate of the block is shown while the block is on screen.</summary>
    Continuous,

    /// <summary>One value, the block's mean feedback, is shown once the block's last estimate is in.</summary>
    Intermittent,
}
