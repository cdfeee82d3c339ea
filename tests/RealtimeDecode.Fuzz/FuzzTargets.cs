using RealtimeDecode.Fuzz.Targets;

namespace RealtimeDecode.Fuzz;

/// <summary>Every fuzz target, and the contract check shared by campaigns and the corpus replay.</summary>
internal static class FuzzTargets
{
    public static IReadOnlyList<string> Names { get; } =
        ["nifti", "dicom", "tsv", "npy", "model-json", "protocol", "prt", "lsl-discovery", "lsl-query", "lsl-feed", "hub"];

    public static IFuzzTarget Create(string name) => name switch
    {
        "nifti" => new NiftiTarget(),
        "dicom" => new DicomTarget(),
        "tsv" => new TableTarget(),
        "npy" => new NpyTarget(),
        "model-json" => new ModelJsonTarget(),
        "protocol" => new ProtocolTarget(),
        "prt" => new PrtTarget(),
        "lsl-discovery" => new LslDiscoveryTarget(),
        "lsl-query" => new LslQueryTarget(),
        "lsl-feed" => new LslFeedTarget(),
        "hub" => new HubMessageTarget(),
        _ => throw new ArgumentException($"unknown fuzz target '{name}' (known: {string.Join(", ", Names)})", nameof(name)),
    };

    /// <summary>
    /// Runs one input; returns "ok" or the documented exception's type and message. An undocumented exception
    /// propagates (a crash for AFL, a failure for the replay test).
    /// </summary>
    public static string Execute(IFuzzTarget target, byte[] input)
    {
        try
        {
            target.Run(input);
            return "ok";
        }
        catch (Exception e) when (target.IsDocumented(e))
        {
            return $"{e.GetType().Name}: {e.Message}" + (e.InnerException is { } inner ? $" ({inner.GetType().Name}: {inner.Message})" : "");
        }
    }
}
