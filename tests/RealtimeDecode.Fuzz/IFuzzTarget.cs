namespace RealtimeDecode.Fuzz;

/// <summary>
/// One parser under fuzzing. <see cref="Run"/> feeds it one input; the parser either succeeds or throws
/// an exception that <see cref="IsDocumented"/> accepts (the user error it promises for bad input).
/// Any other exception, a hang or a process crash is a finding.
/// </summary>
internal interface IFuzzTarget
{
    /// <summary>The name on the command line and of the corpus folder.</summary>
    string Name { get; }

    /// <summary>Parses <paramref name="input"/> as the application would receive it.</summary>
    void Run(byte[] input);

    /// <summary>True for the exceptions the parser documents for malformed input.</summary>
    bool IsDocumented(Exception exception);
}
