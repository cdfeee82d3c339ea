using System.Text.RegularExpressions;
using RealtimeDecode.Host.Tests.Commands;

namespace RealtimeDecode.Host.Tests.Session;

/// <summary>session.json records the session's id: the default one the decoder announces, or the one named with --session.</summary>
public sealed class SessionIdRecordingTests : IClassFixture<SmallSession>
{
    private readonly SmallSession _s;

    public SessionIdRecordingTests(SmallSession session) => _s = session;

    [Fact]
    public void Replay_DefaultSessionId_RecordedAsAnnounced()
    {
        string rec = _s.Path("rec-default");
        var r = CliProcess.Run("replay", "--run", _s.Run2, "--atlas", _s.Atlas, "--labels", _s.Labels, "--model", _s.Model,
            "--speed", "max", "--no-lsl", "--urls", "http://127.0.0.1:0", "--record", rec);
        Assert.True(r.ExitCode == 0, r.Error);
        var announced = Regex.Match(r.Out, @"^session: (\S+)$", RegexOptions.Multiline);
        Assert.True(announced.Success, r.Out);
        Assert.Equal(announced.Groups[1].Value, Recording.SessionId(rec));
    }

    [Fact]
    public void Replay_NamedSessionWithoutDashboard_Recorded()
    {
        string rec = _s.Path("rec-named");
        var r = CliProcess.Run("replay", "--run", _s.Run2, "--atlas", _s.Atlas, "--labels", _s.Labels, "--model", _s.Model,
            "--speed", "max", "--no-lsl", "--no-dashboard", "--session", "site2-sub03.run1", "--record", rec);
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Equal("site2-sub03.run1", Recording.SessionId(rec));
    }
}
