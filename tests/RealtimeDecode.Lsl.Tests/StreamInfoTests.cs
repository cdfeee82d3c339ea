using System.Xml.Linq;
using RealtimeDecode.Lsl.Internal;
using RealtimeDecode.Lsl.Tests.Support;

namespace RealtimeDecode.Lsl.Tests;

public class StreamInfoTests
{
    private static StreamInfo GoldenInfo()
    {
        var info = StreamInfo.Create("RealtimeDecode", "Emotion", 3, 0.5, ChannelFormat.Float32, "rtdecode-test");
        info.CreatedAt = 1234.5678;
        info.Uid = "0a1b2c3d-0000-4000-8000-123456789abc";
        info.SessionId = "default";
        info.Hostname = "scanner-pc";
        info.V4DataPort = 16572;
        info.V4ServicePort = 16573;
        return info;
    }

    [Fact]
    public void ToShortInfoXml_FixedInfo_MatchesLiblslLayout()
    {
        Assert.Equal(LoopbackLsl.GoldenText("shortinfo.xml"), GoldenInfo().ToShortInfoXml());
    }

    [Fact]
    public void ToFullInfoXml_DescWithChannelsAndEscapes_MatchesLiblslLayout()
    {
        var info = GoldenInfo().SetChannelLabels(["joy", "fear", "anger"], unit: "a.u.");
        info.Desc.Add(new XElement("manufacturer", "R&D <lab>"));
        Assert.Equal(LoopbackLsl.GoldenText("fullinfo.xml"), info.ToFullInfoXml());
        Assert.Equal(LoopbackLsl.GoldenText("shortinfo.xml"), info.ToShortInfoXml());
    }

    [Fact]
    public void FormatDouble_Values_MatchCPrintfSharp16g()
    {
        using var doc = System.Text.Json.JsonDocument.Parse(LoopbackLsl.GoldenText("lsl_golden.json"));
        var numbers = doc.RootElement.GetProperty("numbers").EnumerateObject().ToList();
        Assert.NotEmpty(numbers);
        foreach (var pair in numbers)
        {
            var value = double.Parse(pair.Name, System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal(pair.Value.GetString(), LslNumberFormat.FormatDouble(value));
        }
    }

    [Fact]
    public void FromXml_FullInfo_RoundTripsFieldsAndDesc()
    {
        var parsed = StreamInfo.FromXml(LoopbackLsl.GoldenText("fullinfo.xml"));
        Assert.Equal("RealtimeDecode", parsed.Name);
        Assert.Equal("Emotion", parsed.Type);
        Assert.Equal(3, parsed.ChannelCount);
        Assert.Equal(ChannelFormat.Float32, parsed.ChannelFormat);
        Assert.Equal(0.5, parsed.NominalSrate);
        Assert.Equal(110, parsed.Version);
        Assert.Equal(1234.5678, parsed.CreatedAt);
        Assert.Equal(16572, parsed.V4DataPort);
        Assert.Equal(16573, parsed.V4ServicePort);
        Assert.Equal(["joy", "fear", "anger"], parsed.GetChannelLabels());
        Assert.Equal(LoopbackLsl.GoldenText("fullinfo.xml"), parsed.ToFullInfoXml());
    }

    [Theory]
    [InlineData("<info><name></name></info>")]
    [InlineData("not xml")]
    public void FromXml_InvalidInfo_ThrowsFormatException(string xml)
    {
        Assert.Throws<FormatException>(() => StreamInfo.FromXml(xml));
    }

    [Fact]
    public void FromXml_EmptyPortField_ThrowsFormatException()
    {
        // liblsl rejects the whole info when a port is not an integer, which is why ports are never empty.
        var xml = LoopbackLsl.GoldenText("shortinfo.xml").Replace("<v6data_port>0</v6data_port>", "<v6data_port></v6data_port>");
        Assert.Throws<FormatException>(() => StreamInfo.FromXml(xml));
    }

    [Fact]
    public void MatchesQuery_ManyDistinctQueries_KeepsTheCacheWithinItsCapacity()
    {
        var info = GoldenInfo();
        for (int i = 0; i < 5 * StreamInfo.QueryCacheCapacity; i++)
        {
            Assert.True(info.MatchesQuery($"channel_count<{i + 4}"));
            Assert.False(info.MatchesQuery($"name='other{i}'"));
            Assert.False(info.MatchesQuery($"broken(({i}"));
            Assert.True(info.CachedQueryCount <= StreamInfo.QueryCacheCapacity, $"{info.CachedQueryCount} cached after {3 * (i + 1)} queries");
        }

        // What was evicted is compiled again and still evaluates the same.
        Assert.True(info.MatchesQuery("channel_count<4"));
        Assert.False(info.MatchesQuery("name='other0'"));
        Assert.True(info.CachedQueryCount >= 1);
    }

    [Theory]
    [InlineData("", true)]
    [InlineData("session_id='default' and type='Emotion'", true)]
    [InlineData("type='EEG'", false)]
    [InlineData("name!='RealtimeDecode'", false)]
    [InlineData("channel_count=3", true)]
    [InlineData("channel_count>=8", false)]
    [InlineData("channel_count<4 and nominal_srate>0.25", true)]
    [InlineData("channel_count<=2 or source_id='rtdecode-test'", true)]
    [InlineData("not(type='Emotion')", false)]
    [InlineData("(type='EEG' or type='Emotion') and hostname='scanner-pc'", true)]
    [InlineData("starts-with(name,'Realtime')", true)]
    [InlineData("contains(source_id,'test')", true)]
    [InlineData("contains(source_id,'prod')", false)]
    [InlineData("desc/channels/channel/label='fear'", true)]
    [InlineData("desc/channels/channel/label='calm'", false)]
    [InlineData("count(desc/channels/channel)=3", true)]
    [InlineData("type=='broken", false)]
    public void MatchesQuery_Predicates_EvaluateAsXPath(string query, bool expected)
    {
        var info = GoldenInfo().SetChannelLabels(["joy", "fear", "anger"]);
        Assert.Equal(expected, info.MatchesQuery(query));
    }

    [Fact]
    public void StableSourceId_SameAndDifferentParts_StableAndDistinct()
    {
        var a = StreamInfo.StableSourceId("rtdecode", "model-sha", "joy,fear");
        Assert.Equal(a, StreamInfo.StableSourceId("rtdecode", "model-sha", "joy,fear"));
        Assert.NotEqual(a, StreamInfo.StableSourceId("rtdecode", "model-sha", "joy,anger"));
        Assert.Matches("^rtdecode-[0-9a-f]{16}$", a);
    }

    [Fact]
    public void SetChannelLabels_WrongCount_Throws()
    {
        Assert.Throws<ArgumentException>(() => GoldenInfo().SetChannelLabels(["a", "b"]));
    }

    [Fact]
    public void Create_InvalidArguments_Throw()
    {
        Assert.Throws<ArgumentException>(() => StreamInfo.Create("", "t", 1, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => StreamInfo.Create("n", "t", -1, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => StreamInfo.Create("n", "t", 1, -1));
    }
}
