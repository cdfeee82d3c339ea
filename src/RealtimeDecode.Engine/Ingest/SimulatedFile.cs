namespace RealtimeDecode.Engine.Ingest;

/// <summary>What became of a file the <see cref="ScannerSimulator"/> wrote.</summary>
public enum SimulatedFileState
{
    /// <summary>Written whole and valid.</summary>
    Complete,
    /// <summary>A second copy of a volume under another name (valid).</summary>
    Duplicate,
    /// <summary>Left truncated forever.</summary>
    Partial,
    /// <summary>Written whole but refused by the readers.</summary>
    Corrupt,
}

/// <summary>One file the simulator finished writing (or gave up on, for partial files).</summary>
/// <param name="Volume">0-based index of the volume in the run.</param>
/// <param name="Path">The file as left in the folder (a partial file in write-then-rename mode keeps its temporary name).</param>
/// <param name="State">Complete, duplicate, partial or corrupt.</param>
/// <param name="Slot">0-based write slot (differs from <paramref name="Volume"/> for reordered volumes).</param>
/// <param name="Finished">Scheduler time at which the last piece was written.</param>
public sealed record SimulatedFile(int Volume, string Path, SimulatedFileState State, int Slot, DateTimeOffset Finished);

/// <summary>One injected fault, as logged to the injection log.</summary>
/// <param name="Volume">0-based volume index.</param>
/// <param name="Fault">drop, duplicate, reorder, jitter, partial or corrupt.</param>
/// <param name="File">The file concerned (for drop: the name it would have had).</param>
/// <param name="Detail">Specifics: swap partner, jitter in ms, cut byte, corruption kind.</param>
public sealed record InjectedFault(int Volume, string Fault, string File, string Detail);

/// <summary>Totals of a simulated run.</summary>
/// <param name="Volumes">Volumes in the run.</param>
/// <param name="Files">Files written (duplicates, partial and corrupt files included).</param>
/// <param name="Faults">Every injected fault, in injection order.</param>
/// <param name="FaultLogPath">The injection log.</param>
public sealed record ScannerSimulationSummary(int Volumes, int Files, IReadOnlyList<InjectedFault> Faults, string FaultLogPath)
{
    /// <summary>Number of injected faults of one kind.</summary>
    public int Count(string fault) => Faults.Count(f => f.Fault == fault);
}
