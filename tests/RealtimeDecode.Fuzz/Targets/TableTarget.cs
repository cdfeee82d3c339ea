using System.Text;
using RealtimeDecode.Engine.Tables;
using RealtimeDecode.Imaging;
using RealtimeDecode.Training.Annotation;

namespace RealtimeDecode.Fuzz.Targets;

/// <summary>
/// The TSV tables a user hands the CLI, each reader on the same bytes: numeric tables (ROI tables,
/// connectivity, regression targets), atlas label tables and annotation tables. Documented:
/// <see cref="InputDataException"/>.
/// </summary>
internal sealed class TableTarget : IFuzzTarget
{
    public string Name => "tsv";

    public void Run(byte[] input)
    {
        Scratch.Step(() =>
        {
            using var reader = new StreamReader(new MemoryStream(input), Encoding.UTF8);
            NumericTable.Read(reader, "fuzz.tsv");
        });
        Scratch.Step(() =>
        {
            using var reader = new StreamReader(new MemoryStream(input), Encoding.UTF8);
            AnnotationTable.Read(reader, "fuzz.tsv");
        });
        var path = Scratch.Write("labels.tsv", input);
        Scratch.Step(() => AtlasLabelTable.Read(path));
    }

    public bool IsDocumented(Exception exception) => exception is InputDataException;
}
