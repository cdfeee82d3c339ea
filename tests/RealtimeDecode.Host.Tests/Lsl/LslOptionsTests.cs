using Microsoft.Extensions.Configuration;
using RealtimeDecode.Host.Configuration;
using RealtimeDecode.Host.Lsl;
using RealtimeDecode.Imaging;

namespace RealtimeDecode.Host.Tests.Lsl;

public sealed class LslOptionsTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("rtd-lsl-options-");

    public void Dispose() => _dir.Delete(true);

    [Fact]
    public void Validate_Defaults_Pass()
    {
        var o = new LslOptions();
        o.Validate();
        Assert.Equal("RealtimeDecode", o.Name);
        Assert.Equal("Emotion", o.Type);
        Assert.Equal("RealtimeDecode-Markers", o.MarkersName);
        Assert.Null(o.MarkerInletQuery());
    }

    [Fact]
    public void Bind_DefaultJson_MatchesDefaultsAndValidates()
    {
        var path = RepositoryPaths.Bundled("configs", "default.json");
        Assert.True(File.Exists(path), $"missing {path}");
        var configuration = new ConfigurationBuilder().AddJsonFile(path).Build();

        var o = configuration.GetSection(LslOptions.SectionName).Get<LslOptions>();

        Assert.NotNull(o);
        o.Validate();
        var d = new LslOptions();
        Assert.Equal((d.Enabled, d.Name, d.Type, d.SourceId, d.MarkersName, d.MarkerInlet, d.ApiConfig),
            (o.Enabled, o.Name, o.Type, o.SourceId, o.MarkersName, o.MarkerInlet, o.ApiConfig));
    }

    [Theory]
    [InlineData(nameof(LslOptions.Name), "", "Lsl:Name must not be empty")]
    [InlineData(nameof(LslOptions.Type), " ", "Lsl:Type must not be empty")]
    [InlineData(nameof(LslOptions.MarkersName), "", "Lsl:MarkersName must not be empty")]
    [InlineData(nameof(LslOptions.Name), "Real\tDecode", "Lsl:Name must not contain control characters")]
    [InlineData(nameof(LslOptions.SourceId), " id", "Lsl:SourceId must not start or end with spaces")]
    [InlineData(nameof(LslOptions.MarkerInlet), "  ", "Lsl:MarkerInlet must be a stream name or a query")]
    [InlineData(nameof(LslOptions.MarkerInlet), "type='Markers' and (", "Lsl:MarkerInlet is not a valid LSL query")]
    [InlineData(nameof(LslOptions.MarkerInlet), "RealtimeDecode-Markers", "Lsl:MarkerInlet names this decoder's own status-marker stream")]
    [InlineData(nameof(LslOptions.MarkersName), "RealtimeDecode", "Lsl:MarkersName must differ from Lsl:Name")]
    [InlineData(nameof(LslOptions.ApiConfig), "/nonexistent/lsl_api.cfg", "Lsl:ApiConfig names a file that does not exist: /nonexistent/lsl_api.cfg")]
    public void Validate_BadSetting_ThrowsNamingIt(string setting, string value, string message)
    {
        var o = new LslOptions();
        typeof(LslOptions).GetProperty(setting)!.SetValue(o, value);

        var e = Assert.Throws<ArgumentOutOfRangeException>(o.Validate);

        Assert.Equal(setting, e.ParamName);
        Assert.StartsWith(message, e.Message);
    }

    [Fact]
    public void Validate_Disabled_IgnoresBadValues()
    {
        var o = new LslOptions { Enabled = false, Name = "" };
        o.Validate();
        Assert.False(o.Enabled);
    }

    [Theory]
    [InlineData("PsychoPyMarkers", "name='PsychoPyMarkers'")]
    [InlineData("  Stim Markers ", "name='Stim Markers'")]
    [InlineData("type='Markers' and hostname='stim-pc'", "type='Markers' and hostname='stim-pc'")]
    [InlineData("starts-with(name,'Psycho')", "starts-with(name,'Psycho')")]
    public void MarkerInletQuery_NameOrPredicate_QueryForResolver(string value, string query)
    {
        var o = new LslOptions { MarkerInlet = value };
        o.Validate();
        Assert.Equal(query, o.MarkerInletQuery());
    }

    [Fact]
    public void LoadApiConfig_KnownPeersAndSession_Parsed()
    {
        var path = Path.Combine(_dir.FullName, "lsl_api.cfg");
        File.WriteAllText(path, "[multicast]\nResolveScope = machine\n[lab]\nKnownPeers = {192.168.1.20, stim-pc}\nSessionID = scanner-3\n");
        var o = new LslOptions { ApiConfig = path };
        o.Validate();

        var cfg = o.LoadApiConfig();

        Assert.Equal(["192.168.1.20", "stim-pc"], cfg.KnownPeers);
        Assert.Equal("scanner-3", cfg.SessionId);
        Assert.Equal("machine", cfg.ResolveScope);
    }

    [Fact]
    public void LoadApiConfig_BundledExample_LoadsWithNoPeers()
    {
        var o = new LslOptions { ApiConfig = RepositoryPaths.Bundled("configs", "lsl_api.cfg") };
        var cfg = o.LoadApiConfig();
        Assert.Empty(cfg.KnownPeers);
        Assert.Equal(16571, cfg.MulticastPort);
    }

    [Fact]
    public void LoadApiConfig_BadValue_InputDataExceptionNamingFile()
    {
        var path = Path.Combine(_dir.FullName, "bad.cfg");
        File.WriteAllText(path, "[ports]\nBasePort = many\n");
        var e = Assert.Throws<InputDataException>(() => new LslOptions { ApiConfig = path }.LoadApiConfig());
        Assert.Contains("bad.cfg", e.Message);
        Assert.Contains("BasePort", e.Message);
    }

    [Fact]
    public void LoadApiConfig_MissingFile_InputDataException()
    {
        var path = Path.Combine(_dir.FullName, "none.cfg");
        var e = Assert.Throws<InputDataException>(() => new LslOptions { ApiConfig = path }.LoadApiConfig());
        Assert.Contains("none.cfg", e.Message);
        Assert.Contains("does not exist", e.Message);
    }
}
