using System.Xml.XPath;
using RealtimeDecode.Host.Session;
using RealtimeDecode.Imaging;
using RealtimeDecode.Lsl;

namespace RealtimeDecode.Host.Lsl;

/// <summary>When the timestamp of an estimate sample is taken (both on the LSL local clock).</summary>
public enum LslTimestampMode
{
    /// <summary>The moment the sink pushes the sample (its hand-off of the frame).</summary>
    Push,

    /// <summary>
    /// The moment the volume was detected complete: the push time minus the time from the frame's detection to
    /// this push (its hand-off, <see cref="Engine.Pipeline.FrameTiming.MarkHandedOff"/>), so a consumer can align the estimate with
    /// the scan rather than with the decoder's processing. Only differences of the frame's timestamps are
    /// used, so the pipeline's clock need not be the LSL clock.
    /// </summary>
    Detection,
}

/// <summary>
/// LSL settings of a session (section <c>Lsl</c> of the configuration): the estimates outlet, the
/// status-marker outlet and the optional inlet of stimulus markers that are recorded in <c>events.tsv</c>.
/// </summary>
internal sealed class LslOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "Lsl";

    /// <summary>Publish the outlets (and run the marker inlet, when configured).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Name of the estimates stream.</summary>
    public string Name { get; set; } = "RealtimeDecode";

    /// <summary>Content type of the estimates stream.</summary>
    public string Type { get; set; } = "Emotion";

    /// <summary>
    /// source_id of the estimates stream; null derives a stable one from the machine's name, the model hash, the
    /// target names and <see cref="Name"/> (see <see cref="ResolveSourceId"/>), so consumers reconnect after a
    /// restart of the same console with the same model, and only then.
    /// </summary>
    public string? SourceId { get; set; }

    /// <summary>Name of the status-marker stream (type <c>Markers</c>).</summary>
    public string MarkersName { get; set; } = "RealtimeDecode-Markers";

    /// <summary>
    /// The stimulus marker stream to record, or null for none: either a stream name
    /// (e.g. <c>PsychoPyMarkers</c>) or an XPath predicate over the stream info as liblsl's
    /// <c>resolve_bypred</c> takes it (e.g. <c>type='Markers' and hostname='stim-pc'</c>). A value that
    /// contains any of <c>= &lt; &gt; ( ) '</c> or <c>"</c> is taken as a predicate.
    /// </summary>
    public string? MarkerInlet { get; set; }

    /// <summary>Path of an <c>lsl_api.cfg</c> file (ports, scope, KnownPeers, SessionID); null = the
    /// file named by the <c>LSLAPICFG</c> environment variable, else liblsl's defaults.</summary>
    public string? ApiConfig { get; set; }

    /// <summary>When estimate samples are stamped; default <see cref="LslTimestampMode.Push"/>.</summary>
    public LslTimestampMode Timestamp { get; set; } = LslTimestampMode.Push;

    private static readonly char[] PredicateChars = ['=', '<', '>', '(', ')', '\'', '"'];

    /// <summary>
    /// Checks the options. Throws <see cref="ArgumentOutOfRangeException"/> whose message names the
    /// setting (<c>Lsl:Name</c>, ...) and the problem; does nothing when <see cref="Enabled"/> is false.
    /// </summary>
    public void Validate()
    {
        if (!Enabled) return;
        CheckName(Name, nameof(Name));
        CheckName(Type, nameof(Type));
        CheckName(MarkersName, nameof(MarkersName));
        if (string.Equals(Name, MarkersName, StringComparison.Ordinal))
            throw new ArgumentOutOfRangeException(nameof(MarkersName), $"Lsl:MarkersName must differ from Lsl:Name ('{Name}'), so recorders can tell the streams apart.");
        if (SourceId is not null) CheckName(SourceId, nameof(SourceId));
        if (MarkerInlet is not null)
        {
            if (string.IsNullOrWhiteSpace(MarkerInlet))
                throw new ArgumentOutOfRangeException(nameof(MarkerInlet), "Lsl:MarkerInlet must be a stream name or a query, or null for none; got an empty value.");
            if (string.Equals(MarkerInlet.Trim(), MarkersName, StringComparison.Ordinal))
                throw new ArgumentOutOfRangeException(nameof(MarkerInlet), $"Lsl:MarkerInlet names this decoder's own status-marker stream ('{MarkersName}'); name the stimulus stream instead.");
            try
            {
                XPathExpression.Compile("//info[" + MarkerInletQuery() + "]");
            }
            catch (XPathException e)
            {
                throw new ArgumentOutOfRangeException(nameof(MarkerInlet), $"Lsl:MarkerInlet is not a valid LSL query ({MarkerInlet}): {e.Message}");
            }
        }
        if (ApiConfig is not null)
        {
            if (string.IsNullOrWhiteSpace(ApiConfig))
                throw new ArgumentOutOfRangeException(nameof(ApiConfig), "Lsl:ApiConfig must be the path of an lsl_api.cfg file, or null; got an empty value.");
            if (!File.Exists(ApiConfig))
                throw new ArgumentOutOfRangeException(nameof(ApiConfig), $"Lsl:ApiConfig names a file that does not exist: {ApiConfig}");
        }
        if (!Enum.IsDefined(Timestamp))
            throw new ArgumentOutOfRangeException(nameof(Timestamp), $"Lsl:Timestamp must be Push or Detection, got {Timestamp}.");
    }

    private static void CheckName(string? value, string setting)
    {
        if (string.IsNullOrWhiteSpace(value))
            throw new ArgumentOutOfRangeException(setting, $"Lsl:{setting} must not be empty.");
        if (value.Any(char.IsControl))
            throw new ArgumentOutOfRangeException(setting, $"Lsl:{setting} must not contain control characters (tabs, line breaks).");
        if (value.Trim().Length != value.Length)
            throw new ArgumentOutOfRangeException(setting, $"Lsl:{setting} must not start or end with spaces ('{value}').");
    }

    /// <summary>
    /// The estimates stream's source_id: <see cref="SourceId"/> when set, else
    /// <c>StreamInfo.StableSourceId("rtdecode", machine name, Name, modelSha256, target1, target2, ...)</c>, i.e.
    /// <c>rtdecode-</c> and 16 hex digits that stay the same for the same machine, name, model and targets: an inlet
    /// re-finds the stream of its own scanner's console after a restart, never that of another console running the
    /// same model (liblsl recovers a lost stream by its source_id).
    /// </summary>
    public string ResolveSourceId(SessionContext session)
    {
        ArgumentNullException.ThrowIfNull(session);
        return SourceId ?? StreamInfo.StableSourceId("rtdecode", [Environment.MachineName, Name, session.ModelSha256, .. session.Targets]);
    }

    /// <summary>The status-marker stream's source_id: the estimates stream's followed by <c>-markers</c>.</summary>
    public string ResolveMarkersSourceId(SessionContext session) => ResolveSourceId(session) + "-markers";

    /// <summary>
    /// The predicate that finds the stimulus marker stream: <see cref="MarkerInlet"/> itself when it is a
    /// predicate, else <c>name='…'</c>; null when no inlet is configured.
    /// </summary>
    public string? MarkerInletQuery()
    {
        if (MarkerInlet is null) return null;
        var value = MarkerInlet.Trim();
        return value.IndexOfAny(PredicateChars) >= 0 ? value : "name=" + XPathLiteral(value);
    }

    /// <summary>
    /// Loads the network settings from <see cref="ApiConfig"/> (or <c>LSLAPICFG</c>, or the defaults).
    /// </summary>
    /// <exception cref="InputDataException">The file does not exist or has a value that cannot be read.</exception>
    public LslConfig LoadApiConfig()
    {
        try
        {
            return LslConfig.Load(ApiConfig);
        }
        catch (FileNotFoundException e)
        {
            throw new InputDataException(e.FileName ?? ApiConfig, "the LSL configuration file does not exist", e);
        }
        catch (FormatException e)
        {
            // The message already names the file, the line and the key.
            throw new InputDataException(null, e.Message, e);
        }
    }

    /// <summary>An XPath 1.0 string literal for any text (concat() when it holds both quote kinds).</summary>
    internal static string XPathLiteral(string value)
    {
        if (!value.Contains('\'')) return "'" + value + "'";
        if (!value.Contains('"')) return "\"" + value + "\"";
        return "concat('" + value.Replace("'", "',\"'\",'", StringComparison.Ordinal) + "')";
    }
}
