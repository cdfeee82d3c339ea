namespace RealtimeDecode.Host.Dashboard;

/// <summary>SignalR event names of the hub at <see cref="DecoderHub.Path"/>; a contract with the pages and users' clients.</summary>
internal static class DashboardEvents
{
    public const string Estimate = "estimate";
    public const string Connectivity = "connectivity";
    public const string Qc = "qc";
    public const string Status = "status";

    /// <summary>One frame of the participant display under a protocol (<see cref="FeedbackDisplayMessage"/>).</summary>
    public const string Feedback = "feedback";

    /// <summary>The event a message is sent as: its record type names it.</summary>
    /// <exception cref="ArgumentException">The message is of no hub event.</exception>
    internal static string NameOf(object message) => message switch
    {
        EstimateMessage => Estimate,
        QcMessage => Qc,
        ConnectivityMessage => Connectivity,
        StatusMessage => Status,
        FeedbackDisplayMessage => Feedback,
        _ => throw new ArgumentException($"{message.GetType().Name} is not a hub event.", nameof(message)),
    };

    /// <summary>
    /// Sends a message to a client through the <see cref="IDecoderClient"/> method of its event: the one
    /// place where a queued message of any kind becomes a typed send.
    /// </summary>
    /// <exception cref="ArgumentException">The message is of no hub event.</exception>
    internal static Task SendAsync(IDecoderClient client, object message) => message switch
    {
        EstimateMessage m => client.Estimate(m),
        QcMessage m => client.Qc(m),
        ConnectivityMessage m => client.Connectivity(m),
        StatusMessage m => client.Status(m),
        FeedbackDisplayMessage m => client.Feedback(m),
        _ => throw new ArgumentException($"{message.GetType().Name} is not a hub event.", nameof(message)),
    };
}

/// <summary>Facts of the session shown on the dashboard.</summary>
/// <param name="RoiNames">ROI names in the model's ROI order.</param>
/// <param name="Networks">Network of each ROI, or null when the atlas has none.</param>
/// <param name="RoiOrder">ROI indices ordered by network, for the heatmap.</param>
/// <param name="LagSeconds">The estimates describe about t − this many seconds (model package's estimate_lag), or null when not measured.</param>
/// <param name="LagStandardErrorSeconds">Its standard error, seconds, or null.</param>
/// <param name="FdThresholdMm">Framewise displacement (mm) above which a volume is high-motion, or null when not set.</param>
public sealed partial record SessionInfo(
    string Run, string Model, string Atlas, string[] Targets, double Tr, int Window,
    string[] RoiNames, string[]? Networks, int[] RoiOrder, int? ExpectedVolumes,
    double? LagSeconds = null, double? LagStandardErrorSeconds = null, double? FdThresholdMm = null);

/// <summary>One decoded volume: a value per target, the latency from file complete to published (ms), and when it was sent (Unix ms, for display-latency checks).</summary>
/// <param name="Censored">The estimate's window holds a high-motion volume.</param>
/// <param name="HighMotionVolume">The newest high-motion volume in the window, or null.</param>
/// <param name="Withheld">The participant display must not show this estimate's value.</param>
public sealed partial record EstimateMessage(int Volume, double Onset, string[] Targets, double[] Values, double Latency, double SentUnixMs = 0,
    bool Censored = false, int? HighMotionVolume = null, bool Withheld = false);

/// <summary>
/// The connectivity matrix of one window: the upper triangle (i &lt; j, row-major in the model's ROI
/// order) quantised to signed bytes, value = byte / 127 · <see cref="Scale"/>, base64-encoded; and, for
/// linear models, the contribution of each network pair to each estimate. When the model has more ROIs
/// than <see cref="DashboardOptions.MaxMatrixSize"/> the matrix is averaged down to blocks of ROIs in
/// network order: <see cref="RoiCount"/> is then the block count and <see cref="BlockNetworks"/> the
/// network of each block. See <see cref="ConnectivityEncoder"/> for the numeric contract.
/// </summary>
public sealed partial record ConnectivityMessage(int Volume, int RoiCount, double Scale, byte[] Values, NetworkContribution[]? Contributions,
    string[]? BlockNetworks = null);

public sealed partial record ConnectivityMessage
{
    /// <summary>The holders' count of <see cref="Values"/> when a <see cref="ConnectivityEncoder"/> made them (see
    /// <see cref="MatrixBytes"/>), else null (never sent).</summary>
    internal MatrixBytes? Lease { get; init; }
}

/// <summary>Sum of weight × feature over the edges between two networks, per target.</summary>
public sealed record NetworkContribution(string NetworkA, string NetworkB, double[] Values);

/// <summary>Quality of one volume: its status, the running counts, latency, a motion proxy and its ROI means.</summary>
/// <param name="Motion">DVARS-style proxy over ROIs: RMS over ROIs of the change of the cleaned ROI values from the
/// previous read volume (units of the cleaned signals); null for skipped volumes and the first volume after a gap.</param>
/// <param name="MotionParameters">With realignment: trans_x trans_y trans_z (mm) rot_x rot_y rot_z (radians) of the volume,
/// NaN where the estimate failed; null without realignment or for skipped volumes.</param>
/// <param name="Fd">Framewise displacement (mm, Power 2012; 0 for the first volume of a series), or null.</param>
/// <param name="HighMotion">FD above the session's threshold (<see cref="SessionInfo.FdThresholdMm"/>).</param>
public sealed partial record QcMessage(int Volume, double Onset, string Status, IReadOnlyDictionary<string, int> Counts,
    double? Latency, double? Motion, float[]? Roi, double[]? MotionParameters = null, double? Fd = null, bool HighMotion = false);

/// <summary>Session state: starting, warming-up, running, ended; with the session facts and drop counts.</summary>
public sealed partial record StatusMessage(string State, SessionInfo? Session, int VolumesSeen, int WarmupRemaining, long DroppedMessages, string? Message);

/// <summary>Everything a client that connects late needs before live events: the session so far.</summary>
public sealed partial record SessionSnapshot(StatusMessage Status, EstimateMessage[] Estimates, QcMessage[] Qc, ConnectivityMessage? Connectivity);
