using RealtimeDecode.Engine.Decoding;
using RealtimeDecode.Imaging;

namespace RealtimeDecode.Fuzz.Targets;

/// <summary>
/// A model package's model.json, loaded whole (format, version, feature spec, targets, scaler, estimator,
/// every check at load) beside the arrays of two real packages exported from scikit-learn
/// (assets/model/ridge: standardised ridge on DFC features; assets/model/svr: RBF SVR on ROI features).
/// Documented: <see cref="InputDataException"/>.
/// </summary>
internal sealed class ModelJsonTarget : IFuzzTarget
{
    private static readonly Lazy<string[]> Packages = new(() =>
    {
        var assets = Path.Combine(AppContext.BaseDirectory, "assets", "model");
        return Directory.GetDirectories(assets).Order(StringComparer.Ordinal).Select(src =>
        {
            var dst = Scratch.File("model-" + Path.GetFileName(src));
            Directory.CreateDirectory(dst);
            foreach (var f in Directory.GetFiles(src)) File.Copy(f, Path.Combine(dst, Path.GetFileName(f)), overwrite: true);
            return dst;
        }).ToArray();
    });

    public string Name => "model-json";

    public void Run(byte[] input)
    {
        foreach (var package in Packages.Value)
        {
            File.WriteAllBytes(Path.Combine(package, "model.json"), input);
            Scratch.Step(() => ModelPackage.Load(package));
        }
    }

    public bool IsDocumented(Exception exception) => exception is InputDataException;
}
