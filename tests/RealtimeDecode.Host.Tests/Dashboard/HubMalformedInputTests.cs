using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using RealtimeDecode.Host.Dashboard;

namespace RealtimeDecode.Host.Tests.Dashboard;

/// <summary>
/// Inputs on which SignalR's own parser throws (found by the hub fuzz target, kept in its crashers) sent
/// to a real hub over a raw WebSocket: the server closes that one connection, and a client connected
/// before goes on being served, as does one connecting after.
/// </summary>
public sealed class HubMalformedInputTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);
    private const string Handshake = "{\"protocol\":\"json\",\"version\":1}\u001e";

    public static TheoryData<string, string> Inputs() => new()
    {
        { "handshake version beyond Int32", "{\"protocol\":\"json\",\"version\":2222222222222222222222222222221}\u001e" },
        { "message type beyond Int32", Handshake + "{\"type\":111111111111111111111,\"invocationId\":\"0\",\"target\":\"GetSession\",\"arguments\":[]}\u001e" },
        { "unknown method, then a type beyond Int32", Handshake + "{\"type\":1,\"invocationId\":\"0\",\"target\":\"=etSession\",\"arguments\":[]}\u001e{\"type\":61111111111111111111}\u001e" },
        { "unterminated handshake JSON", "{\"protocol\":\"json\",\"version\":1,]\u001e" },
    };

    [Theory]
    [MemberData(nameof(Inputs))]
    public async Task MalformedInput_ClosesOnlyThatConnection(string what, string input)
    {
        var options = new DashboardOptions { Urls = "http://127.0.0.1:0" };
        await using var server = DashboardServer.Create(options);
        await server.StartAsync();
        string url = server.Addresses[0].TrimEnd('/');

        await using var before = Client(url);
        await before.StartAsync();

        using var raw = new ClientWebSocket();
        await raw.ConnectAsync(new Uri(url.Replace("http://", "ws://") + DecoderHub.Path), CancellationToken.None);
        await raw.SendAsync(Encoding.UTF8.GetBytes(input), WebSocketMessageType.Text, true, CancellationToken.None);
        Assert.True(await ClosedByServerAsync(raw), $"{what}: the server kept the connection open");

        // The host is unharmed: the client connected before is still served, and a new one connects.
        Assert.Equal(HubConnectionState.Connected, before.State);
        Assert.NotNull(await before.InvokeAsync<SessionSnapshot>(nameof(DecoderHub.GetSession)).WaitAsync(Wait));
        await using var after = Client(url);
        await after.StartAsync().WaitAsync(Wait);
        Assert.NotNull(await after.InvokeAsync<SessionSnapshot>(nameof(DecoderHub.GetSession)).WaitAsync(Wait));
    }

    /// <summary>Reads until the server closes the socket (a close frame or an aborted connection).</summary>
    private static async Task<bool> ClosedByServerAsync(ClientWebSocket socket)
    {
        using var cts = new CancellationTokenSource(Wait);
        var buffer = new byte[4096];
        try
        {
            while (true)
            {
                var result = await socket.ReceiveAsync(buffer, cts.Token);
                if (result.MessageType == WebSocketMessageType.Close) return true;
            }
        }
        catch (WebSocketException) { return true; }
        catch (OperationCanceledException) { return false; }
    }

    private static HubConnection Client(string url) =>
        new HubConnectionBuilder()
            .WithUrl(url + DecoderHub.Path)
            .AddJsonProtocol(o => o.PayloadSerializerOptions.NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)
            .Build();
}
