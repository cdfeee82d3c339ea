using System.Globalization;
using System.Net;

namespace RealtimeDecode.Lsl;

/// <summary>
/// Network settings in liblsl's <c>lsl_api.cfg</c> format (an INI file). Supported keys:
/// <c>[ports] MulticastPort, BasePort, PortRange, AllowRandomPorts</c>;
/// <c>[multicast] ResolveScope (machine, link, site, organization, global), ListenAddress,
/// AddressesOverride, TTLOverride</c>; <c>[lab] KnownPeers = {host1, host2}, SessionID</c>;
/// <c>[tuning] MulticastMinRTT, TimeProbeCount, TimeProbeInterval, TimeProbeMaxRTT</c>.
/// Defaults are liblsl's. Only IPv4 is served.
/// </summary>
public sealed record LslConfig
{
    /// <summary>UDP port of discovery queries (16571).</summary>
    public int MulticastPort { get; init; } = 16571;
    /// <summary>First port of the range for data (TCP) and service (UDP) ports (16572).</summary>
    public int BasePort { get; init; } = 16572;
    /// <summary>Number of ports in the range (32: 16572–16603).</summary>
    public int PortRange { get; init; } = 32;
    /// <summary>Whether an outlet may use an OS-assigned port when the whole range is taken.</summary>
    public bool AllowRandomPorts { get; init; } = true;
    /// <summary>Discovery scope: <c>machine</c>, <c>link</c>, <c>site</c> (default), <c>organization</c>, <c>global</c>.</summary>
    public string ResolveScope { get; init; } = "site";
    /// <summary>
    /// Interface address for multicast (joining groups, sending queries) and the address the outlet's
    /// TCP and UDP service sockets bind to; null means all interfaces and the system's default route.
    /// </summary>
    public IPAddress? ListenAddress { get; init; }
    /// <summary>Addresses that receive discovery queries; null derives them from <see cref="ResolveScope"/>.</summary>
    public IReadOnlyList<IPAddress>? AddressesOverride { get; init; }
    /// <summary>Multicast TTL; null derives it from <see cref="ResolveScope"/>.</summary>
    public int? TtlOverride { get; init; }
    /// <summary>Hosts that get unicast queries on every port of the range.</summary>
    public IReadOnlyList<string> KnownPeers { get; init; } = [];
    /// <summary>Session id; outlets announce it and resolvers only see streams of their session.</summary>
    public string SessionId { get; init; } = "default";
    /// <summary>Interval between discovery waves (liblsl's MulticastMinRTT, 0.5 s).</summary>
    public TimeSpan ResolveWaveInterval { get; init; } = TimeSpan.FromSeconds(0.5);
    /// <summary>Probes per time-correction estimate (8).</summary>
    public int TimeProbeCount { get; init; } = 8;
    /// <summary>Interval between time probes (64 ms).</summary>
    public TimeSpan TimeProbeInterval { get; init; } = TimeSpan.FromMilliseconds(64);
    /// <summary>Wait for the last time probe's reply (128 ms).</summary>
    public TimeSpan TimeProbeMaxRtt { get; init; } = TimeSpan.FromMilliseconds(128);

    /// <summary>liblsl's defaults.</summary>
    public static LslConfig Default { get; } = new();

    /// <summary>Multicast TTL in effect.</summary>
    public int MulticastTtl => TtlOverride ?? ResolveScope switch
    {
        "machine" => 0,
        "link" => 1,
        "site" => 24,
        "organization" => 32,
        _ => 255,
    };

    /// <summary>IPv4 addresses (unicast, broadcast or multicast) that receive discovery queries, liblsl's lists per scope.</summary>
    public IReadOnlyList<IPAddress> QueryAddresses
    {
        get
        {
            if (AddressesOverride is { Count: > 0 } o) return o;
            var list = new List<IPAddress> { IPAddress.Loopback };
            if (ResolveScope != "machine")
            {
                list.Add(IPAddress.Broadcast);
                list.Add(IPAddress.Parse("224.0.0.1"));
                list.Add(IPAddress.Parse("224.0.0.183"));
            }
            if (ResolveScope is "site" or "organization" or "global") list.Add(IPAddress.Parse("239.255.172.215"));
            return list;
        }
    }

