using RealtimeDecode.Engine.Feedback;
using RealtimeDecode.Imaging;

namespace RealtimeDecode.Fuzz.Targets;

/// <summary>A BrainVoyager .prt protocol, read at TR 2 s as <c>protocol import</c> does. Documented: <see cref="InputDataException"/>.</summary>
internal sealed class PrtTarget : IFuzzTarget
{
    public string Name => "prt";

    public void Run(byte[] input) => PrtFile.Read(Scratch.Write("fuzz.prt", input), 2.0);

    public bool IsDocumented(Exception exception) => exception is InputDataException;
}
