using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Xml;
using System.Xml.Linq;
using System.Xml.XPath;
using RealtimeDecode.Lsl.Internal;

namespace RealtimeDecode.Lsl;

/// <summary>
/// Description of an LSL stream: the fixed header fields of liblsl's <c>&lt;info&gt;</c> document and an
/// editable <see cref="Desc"/> element for meta-data (channel labels, units, ...).
/// </summary>
/// <remarks>
/// XML text matches liblsl 1.16–1.17 byte for byte: fields in liblsl's order, floating-point fields as
/// <c>%#.16g</c> (<c>100.0000000000000</c>), ports as integers (0 when unused), pugixml layout.
/// </remarks>
public sealed class StreamInfo
{
    /// <summary>The nominal rate of a stream without a regular sampling rate.</summary>
    public const double IrregularRate = 0.0;

    /// <summary>The protocol version written in <c>&lt;version&gt;</c> (1.10).</summary>
    public const int ProtocolVersion = 110;

    /// <summary>Most compiled discovery queries kept per info; when full, the cache is emptied and refilled.</summary>
    /// <remarks>
    /// Queries arrive from the network, so their number is not ours to bound. A resolver repeats the same few
    /// queries, which stay compiled; a flood of distinct ones costs a compilation each instead of memory.
    /// </remarks>
    internal const int QueryCacheCapacity = 256;

    private readonly ConcurrentDictionary<string, XPathExpression?> _queryCache = new(StringComparer.Ordinal);

