using RealtimeDecode.Engine.Decoding;
using RealtimeDecode.Imaging;

namespace RealtimeDecode.Fuzz.Targets;

/// <summary>NumPy .npy arrays of a model package. Documented: <see cref="InputDataException"/>.</summary>
internal sealed class NpyTarget : IFuzzTarget
{
    public string Name => "npy";

    public void Run(byte[] input)
    {
        var array = NpyArray.Read(new MemoryStream(input, writable: false), "fuzz.npy");
        _ = array.ContainsNaN();
        _ = array.ToFloat64().Length;
    }

    public bool IsDocumented(Exception exception) => exception is InputDataException;
}
