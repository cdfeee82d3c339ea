using System.Net;
using RealtimeDecode.Lsl;

namespace RealtimeDecode.Fuzz.Targets;

/// <summary>
/// A discovery reply as any machine on the network may send it to the resolver (query id line, then a
/// shortinfo document), then what the application does with a resolved info. The id of every seed is
/// <see cref="QueryId"/>. An invalid reply must be ignored: <see cref="StreamResolver"/> returns null,
/// and nothing throws.
/// </summary>
internal sealed class LslDiscoveryTarget : IFuzzTarget
{
    public const string QueryId = "4136719623557425719";

    private static readonly IPEndPoint Remote = new(IPAddress.Loopback, 16571);

    public string Name => "lsl-discovery";

    public void Run(byte[] input)
    {
        var info = StreamResolver.ParseReply(input, QueryId, Remote);
        if (info is null) return;
        _ = info.GetChannelLabels();
        _ = info.ToFullInfoXml();
        _ = info.MatchesQuery("type='Markers'");
        _ = info.Clone();
    }

    public bool IsDocumented(Exception exception) => false;
}
