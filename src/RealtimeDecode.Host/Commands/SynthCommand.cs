using System.CommandLine;
using System.Globalization;
using RealtimeDecode.Imaging;
using RealtimeDecode.Training.Synthesis;

namespace RealtimeDecode.Host.Commands;

/// <summary><c>realtime-decode synth</c>: a synthetic session with known ground truth.</summary>
internal sealed class SynthCommand : ICliCommand
{
    public Command Build()
    {
        var d = new SynthOptions();
        var b = d.Brain;
        var outOpt = new Option<string>("--out") { Description = "Folder to write the session into (BIDS layout)", Required = true };
        var seed = new Option<int>("--seed") { Description = "Random seed: the same seed gives the same bytes", DefaultValueFactory = _ => d.Seed };
        var grid = new Option<string>("--grid") { Description = "Grid size NXxNYxNZ", DefaultValueFactory = _ => $"{d.Nx}x{d.Ny}x{d.Nz}" };
        var voxel = new Option<double>("--voxel-size") { Description = "Voxel size (mm)", DefaultValueFactory = _ => d.VoxelSize };
        var parcels = new Option<int>("--parcels") { Description = "Number of parcels (grouped into 7 networks)", DefaultValueFactory = _ => d.Parcels };
        var runs = new Option<int>("--runs") { Description = "Number of runs", DefaultValueFactory = _ => d.Runs };
        var volumes = new Option<int>("--volumes") { Description = "Volumes per run", DefaultValueFactory = _ => d.Volumes };
        var tr = new Option<double>("--tr") { Description = "Repetition time (s)", DefaultValueFactory = _ => d.Tr };
        var coupling = new Option<double>("--coupling") { Description = "Largest share of a carrier parcel's variance its emotion's source takes (0..1]", DefaultValueFactory = _ => b.Coupling };
        var background = new Option<double>("--network-background") { Description = "Variance of the constant network background", DefaultValueFactory = _ => b.NetworkBackground };
        var thermal = new Option<double>("--thermal-noise") { Description = "Thermal noise sd per voxel (intensity units; baseline 1000)", DefaultValueFactory = _ => b.ThermalNoise };
        var physio = new Option<double>("--physiological-noise") { Description = "Global physiological noise sd (fraction of baseline)", DefaultValueFactory = _ => b.PhysiologicalNoise };
        var drift = new Option<double>("--drift") { Description = "Slow drift amplitude (fraction of baseline)", DefaultValueFactory = _ => b.Drift };
        var spikes = new Option<double>("--spike-rate") { Description = "Probability per volume of a motion-like spike", DefaultValueFactory = _ => b.SpikeRate };
        var motion = new Option<string>("--motion") { Description = "Head motion of every volume: none, low or high (high: drift and jerks up to 3 mm and 3°); writes the true parameters as *_desc-truth_motion.tsv", DefaultValueFactory = _ => "none" };
        var covaries = new Option<string?>("--motion-covaries") { Description = "An emotion the motion covaries with (e.g. joy: the participant moves while laughing)" };
        var signal = new Option<double>("--signal-change") { Description = "BOLD change per unit of parcel signal (fraction of baseline)", DefaultValueFactory = _ => b.SignalChange };

        var cmd = new Command("synth", "Write a synthetic session with known ground truth: atlas, story annotation, BOLD runs and true targets.")
        {
            outOpt, seed, grid, voxel, parcels, runs, volumes, tr, coupling, background, thermal, physio, drift, spikes, signal, motion, covaries,
        };
        cmd.SetAction(parse =>
        {
            var (nx, ny, nz) = ParseGrid(parse.GetValue(grid)!);
            string motionName = parse.GetValue(motion)!;
            if (!MotionTrajectory.TryParse(motionName, out var level))
                throw new InputDataException(null, $"--motion must be none, low or high, got '{motionName}'");
            string? covary = parse.GetValue(covaries);
            if (covary is not null && !EmotionStoryGenerator.Plutchik8.Contains(covary))
                throw new InputDataException(null, $"--motion-covaries must name one of {string.Join(", ", EmotionStoryGenerator.Plutchik8)}, got '{covary}'");
            if (covary is not null && level == MotionLevel.None)
                throw new InputDataException(null, "--motion-covaries needs --motion low or high");
            var o = new SynthOptions
            {
                Nx = nx, Ny = ny, Nz = nz,
                VoxelSize = parse.GetValue(voxel),
                Parcels = parse.GetValue(parcels),
                Runs = parse.GetValue(runs),
                Volumes = parse.GetValue(volumes),
                Tr = CliOptions.RepetitionTime(parse.GetValue(tr))!.Value,
                Seed = parse.GetValue(seed),
                Motion = level,
                MotionCovaries = covary,
                Brain = new BrainModelOptions
                {
                    Coupling = parse.GetValue(coupling),
                    NetworkBackground = parse.GetValue(background),
                    ThermalNoise = parse.GetValue(thermal),
                    PhysiologicalNoise = parse.GetValue(physio),
                    Drift = parse.GetValue(drift),
                    SpikeRate = parse.GetValue(spikes),
                    SignalChange = parse.GetValue(signal),
                },
            };
            try { o.Validate(); }
            catch (ArgumentOutOfRangeException e) when (e.ParamName == nameof(SynthOptions.Parcels) && o.BrainVoxelCount() is var brain && brain < o.Parcels)
            {
                throw new InputDataException(null, $"--grid {nx}x{ny}x{nz} has {brain} brain voxels, fewer than --parcels {o.Parcels}: give a larger grid or fewer parcels");
            }
            catch (ArgumentOutOfRangeException e) { throw new InputDataException(null, e.Message.Split(" (Parameter")[0]); }
            CheckEarlierSession(parse.GetValue(outOpt)!);
            string root = CliOptions.OutputFolder(parse, outOpt);
            var result = ConsoleProgress.Run("synthesising", p => SyntheticSession.Write(root, o, p));
            Console.WriteLine($"wrote {result.Runs.Count} run(s) of {o.Volumes} volumes ({o.Nx}×{o.Ny}×{o.Nz}, TR {o.Tr.ToString(CultureInfo.InvariantCulture)} s) to {root}");
            if (result.Removed.Count > 0)
                Console.WriteLine($"removed {result.Removed.Count} file(s) of the earlier session that this one does not have: {string.Join(", ", result.Removed.Select(f => Path.GetRelativePath(root, f)))}");
            Console.WriteLine($"atlas {result.Atlas}; annotations {result.Annotations}; truth {string.Join(", ", result.Truth)}");
            return 0;
        });
        return cmd;
    }

