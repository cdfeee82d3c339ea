using System.Text;
using RealtimeDecode.Host.Dashboard;
using RealtimeDecode.Host.Dashboard.Redis;

namespace RealtimeDecode.Host.Tests.Dashboard.Redis;

/// <summary>The events as Redis keeps them: the run and publication time a serve host's viewers need survive the trip.</summary>
public sealed class EventCodecTests
{
    [Fact]
    public void EncodeDecode_EventsOfASecondRun_KeepTheirRunSeriesAndTimes()
    {
        var estimate = new EstimateMessage(3, 6, ["joy"], [0.25], 1.5, 1234.5) { Session = "S", Seq = 10, Run = 2 };
        var qc = new QcMessage(3, 6, "ok", new Dictionary<string, int> { ["ok"] = 4 }, 1.5, null, [0.5f]) { Session = "S", Seq = 11, Run = 2, SentUnixMs = 1234.5 };
        var matrix = new ConnectivityMessage(3, 2, 1, [127], null) { Session = "S", Seq = 12, Run = 2 };
        var status = new StatusMessage("warming-up", null, 20, 5, 0, null) { Seq = 9, Run = 2, Series = 7 };

        var e = Assert.IsType<EstimateMessage>(RoundTrip(DashboardEvents.Estimate, estimate, "\"run\":2"));
        Assert.Equal((2, 1234.5, 10L), (e.Run, e.SentUnixMs, e.Seq));
        var q = Assert.IsType<QcMessage>(RoundTrip(DashboardEvents.Qc, qc, "\"sentUnixMs\":1234.5"));
        Assert.Equal((2, 1234.5), (q.Run, q.SentUnixMs));
        Assert.Equal(2, Assert.IsType<ConnectivityMessage>(RoundTrip(DashboardEvents.Connectivity, matrix, "\"run\":2")).Run);
        var s = Assert.IsType<StatusMessage>(RoundTrip(DashboardEvents.Status, status, "\"series\":7"));
        Assert.Equal((2, (int?)7), (s.Run, s.Series));
    }

    private static ISessionEvent? RoundTrip(string evt, ISessionEvent message, string field)
    {
        var bytes = EventCodec.Encode(message);
        Assert.Contains(field, Encoding.UTF8.GetString(bytes), StringComparison.Ordinal);
        return EventCodec.Decode(evt, bytes);
    }
}
