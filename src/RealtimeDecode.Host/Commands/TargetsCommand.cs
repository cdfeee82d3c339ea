using System.CommandLine;
using System.Globalization;
using RealtimeDecode.Imaging;
using RealtimeDecode.Training.Annotation;
using RealtimeDecode.Training.Targets;

namespace RealtimeDecode.Host.Commands;

/// <summary>
/// <c>targets</c>: segment ratings to per-volume regression targets (a numeric TSV with
/// <c>volume</c> then one column per emotion, and a provenance sidecar <c>.json</c>), ready for <c>train</c>.
/// </summary>
internal sealed class TargetsCommand : ICliCommand
{
    private readonly Option<string> _annotations = CliOptions.ReadsWithSidecar(new Option<string>("--annotations") { Description = "Annotations TSV (onset, offset, text, one column per emotion).", Required = true },
        AnnotationProvenance.SidecarPath);
    private readonly Option<double> _tr = new("--tr") { Description = "Repetition time in seconds.", Required = true };
    private readonly Option<int> _volumes = new("--volumes") { Description = "Number of volumes in the run.", Required = true };
    private readonly Option<double?> _lag = new("--lag") { Description = "Haemodynamic lag in seconds: volume v takes the segment covering its acquisition time minus the lag." };
    private readonly Option<string?> _hrf = new("--hrf") { Description = "spm: convolve with SPM's canonical double-gamma HRF (peak 6 s, undershoot 16 s, ratio 1/6, integral 1) in continuous time, sampled at each volume's acquisition time." };
    private readonly Option<int> _smooth = new("--smooth") { Description = "Rolling mean over K volumes (1 = none).", DefaultValueFactory = _ => 1 };
    private readonly Option<string> _smoothWindow = new("--smooth-window") { Description = "centered (default: no time shift) or trailing (causal).", DefaultValueFactory = _ => "centered" };
    private readonly Option<bool> _zscore = new("--zscore") { Description = "Standardise each target (mean 0, SD 1, N normaliser)." };
    private readonly Option<string> _fill = new("--fill") { Description = "Volumes no segment covers: hold (default: pauses keep the previous segment, outside the story 0), zero, or missing (n/a).", DefaultValueFactory = _ => "hold" };
    private readonly Option<string> _acquisition = new("--acquisition") { Description = "When a volume counts as acquired: start (v·TR, default), middle ((v+0.5)·TR), or a slice-timing reference as a fraction f of the TR in [0, 1] ((v+f)·TR).", DefaultValueFactory = _ => "start" };
    private readonly Option<string> _out = CliOptions.Writes(new Option<string>("--out") { Description = "Targets TSV to write.", Required = true }, [TargetBuilder.ProvenancePath]);

    public Command Build()
    {
        var cmd = new Command("targets", "Annotations to per-TR regression targets (TR grid, lag or HRF, smoothing, z-scoring).");
        foreach (var o in new Option[] { _annotations, _tr, _volumes, _lag, _hrf, _smooth, _smoothWindow, _zscore, _fill, _acquisition, _out })
            cmd.Options.Add(o);
        cmd.SetAction(Run);
        return cmd;
    }

    /// <summary>Largest run length (volumes) <c>--volumes</c> accepts.</summary>
    internal const int MaxVolumes = 1_000_000;

    private int Run(ParseResult parse)
    {
        var annotationsPath = CliOptions.ExistingFile(parse, _annotations);
        int volumes = parse.GetValue(_volumes);
        if (volumes < 1 || volumes > MaxVolumes)
            throw new InputDataException(null, $"--volumes {volumes} is out of range: allowed 1..{MaxVolumes}");
        var options = Options(parse);
        var annotations = AnnotationTable.Read(annotationsPath);
        var outPath = CliOptions.OutputFile(parse, _out);
        if (options.Hrf == HrfModel.None && options.LagSeconds == 0)
            Console.Error.WriteLine("note: neither --lag nor --hrf: the targets are not delayed for the haemodynamic response");
        var result = TargetBuilder.Build(annotations, options, annotationsPath);
        foreach (var w in result.Warnings) Console.Error.WriteLine($"warning: {annotationsPath}: {w}");
        TargetBuilder.Write(outPath, options, result, annotationsPath);
        Console.WriteLine($"wrote {outPath} ({options.Volumes} volumes × {result.Table.ColumnCount} targets: {string.Join(", ", result.Table.Columns)}) and {TargetBuilder.ProvenancePath(outPath)}");
        return 0;
    }

    private TargetOptions Options(ParseResult parse)
    {
        var lag = parse.GetValue(_lag);
        var hrfText = parse.GetValue(_hrf);
        var hrf = hrfText?.Trim().ToLowerInvariant() switch
        {
            null or "none" => HrfModel.None,
            "spm" => HrfModel.Spm,
            var h => throw new InputDataException(null, $"--hrf '{h}' is not supported: use spm"),
        };
        if (lag is not null && hrf != HrfModel.None)
            throw new InputDataException(null, "--lag and --hrf exclude each other: the HRF already models the delay");
        var o = new TargetOptions
        {
            Tr = parse.GetValue(_tr),
            Volumes = parse.GetValue(_volumes),
            LagSeconds = lag ?? 0,
            Hrf = hrf,
            Smooth = parse.GetValue(_smooth),
            SmoothWindow = Pick(parse.GetValue(_smoothWindow)!, "--smooth-window", ("centered", SmoothWindow.Centered), ("trailing", SmoothWindow.Trailing)),
            ZScore = parse.GetValue(_zscore),
            Fill = Pick(parse.GetValue(_fill)!, "--fill", ("hold", FillPolicy.Hold), ("zero", FillPolicy.Zero), ("missing", FillPolicy.Missing), ("nan", FillPolicy.Missing)),
        };
        var acquisition = parse.GetValue(_acquisition)!;
        o = double.TryParse(acquisition, NumberStyles.Float, CultureInfo.InvariantCulture, out double f)
            ? o with { SliceTimeReference = f }
            : acquisition.Trim().ToLowerInvariant() switch
            {
                "start" => o with { Acquisition = AcquisitionTime.Start },
                "middle" => o with { Acquisition = AcquisitionTime.Middle },
                _ => throw new InputDataException(null, $"--acquisition '{acquisition}' is not start, middle or a fraction of the TR in [0, 1]"),
            };
        try { o.Validate(); }
        catch (ArgumentOutOfRangeException e)
        {
            var msg = e.Message;
            int p = msg.IndexOf(" (Parameter", StringComparison.Ordinal);
            throw new InputDataException(null, p > 0 ? msg[..p] : msg);
        }
        return o;
    }

    private static T Pick<T>(string value, string option, params (string Name, T Value)[] choices)
    {
        var v = value.Trim().ToLowerInvariant();
        foreach (var (name, val) in choices) if (name == v) return val;
        throw new InputDataException(null, string.Create(CultureInfo.InvariantCulture,
            $"{option} '{value}' is not one of {string.Join(", ", choices.Select(c => c.Name).Distinct())}"));
    }
}
