namespace RealtimeDecode.Engine.Feedback;

/// <summary>What a protocol condition asks of the participant.</summary>
public enum ConditionRole
{
    /// <summary>A rest or instruction screen; its estimates feed nothing.</summary>
    Rest,

    /// <summary>A baseline block: its estimates give the mean and SD the next regulation blocks are normalised against.</summary>
    Baseline,

    /// <summary>A regulation block: its estimates become feedback against the most recent baseline block.</summary>
    Regulate,

    /// <summary>A screen that shows the score of the most recent intermittent regulation block.</summary>
    Display,
}
