namespace RealtimeDecode.Imaging;

/// <summary>One region of an <see cref="Atlas"/>.</summary>
/// <param name="Value">The integer label in the atlas volume (&gt; 0).</param>
/// <param name="Name">Name from the labels TSV, else the label number.</param>
/// <param name="Network">Network from the labels TSV's optional <c>network</c> column, else null.</param>
/// <param name="VoxelCount">Voxels carrying this label (0 for a TSV label absent from the volume).</param>
public sealed record AtlasLabel(int Value, string Name, string? Network, int VoxelCount);