    /// <summary>
    /// Refuses an <c>--out</c> folder that holds files but no synth.json (it is not an earlier synthetic session, and
    /// a session written among other files would not be the only one a BIDS reader finds there), and one whose
    /// synth.json does not read; an earlier session is replaced, its files this one does not have removed.
    /// </summary>
    private static void CheckEarlierSession(string folder)
    {
        if (!Directory.Exists(folder)) return;
        if (!File.Exists(Path.Combine(folder, "synth.json")))
        {
            if (Directory.EnumerateFileSystemEntries(folder).FirstOrDefault() is { } entry)
                throw new InputDataException(folder, $"--out holds {Path.GetFileName(entry)} and no synth.json, so it is not an earlier synthetic session: give an empty or new folder");
            return;
        }
        try { SyntheticSession.EarlierFiles(folder); }
        catch (InputDataException e) { throw new InputDataException(e.Path, $"{e.Problem}: --out must be an empty folder or an earlier synthetic session"); }
    }

    private static (int, int, int) ParseGrid(string s)
    {
        var parts = s.Split('x', 'X', '×');
        if (parts.Length != 3 || !parts.All(p => int.TryParse(p, NumberStyles.Integer, CultureInfo.InvariantCulture, out _)))
            throw new InputDataException(null, $"--grid must look like 32x38x28, got '{s}'");
        var v = parts.Select(p => int.Parse(p, CultureInfo.InvariantCulture)).ToArray();
        return (v[0], v[1], v[2]);
    }
}
