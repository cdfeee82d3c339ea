using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.ExceptionServices;
using RealtimeDecode.Lsl;

namespace RealtimeDecode.Fuzz.Targets;

/// <summary>
/// What an outlet sends an inlet over TCP after its <c>LSL:streamfeed/110</c> request: status line,
/// headers, the two test-pattern samples, then samples until it closes. The real
/// <see cref="StreamInlet"/> connects to a loopback server that answers with the input (after its first
/// two bytes, which choose the stream's channel format and channel count 1..8) and pulls every sample.
/// Documented: <see cref="IOException"/> (with <see cref="LslProtocolException"/>) whose causes are
/// themselves I/O or socket errors; a pull that neither returns nor fails within 10 s is a hang.
/// </summary>
internal sealed class LslFeedTarget : IFuzzTarget
{
    private static readonly TimeSpan HangLimit = TimeSpan.FromSeconds(10);
    private static readonly Lazy<TcpListener> Listener = new(() =>
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return l;
    });

    /// <summary>The uid of the stream every input answers for (the outlet's <c>UID</c> header must repeat it).</summary>
    public const string Uid = "2d6b4ab6-0d0c-4a5b-a9a4-0d1e2f3a4b5c";

    public string Name => "lsl-feed";

    /// <summary>The info a resolver would have produced for a stream on <paramref name="port"/>.</summary>
    public static StreamInfo InfoFor(ChannelFormat format, int channels, int port) => StreamInfo.FromXml(
        "<?xml version=\"1.0\"?><info><name>Markers</name><type>Markers</type>"
        + $"<channel_count>{channels}</channel_count><nominal_srate>0.5</nominal_srate>"
        + $"<channel_format>{format.XmlName()}</channel_format><source_id>fuzz</source_id><version>1.1000000000000001</version>"
        + $"<created_at>1</created_at><uid>{Uid}</uid><session_id>default</session_id>"
        + $"<hostname>fuzz</hostname><v4address>127.0.0.1</v4address><v4data_port>{port.ToString(CultureInfo.InvariantCulture)}</v4data_port>"
        + "<v4service_port>0</v4service_port><v6address></v6address><v6data_port>0</v6data_port><v6service_port>0</v6service_port></info>");

    /// <summary>The channel format an input's first byte chooses.</summary>
    public static ChannelFormat FormatOf(byte b) => (ChannelFormat)(1 + b % 7);

    /// <summary>The channel count an input's second byte chooses.</summary>
    public static int ChannelsOf(byte b) => 1 + b % 8;

    public void Run(byte[] input)
    {
        if (input.Length < 2) return;
        var listener = Listener.Value;
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var info = InfoFor(FormatOf(input[0]), ChannelsOf(input[1]), port);
        var server = Task.Run(() => Serve(listener, input.AsMemory(2)));
        bool served;
        try
        {
            using var inlet = new StreamInlet(info, time: TimeProvider.System, maxBuffered: 1024, recover: false);
            Wait(inlet.OpenAsync());
            try
            {
                while (true) Pull(inlet, info);
            }
            catch (IOException e) when (e.InnerException is EndOfStreamException)
            {
                // the outlet closed the stream after its last sample: the normal end of a feed
            }
        }
        finally
        {
            served = server.Wait(HangLimit);
        }

        if (!served) throw new TimeoutException("the scripted outlet did not finish");
    }

    private static void Pull(StreamInlet inlet, StreamInfo info)
    {
        var n = info.ChannelCount;
        ValueTask<double?> pull = info.ChannelFormat switch
        {
            ChannelFormat.Float32 => inlet.PullSampleAsync(new float[n], HangLimit),
            ChannelFormat.Double64 => inlet.PullSampleAsync(new double[n], HangLimit),
            ChannelFormat.Int32 => inlet.PullSampleAsync(new int[n], HangLimit),
            ChannelFormat.Int16 => inlet.PullSampleAsync(new short[n], HangLimit),
            ChannelFormat.Int8 => inlet.PullSampleAsync(new sbyte[n], HangLimit),
            ChannelFormat.Int64 => inlet.PullSampleAsync(new long[n], HangLimit),
            _ => PullStrings(inlet, n),
        };
        if (Wait(pull.AsTask()) is null) throw new TimeoutException("a pull neither returned nor failed");
    }

    private static async ValueTask<double?> PullStrings(StreamInlet inlet, int n)
    {
        using var cts = new CancellationTokenSource(HangLimit);
        try
        {
            return await inlet.PullSampleAsync(new string[n], cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    private static T Wait<T>(Task<T> task)
    {
        Wait((Task)task);
        return task.Result;
    }

    private static void Wait(Task task)
    {
        try
        {
            if (!task.Wait(HangLimit + HangLimit))
                throw new TimeoutException("the inlet hung");
        }
        catch (AggregateException e) when (e.InnerExceptions.Count == 1)
        {
            ExceptionDispatchInfo.Throw(e.InnerExceptions[0]);
        }
    }

    // Reads the request up to its blank line, answers with the scripted bytes, closes the sending side and
    // waits for the inlet to close, so the inlet sees the whole reply followed by a clean end of stream.
    private static void Serve(TcpListener listener, ReadOnlyMemory<byte> reply)
    {
        using var client = listener.AcceptSocket();
        client.ReceiveTimeout = (int)HangLimit.TotalMilliseconds;
        var request = new List<byte>();
        var buffer = new byte[4096];
        while (!EndsWithBlankLine(request))
        {
            int n;
            try { n = client.Receive(buffer); } catch (SocketException) { return; }
            if (n == 0) return;
            request.AddRange(buffer.AsSpan(0, n));
        }
        try
        {
            client.Send(reply.Span);
            client.Shutdown(SocketShutdown.Send);
            while (client.Receive(buffer) > 0) { }
        }
        catch (SocketException)
        {
            // the inlet gave up first (a protocol error it reported): fine
        }
    }

    private static bool EndsWithBlankLine(List<byte> r) =>
        r.Count >= 4 && r[^4] == '\r' && r[^3] == '\n' && r[^2] == '\r' && r[^1] == '\n';

    public bool IsDocumented(Exception exception) => exception switch
    {
        AggregateException a => a.InnerExceptions.All(IsDocumented),
        IOException io => io.InnerException is null || IsCause(io.InnerException),
        _ => false,
    };

    private static bool IsCause(Exception e) => e switch
    {
        SocketException or OperationCanceledException => true,
        IOException io => io.InnerException is null || IsCause(io.InnerException),
        _ => false,
    };
}
