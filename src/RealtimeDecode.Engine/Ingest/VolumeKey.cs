namespace RealtimeDecode.Engine.Ingest;

/// <summary>Where a file belongs: scanner series (run) number and 0-based volume index in it.</summary>
public readonly record struct VolumeKey(int Series, int Index);