    /// <summary>
    /// Loads a configuration: the file at <paramref name="path"/> if given, else the file named by the
    /// <c>LSLAPICFG</c> environment variable if set, else the defaults.
    /// </summary>
    /// <exception cref="FileNotFoundException">The given or named file does not exist.</exception>
    /// <exception cref="FormatException">A value cannot be read; the message names the file, line and key.</exception>
    public static LslConfig Load(string? path = null)
    {
        path ??= Environment.GetEnvironmentVariable("LSLAPICFG");
        if (string.IsNullOrWhiteSpace(path)) return Default;
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: LSL configuration file not found.", path);
        return Parse(File.ReadAllLines(path), path);
    }

    /// <summary>Parses the lines of an <c>lsl_api.cfg</c> file; <paramref name="fileName"/> names it in errors.</summary>
    public static LslConfig Parse(IEnumerable<string> lines, string fileName = "lsl_api.cfg")
    {
        var cfg = new LslConfig();
        var section = "";
        var lineNo = 0;
        foreach (var raw in lines)
        {
            lineNo++;
            var line = raw;
            var comment = line.IndexOfAny([';', '#']);
            if (comment >= 0) line = line[..comment];
            line = line.Trim();
            if (line.Length == 0) continue;
            if (line[0] == '[' && line[^1] == ']')
            {
                section = line[1..^1].Trim().ToLowerInvariant();
                continue;
            }
            var eq = line.IndexOf('=');
            if (eq <= 0) throw new FormatException($"{fileName}:{lineNo}: expected 'key = value', got '{raw.Trim()}'.");
            var key = line[..eq].Trim();
            var value = line[(eq + 1)..].Trim();
            FormatException Bad(string what) => new($"{fileName}:{lineNo}: [{section}] {key} = '{value}' is not {what}.");
            int Int() => int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : throw Bad("an integer");
            double Seconds() => double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v >= 0 ? v : throw Bad("a number of seconds");
            switch (section + "." + key.ToLowerInvariant())
            {
                case "ports.multicastport": cfg = cfg with { MulticastPort = Int() }; break;
                case "ports.baseport": cfg = cfg with { BasePort = Int() }; break;
                case "ports.portrange": cfg = cfg with { PortRange = Int() }; break;
                case "ports.allowrandomports":
                    cfg = cfg with { AllowRandomPorts = value.Equals("true", StringComparison.OrdinalIgnoreCase) || value == "1" };
                    break;
                case "multicast.resolvescope":
                    if (value is not ("machine" or "link" or "site" or "organization" or "global")) throw Bad("one of machine, link, site, organization, global");
                    cfg = cfg with { ResolveScope = value };
                    break;
                case "multicast.listenaddress":
                    cfg = cfg with { ListenAddress = value.Length == 0 ? null : IPAddress.TryParse(value, out var a) ? a : throw Bad("an IP address") };
                    break;
                case "multicast.addressesoverride":
                    cfg = cfg with
                    {
                        AddressesOverride = ParseSet(value, () => Bad("a set {a, b}"))
                            .Select(s => IPAddress.TryParse(s, out var ip) ? ip : throw Bad("a set of IP addresses")).ToArray(),
                    };
                    break;
                case "multicast.ttloverride": cfg = cfg with { TtlOverride = Int() is var t and >= 0 ? t : null }; break;
                case "lab.knownpeers": cfg = cfg with { KnownPeers = ParseSet(value, () => Bad("a set {host1, host2}")) }; break;
                case "lab.sessionid": cfg = cfg with { SessionId = value }; break;
                case "tuning.multicastminrtt": cfg = cfg with { ResolveWaveInterval = TimeSpan.FromSeconds(Seconds()) }; break;
                case "tuning.timeprobecount": cfg = cfg with { TimeProbeCount = Math.Max(1, Int()) }; break;
                case "tuning.timeprobeinterval": cfg = cfg with { TimeProbeInterval = TimeSpan.FromSeconds(Seconds()) }; break;
                case "tuning.timeprobemaxrtt": cfg = cfg with { TimeProbeMaxRtt = TimeSpan.FromSeconds(Seconds()) }; break;
                default: break; // other liblsl keys (IPv6, log, ...) do not apply here
            }
        }
        if (cfg.PortRange < 1 || cfg.BasePort < 1 || cfg.BasePort + cfg.PortRange > 65536)
            throw new FormatException($"{fileName}: [ports] BasePort {cfg.BasePort} and PortRange {cfg.PortRange} do not give valid ports.");
        return cfg;
    }

    private static string[] ParseSet(string value, Func<FormatException> bad)
    {
        if (value.Length < 2 || value[0] != '{' || value[^1] != '}') throw bad();
        return value[1..^1].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
    }
}