    /// <summary>Creates a stream description; the session, uid, host and ports are filled in by the outlet.</summary>
    /// <param name="name">Stream name (non-empty).</param>
    /// <param name="type">Content type, e.g. <c>EEG</c>, <c>Markers</c>, <c>Emotion</c>.</param>
    /// <param name="channelCount">Channels per sample, 0 to <see cref="MaxChannelCount"/>.</param>
    /// <param name="nominalSrate">Samples per second, or <see cref="IrregularRate"/> (0).</param>
    /// <param name="channelFormat">Value type of every channel.</param>
    /// <param name="sourceId">Identifier that stays the same when the source restarts (used for recovery).</param>
    public StreamInfo(string name, string type, int channelCount, double nominalSrate, ChannelFormat channelFormat, string sourceId = "")
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(type);
        ArgumentNullException.ThrowIfNull(sourceId);
        ArgumentOutOfRangeException.ThrowIfNegative(channelCount);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(channelCount, MaxChannelCount);
        if (!(nominalSrate >= 0) || double.IsInfinity(nominalSrate))
            throw new ArgumentOutOfRangeException(nameof(nominalSrate), nominalSrate, "The nominal rate must be finite and >= 0.");
        if (channelFormat is < ChannelFormat.Float32 or > ChannelFormat.Int64)
            throw new ArgumentOutOfRangeException(nameof(channelFormat), channelFormat, "Unknown channel format.");
        Name = name;
        Type = type;
        ChannelCount = channelCount;
        NominalSrate = nominalSrate;
        ChannelFormat = channelFormat;
        SourceId = sourceId;
        Desc = new XElement("desc");
    }

    /// <summary>Shorthand for the constructor, e.g. <c>StreamInfo.Create("RealtimeDecode", "Emotion", 8, 0.5, ChannelFormat.Float32, "rtdecode-1")</c>.</summary>
    public static StreamInfo Create(string name, string type, int channelCount, double nominalRate,
        ChannelFormat format = ChannelFormat.Float32, string sourceId = "") =>
        new(name, type, channelCount, nominalRate, format, sourceId);

    /// <summary>
    /// A source id that stays the same for the same inputs (e.g. model hash and target names), so inlets
    /// recover across restarts: <c>{prefix}-{first 16 hex digits of SHA-256 of the parts joined by '\n'}</c>.
    /// </summary>
    public static string StableSourceId(string prefix, params IEnumerable<string> parts)
    {
        ArgumentException.ThrowIfNullOrEmpty(prefix);
        var hash = System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', parts)));
        return prefix + "-" + Convert.ToHexStringLower(hash)[..16];
    }

    /// <summary>
    /// Most channels a stream may have (2^20): an info document from the network claiming more is refused, so a
    /// sample is never allocated beyond 2^20 values (8 MiB of int64 or double) before its bytes arrive.
    /// </summary>
    public const int MaxChannelCount = 1 << 20;

    /// <summary>Stream name.</summary>
    public string Name { get; }
    /// <summary>Content type.</summary>
    public string Type { get; }
    /// <summary>Channels per sample.</summary>
    public int ChannelCount { get; }
    /// <summary>Samples per second; 0 for irregular streams.</summary>
    public double NominalSrate { get; }
    /// <summary>Value type of every channel.</summary>
    public ChannelFormat ChannelFormat { get; }
    /// <summary>Source identifier (may be empty).</summary>
    public string SourceId { get; }
    /// <summary>Protocol version times 100 (110).</summary>
    public int Version { get; internal set; } = ProtocolVersion;
    /// <summary>Creation time of the outlet on its <see cref="LslClock"/> (seconds).</summary>
    public double CreatedAt { get; internal set; }
    /// <summary>Unique id of this outlet instance (a new one per outlet, also after a restart).</summary>
    public string Uid { get; internal set; } = "";
    /// <summary>Session id from the configuration (<c>default</c> unless configured).</summary>
    public string SessionId { get; internal set; } = "";
    /// <summary>Host name of the outlet's machine.</summary>
    public string Hostname { get; internal set; } = "";
    /// <summary>IPv4 address the stream was resolved from (set by the resolver; empty in an outlet's own info).</summary>
    public string V4Address { get; internal set; } = "";
    /// <summary>TCP data port (0 when unused).</summary>
    public int V4DataPort { get; internal set; }
    /// <summary>UDP service port for time and info queries (0 when unused).</summary>
    public int V4ServicePort { get; internal set; }
    /// <summary>IPv6 address (this implementation serves IPv4 only; empty).</summary>
    public string V6Address { get; internal set; } = "";
    /// <summary>IPv6 data port (0: not served).</summary>
    public int V6DataPort { get; internal set; }
    /// <summary>IPv6 service port (0: not served).</summary>
    public int V6ServicePort { get; internal set; }

    /// <summary>The <c>&lt;desc&gt;</c> element: free-form meta-data, editable until the outlet is created.</summary>
    public XElement Desc { get; private set; }

    /// <summary>
    /// Writes channel labels in the conventional layout
    /// <c>desc/channels/channel/label</c> (replacing an existing <c>channels</c> element).
    /// </summary>
    /// <param name="labels">One label per channel; the count must equal <see cref="ChannelCount"/>.</param>
    /// <param name="unit">Optional unit written as <c>channel/unit</c>.</param>
    /// <param name="channelType">Optional type written as <c>channel/type</c>.</param>
    public StreamInfo SetChannelLabels(IReadOnlyList<string> labels, string? unit = null, string? channelType = null)
    {
        ArgumentNullException.ThrowIfNull(labels);
        if (labels.Count != ChannelCount)
            throw new ArgumentException($"{labels.Count} labels given for {ChannelCount} channels.", nameof(labels));
        Desc.Element("channels")?.Remove();
        var channels = new XElement("channels");
        foreach (var label in labels)
        {
            var channel = new XElement("channel", new XElement("label", label));
            if (unit is not null) channel.Add(new XElement("unit", unit));
            if (channelType is not null) channel.Add(new XElement("type", channelType));
            channels.Add(channel);
        }
        Desc.Add(channels);
        return this;
    }

    /// <summary>The labels under <c>desc/channels/channel/label</c>, in order (empty when absent).</summary>
    public IReadOnlyList<string> GetChannelLabels() =>
        Desc.Element("channels")?.Elements("channel").Select(c => (string?)c.Element("label") ?? "").ToArray() ?? [];

    /// <summary>The shortinfo message: the info document with an empty <c>&lt;desc /&gt;</c>.</summary>
    public string ToShortInfoXml() => ToXml(includeDesc: false);

    /// <summary>The fullinfo message: the info document including <see cref="Desc"/>.</summary>
    public string ToFullInfoXml() => ToXml(includeDesc: true);

    private string ToXml(bool includeDesc)
    {
        var sb = new StringBuilder(1024);
        sb.Append("<?xml version=\"1.0\"?>\n<info>\n");
        Field(sb, "name", Name);
        Field(sb, "type", Type);
        Field(sb, "channel_count", ChannelCount.ToString(CultureInfo.InvariantCulture));
        Field(sb, "channel_format", ChannelFormat.XmlName());
        Field(sb, "source_id", SourceId);
        Field(sb, "nominal_srate", LslNumberFormat.FormatDouble(NominalSrate));
        Field(sb, "version", LslNumberFormat.FormatDouble(Version / 100.0));
        Field(sb, "created_at", LslNumberFormat.FormatDouble(CreatedAt));
        Field(sb, "uid", Uid);
        Field(sb, "session_id", SessionId);
        Field(sb, "hostname", Hostname);
        Field(sb, "v4address", V4Address);
        Field(sb, "v4data_port", V4DataPort.ToString(CultureInfo.InvariantCulture));
        Field(sb, "v4service_port", V4ServicePort.ToString(CultureInfo.InvariantCulture));
        Field(sb, "v6address", V6Address);
        Field(sb, "v6data_port", V6DataPort.ToString(CultureInfo.InvariantCulture));
        Field(sb, "v6service_port", V6ServicePort.ToString(CultureInfo.InvariantCulture));
        sb.Append('\t');
        PugiXmlWriter.WriteElement(sb, includeDesc ? Desc : new XElement("desc"), 1);
        sb.Append("\n</info>\n");
        return sb.ToString();
    }

    // liblsl appends a text child to every field, so even an empty field is written as <x></x>.
    private static void Field(StringBuilder sb, string name, string value)
    {
        sb.Append("\t<").Append(name).Append('>');
        PugiXmlWriter.Escape(sb, value, attribute: false);
        sb.Append("</").Append(name).Append(">\n");
    }

    /// <summary>Parses a shortinfo or fullinfo message.</summary>
    /// <exception cref="FormatException">The text is not a valid info document (what liblsl would reject).</exception>
    public static StreamInfo FromXml(string xml)
    {
        ArgumentNullException.ThrowIfNull(xml);
        XDocument doc;
        try
        {
            doc = XDocument.Parse(xml, LoadOptions.PreserveWhitespace);
        }
        catch (XmlException e)
        {
            throw new FormatException("The stream info is not well-formed XML: " + e.Message, e);
        }
        var info = doc.Root is { Name.LocalName: "info" } root ? root : throw new FormatException("The stream info has no <info> root element.");
        string Text(string field) => info.Element(field)?.Value ?? "";
        int Int(string field, int min, int max)
        {
            var text = Text(field).Trim();
            // std::stoi reads a leading integer, so "100.0000000000000" reads as 100.
            var end = 0;
            while (end < text.Length && (char.IsAsciiDigit(text[end]) || (end == 0 && text[end] is '-' or '+'))) end++;
            if (!int.TryParse(text.AsSpan(0, end), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v) || v < min || v > max)
                throw new FormatException($"The stream info field <{field}> is '{text}', not an integer in [{min}, {max}].");
            return v;
        }
        double Real(string field)
        {
            if (!LslNumberFormat.TryParseDouble(Text(field), out var v))
                throw new FormatException($"The stream info field <{field}> is '{Text(field)}', not a number.");
            return v;
        }

        var name = Text("name");
        if (name.Length == 0) throw new FormatException("The stream info has an empty <name>.");
        // Bounded, since every sample of the stream is allocated from it before its bytes arrive.
        var channelCount = Int("channel_count", 0, MaxChannelCount);
        Int("nominal_srate", 0, int.MaxValue);
        var srate = Real("nominal_srate");
        if (!ChannelFormatExtensions.TryParse(Text("channel_format"), out var format))
            throw new FormatException($"The stream info has an invalid channel format '{Text("channel_format")}'.");
        var result = new StreamInfo(name, Text("type"), channelCount, srate, format, Text("source_id"));
        result.Version = (int)(Real("version") * 100);
        if (result.Version <= 0) throw new FormatException("The stream info has an invalid <version>.");
        result.CreatedAt = Real("created_at");
        result.Uid = Text("uid");
        if (result.Uid.Length == 0) throw new FormatException("The stream info has an empty <uid>.");
        result.SessionId = Text("session_id");
        result.Hostname = Text("hostname");
        result.V4Address = Text("v4address");
        result.V4DataPort = Int("v4data_port", 0, 65535);
        result.V4ServicePort = Int("v4service_port", 0, 65535);
        result.V6Address = Text("v6address");
        result.V6DataPort = Int("v6data_port", 0, 65535);
        result.V6ServicePort = Int("v6service_port", 0, 65535);
        if (info.Element("desc") is { } desc) result.Desc = new XElement(desc);
        return result;
    }

    /// <summary>
    /// Evaluates an XPath 1.0 predicate against this info document, as liblsl does for discovery
    /// queries (context node <c>&lt;info&gt;</c>; e.g. <c>session_id='default' and type='EEG'</c>,
    /// <c>channel_count&gt;=8</c>, <c>starts-with(name,'Real')</c>, <c>desc/channels/channel/label='Fz'</c>).
    /// An empty query matches; an invalid query matches nothing.
    /// </summary>
    public bool MatchesQuery(string query)
    {
        ArgumentNullException.ThrowIfNull(query);
        query = query.Trim();
        if (query.Length == 0) return true;
        if (!_queryCache.TryGetValue(query, out var expression))
        {
            try
            {
                expression = XPathExpression.Compile("boolean(" + query + ")");
            }
            catch (XPathException)
            {
                expression = null;
            }
            // Clear-when-full under concurrent callers may briefly overshoot by the number of threads, never grows beyond.
            if (_queryCache.Count >= QueryCacheCapacity) _queryCache.Clear();
            _queryCache.TryAdd(query, expression);
        }
        if (expression is null) return false;
        try
        {
            var navigator = _frozen ?? XDocument.Parse(ToFullInfoXml()).Root!.CreateNavigator();
            return navigator.Evaluate(expression) is true;
        }
        catch (XPathException)
        {
            return false;
        }
    }

    private XPathNavigator? _frozen;

    /// <summary>Compiled queries currently cached (at most <see cref="QueryCacheCapacity"/> plus concurrent callers).</summary>
    internal int CachedQueryCount => _queryCache.Count;

    // An outlet's own copy never changes after it starts serving: parse it once for queries.
    internal void Freeze() => _frozen = XDocument.Parse(ToFullInfoXml()).Root!.CreateNavigator();

    /// <summary>A deep copy (including <see cref="Desc"/>).</summary>
    public StreamInfo Clone()
    {
        var c = new StreamInfo(Name, Type, ChannelCount, NominalSrate, ChannelFormat, SourceId)
        {
            Version = Version,
            CreatedAt = CreatedAt,
            Uid = Uid,
            SessionId = SessionId,
            Hostname = Hostname,
            V4Address = V4Address,
            V4DataPort = V4DataPort,
            V4ServicePort = V4ServicePort,
            V6Address = V6Address,
            V6DataPort = V6DataPort,
            V6ServicePort = V6ServicePort,
        };
        c.Desc = new XElement(Desc);
        return c;
    }

    /// <inheritdoc />
    public override string ToString() =>
        $"{Name} ({Type}, {ChannelCount}×{ChannelFormat.XmlName()} @ {NominalSrate.ToString(CultureInfo.InvariantCulture)} Hz, source '{SourceId}', uid {Uid})";
}
