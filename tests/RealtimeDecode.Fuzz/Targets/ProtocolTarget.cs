using RealtimeDecode.Engine.Feedback;
using RealtimeDecode.Imaging;

namespace RealtimeDecode.Fuzz.Targets;

/// <summary>
/// A feedback protocol: the BIDS events table and its JSON sidecar. The input holds both, the table
/// first, separated by the first NUL byte (no NUL: an empty sidecar). Documented: <see cref="InputDataException"/>.
/// </summary>
internal sealed class ProtocolTarget : IFuzzTarget
{
    public string Name => "protocol";

    public void Run(byte[] input)
    {
        var split = Array.IndexOf(input, (byte)0);
        var events = split < 0 ? input : input[..split];
        var sidecar = split < 0 ? [] : input[(split + 1)..];
        Scratch.Write("protocol.json", sidecar);
        var path = Scratch.Write("protocol.tsv", events);
        ProtocolFile.Read(path);
    }

    public bool IsDocumented(Exception exception) => exception is InputDataException;
}
