using System.Net;

namespace RealtimeDecode.Lsl.Tests;

public class LslConfigTests
{
    [Fact]
    public void Parse_LiblslStyleFile_ReadsKnownKeys()
    {
        string[] lines =
        [
            "; comment",
            "[ports]",
            "MulticastPort = 17571",
            "BasePort = 17572",
            "PortRange = 8",
            "[multicast]",
            "ResolveScope = link",
            "[lab]",
            "KnownPeers = {scanner-pc, 10.0.0.7}",
            "SessionID = fmri-lab",
        ];
        var cfg = LslConfig.Parse(lines);
        Assert.Equal(17571, cfg.MulticastPort);
        Assert.Equal(17572, cfg.BasePort);
        Assert.Equal(8, cfg.PortRange);
        Assert.Equal("link", cfg.ResolveScope);
        Assert.Equal(1, cfg.MulticastTtl);
        Assert.Equal(["scanner-pc", "10.0.0.7"], cfg.KnownPeers);
        Assert.Equal("fmri-lab", cfg.SessionId);
        Assert.Equal(
            [IPAddress.Loopback, IPAddress.Broadcast, IPAddress.Parse("224.0.0.1"), IPAddress.Parse("224.0.0.183")],
            cfg.QueryAddresses);
    }

    [Fact]
    public void Default_SiteScope_HasLiblslAddressesAndPorts()
    {
        var cfg = LslConfig.Default;
        Assert.Equal(16571, cfg.MulticastPort);
        Assert.Equal(16572, cfg.BasePort);
        Assert.Equal(32, cfg.PortRange);
        Assert.Equal("default", cfg.SessionId);
        Assert.Equal(24, cfg.MulticastTtl);
        Assert.Contains(IPAddress.Parse("239.255.172.215"), cfg.QueryAddresses);
        Assert.Contains(IPAddress.Parse("224.0.0.183"), cfg.QueryAddresses);
        Assert.Contains(IPAddress.Loopback, cfg.QueryAddresses);
    }

    [Fact]
    public void Parse_BadValue_ThrowsNamingFileLineAndKey()
    {
        var e = Assert.Throws<FormatException>(() => LslConfig.Parse(["[ports]", "BasePort = many"], "my.cfg"));
        Assert.Contains("my.cfg:2", e.Message);
        Assert.Contains("BasePort", e.Message);
    }

    [Fact]
    public void Load_ExampleConfigFile_Parses()
    {
        var cfg = LslConfig.Load(FindUp("configs/lsl_api.cfg"));
        Assert.Equal("default", cfg.SessionId);
        Assert.Equal(16571, cfg.MulticastPort);
    }

    [Fact]
    public void Load_NoPathWithLslapicfgVariable_ReadsNamedFile()
    {
        var path = Path.Combine(Path.GetTempPath(), "lsl_api_" + Guid.NewGuid().ToString("N") + ".cfg");
        File.WriteAllLines(path, ["[lab]", "SessionID = from-env", "[multicast]", "ResolveScope = machine"]);
        var previous = Environment.GetEnvironmentVariable("LSLAPICFG");
        try
        {
            Environment.SetEnvironmentVariable("LSLAPICFG", path);
            var cfg = LslConfig.Load();
            Assert.Equal("from-env", cfg.SessionId);
            Assert.Equal([IPAddress.Loopback], cfg.QueryAddresses);
            Assert.Equal(0, cfg.MulticastTtl);
        }
        finally
        {
            Environment.SetEnvironmentVariable("LSLAPICFG", previous);
            File.Delete(path);
        }
    }

    [Fact]
    public void Load_MissingFile_ThrowsFileNotFound()
    {
        Assert.Throws<FileNotFoundException>(() => LslConfig.Load("/nonexistent/lsl_api.cfg"));
    }

    private static string FindUp(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, relative);
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException(relative);
    }
}
