namespace RealtimeDecode.Engine.Feedback;

/// <summary>
/// The protocol's condition onsets on the volume clock: <see cref="Advance"/> with each volume (in
/// order, any status) gives the blocks whose onset the volume's acquisition time v·TR has reached,
/// each once. Drives the <c>condition:NAME:BLOCK</c> markers.
/// </summary>
public sealed class ConditionOnsets
{
    private readonly FeedbackProtocol _protocol;
    private readonly double _tr;
    private int _next;

    /// <summary>Creates the tracker for a run at <paramref name="tr"/> s.</summary>
    public ConditionOnsets(FeedbackProtocol protocol, double tr)
    {
        ArgumentNullException.ThrowIfNull(protocol);
        if (!(tr > 0) || !double.IsFinite(tr)) throw new ArgumentOutOfRangeException(nameof(tr), "the TR must be > 0 s");
        _protocol = protocol;
        _tr = tr;
    }

    /// <summary>The blocks starting at or before volume <paramref name="volume"/>'s acquisition (v·TR, 1 ns tolerance) not yet returned.</summary>
    public IReadOnlyList<ProtocolBlock> Advance(int volume)
    {
        double t = volume * _tr + 1e-9;
        var blocks = _protocol.Blocks;
        if (_next >= blocks.Count || blocks[_next].Onset > t) return [];
        var started = new List<ProtocolBlock>();
        while (_next < blocks.Count && blocks[_next].Onset <= t) started.Add(blocks[_next++]);
        return started;
    }

    /// <summary>The marker of a block's onset: <c>condition:NAME:BLOCK</c>.</summary>
    public static string Marker(ProtocolBlock block) =>
        "condition:" + block.Condition.Name + ":" + block.Number.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
