using System.Text;
using RealtimeDecode.Lsl;

namespace RealtimeDecode.Fuzz.Targets;

/// <summary>
/// A discovery query as the decoder's outlet receives it from the network (UDP <c>LSL:shortinfo</c>
/// datagram: method, XPath query, return port and query id; the TCP form carries the same query line),
/// evaluated against the info of the decoder's estimate outlet as the outlet does. An invalid query
/// matches nothing; nothing throws.
/// </summary>
internal sealed class LslQueryTarget : IFuzzTarget
{
    private static readonly Lazy<StreamInfo> Info = new(() =>
    {
        var info = StreamInfo.Create("RealtimeDecode", "Emotion", 3, 0.5, ChannelFormat.Float32, "rtdecode-fuzz");
        info.SetChannelLabels(["joy", "fear", "anger"], channelType: "Emotion");
        info.Freeze();
        return info;
    });

    public string Name => "lsl-query";

    public void Run(byte[] input)
    {
        var lines = Encoding.UTF8.GetString(input).Split('\n');
        if (lines[0].Trim() != "LSL:shortinfo" || lines.Length < 2) return;
        _ = Info.Value.MatchesQuery(lines[1].Trim());
    }

    public bool IsDocumented(Exception exception) => false;
}
