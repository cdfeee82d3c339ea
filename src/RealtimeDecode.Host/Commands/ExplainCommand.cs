using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using RealtimeDecode.Engine.Decoding;
using RealtimeDecode.Engine.Tables;
using RealtimeDecode.Imaging;
using RealtimeDecode.Training.Explanations;

namespace RealtimeDecode.Host.Commands;

/// <summary>
/// <c>explain</c>: graph-theoretic explanation of a model package: per-target edge importance (Haufe
/// patterns with data, raw coefficients without; permutation importance for kernel models), its
/// maximum spanning tree and graph metrics, network-pair rankings, tables, figures and index.html.
/// </summary>
internal sealed class ExplainCommand : ICliCommand
{
    private readonly Option<string> _model = CliOptions.ReadsModel(new Option<string>("--model") { Description = "Model package (directory, .zip or model.json).", Required = true });
    private readonly Option<string?> _labels = new("--labels") { Description = "Labels TSV (index, name, network) with one row per ROI of the model." };
    private readonly Option<string?> _data = CliOptions.ReadsWithSidecar(new Option<string?>("--data") { Description = "Features TSV (volume, then the model's features) for Haufe patterns on these rows, or permutation importance; a linear package from train already holds its training patterns." },
        ConnectivityTableSidecar.PathFor);
    private readonly Option<string?> _targets = new("--targets") { Description = "Targets TSV (volume, then one column per target), paired with --data rows as in training (by default the mean over each window)." };
    private readonly Option<int> _top = new("--top") { Description = "Edges listed per target.", DefaultValueFactory = _ => 20 };
    private readonly Option<int> _pairEdges = new("--pair-edges") { Description = "Strongest edges per network pair whose mean |importance| ranks the pairs.", DefaultValueFactory = _ => ExplainOptions.DefaultEdgesPerPair };
    private readonly Option<int> _repeats = new("--repeats") { Description = "Permutations per network block for kernel models; their mean is the importance.", DefaultValueFactory = _ => ExplainOptions.DefaultRepeats };
    private readonly Option<int> _seed = new("--seed") { Description = "Seed of the permutations (kernel models).", DefaultValueFactory = _ => 0 };
    private readonly Option<string> _out = CliOptions.WritesFolder(new Option<string>("--out") { Description = "Output folder.", Required = true }, CliOptions.Names(ExplanationWriter.FileNames));

    public Command Build()
    {
        var cmd = new Command("explain", "Graph-theoretic explanation of a trained model: edge importance, spanning trees, network pairs, figures.");
        foreach (var o in new Option[] { _model, _labels, _data, _targets, _top, _pairEdges, _repeats, _seed, _out }) cmd.Options.Add(o);
        cmd.SetAction(Run);
        return cmd;
    }

    private int Run(ParseResult parse)
    {
        var watch = Stopwatch.StartNew();
        var modelPath = CliOptions.ExistingFile(parse, _model);
        var package = ModelPackage.Load(modelPath);
        string? labelsPath = parse.GetValue(_labels);
        var labels = labelsPath is null ? RoiLabels.Numbered(package.Features.RoiCount) : RoiLabels.Read(labelsPath, package.Features.RoiCount);
        string? dataPath = parse.GetValue(_data), targetsPath = parse.GetValue(_targets);
        if ((dataPath is null) != (targetsPath is null))
            throw new InputDataException(null, "--data and --targets go together: pass both or neither");
        ExplainData? data = null;
        if (dataPath is not null)
        {
            foreach (var p in new[] { dataPath, targetsPath! })
                if (!File.Exists(p)) throw new InputDataException(p, "file not found");
            var features = NumericTable.Read(dataPath);
            ModelInputs.CheckTable(package, modelPath, features, dataPath, sidecarOnly: true);
            data = ExplainData.Match(features, dataPath, NumericTable.Read(targetsPath!), targetsPath!, package.Model.FeatureCount, package.Targets,
                ModelInputs.Span(package), ModelInputs.Alignment(package));
        }

        int top = parse.GetValue(_top);
        if (top < 0) throw new InputDataException(null, $"--top must be 0 or more, got {top}");
        int pairEdges = parse.GetValue(_pairEdges);
        if (pairEdges < 1) throw new InputDataException(null, $"--pair-edges must be 1 or more, got {pairEdges}");
        int repeats = parse.GetValue(_repeats);
        if (repeats < 1) throw new InputDataException(null, $"--repeats must be 1 or more, got {repeats}");
        CliOptions.OutputFolder(parse, _out, create: false); // before the importance is computed (permutations take a while)
        var explanation = ModelExplainer.Explain(package, labels, data, new ExplainOptions { TopEdges = top, EdgesPerPair = pairEdges, Repeats = repeats, Seed = parse.GetValue(_seed) });
        var outDir = CliOptions.OutputFolder(parse, _out);
        var written = ExplanationWriter.Write(explanation, outDir);
        foreach (var note in explanation.Notes) Console.Error.WriteLine($"note: {note}");
        foreach (var t in explanation.Targets.Where(t => t.NetworkPairs.Count > 0))
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{t.Name}: top network pair {t.NetworkPairs[0].NetworkA}–{t.NetworkPairs[0].NetworkB} ({t.NetworkPairs[0].Score:G3})"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"wrote {written.Count} files to {outDir} ({explanation.Targets.Count} targets, importance: {ExplanationWriter.SourceName(explanation.Source)}) in {watch.Elapsed.TotalSeconds:0.0} s"));
        return 0;
    }
}
