using System.Text.Json.Serialization;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using RealtimeDecode.Host.Dashboard;

namespace RealtimeDecode.Host.Tests.Dashboard;

/// <summary>
/// The hub's bounds on what clients send, on a real loopback port with real SignalR clients: message size
/// (<see cref="DashboardOptions.MaxMessageBytes"/>) and the per-connection invocation rate (<see cref="InvocationRateFilter"/>).
/// </summary>
public sealed class HubLimitTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    private static async Task<(DashboardServer Server, string Url)> StartAsync(DashboardOptions options)
    {
        options.Urls = "http://127.0.0.1:0";
        var server = DashboardServer.Create(options);
        await server.StartAsync();
        return (server, server.Addresses[0].TrimEnd('/'));
    }

    private static HubConnection Client(string url) =>
        new HubConnectionBuilder()
            .WithUrl(url + DecoderHub.Path)
            .AddJsonProtocol(o => o.PayloadSerializerOptions.NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)
            .Build();

    private static Task<Exception?> ClosedAsync(HubConnection c)
    {
        var closed = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        c.Closed += e => { closed.TrySetResult(e); return Task.CompletedTask; };
        return closed.Task;
    }

    [Fact]
    public async Task Invoke_MessageOverMaxMessageBytes_ClosesTheConnectionWhileOneUnderItIsAnswered()
    {
        var (server, url) = await StartAsync(new DashboardOptions { MaxMessageBytes = 1024 });
        await using var _ = server;
        await using var client = Client(url);
        var closed = ClosedAsync(client);
        await client.StartAsync();

        // Under the limit: the hub answers (a wrong argument count is refused as such) and the connection stays.
        var small = await Assert.ThrowsAsync<HubException>(() => client.InvokeAsync<object>("FeedbackDrawn", new string('x', 800)));
        Assert.Contains("FeedbackDrawn", small.Message, StringComparison.Ordinal);
        Assert.Equal(HubConnectionState.Connected, client.State);
        Assert.NotNull(await client.InvokeAsync<SessionSnapshot>("GetSession"));

        // Over it: the server closes the connection instead of reading the message.
        var big = client.InvokeAsync<object>("FeedbackDrawn", new string('x', 4000));
        var error = await closed.WaitAsync(Wait);
        await Assert.ThrowsAnyAsync<Exception>(() => big.WaitAsync(Wait));
        Assert.NotNull(error);
        Assert.Equal(HubConnectionState.Disconnected, client.State);
        await WaitForAsync(() => server.Sessions.ClientCount == 0);
    }

    [Fact]
    public async Task Invoke_OverTheRate_RefusedWithTheReasonThenClosedWhenItGoesOn_OtherConnectionsUnaffected()
    {
        // A rate so low that nothing refills during the test: the burst is the whole budget.
        var options = new DashboardOptions { InvocationsPerSecond = 0.001, InvocationBurst = 5, CloseAfterRefused = 3 };
        var (server, url) = await StartAsync(options);
        await using var _ = server;
        await using var greedy = Client(url);
        await using var other = Client(url);
        var closed = ClosedAsync(greedy);
        await greedy.StartAsync();
        await other.StartAsync();

        for (int i = 0; i < 5; i++) Assert.NotNull(await greedy.InvokeAsync<SessionSnapshot>("GetSession"));
        for (int i = 0; i < 3; i++)
        {
            var refused = await Assert.ThrowsAsync<HubException>(() => greedy.InvokeAsync<SessionSnapshot>("GetSession"));
            Assert.Contains(InvocationRateFilter.TooMany(options), refused.Message, StringComparison.Ordinal);
            Assert.Equal(HubConnectionState.Connected, greedy.State);
        }
        // The refusal past CloseAfterRefused closes the connection.
        await Assert.ThrowsAnyAsync<Exception>(() => greedy.InvokeAsync<SessionSnapshot>("GetSession"));
        await closed.WaitAsync(Wait);
        Assert.Equal(HubConnectionState.Disconnected, greedy.State);

        // The other connection has its own budget.
        Assert.Equal(HubConnectionState.Connected, other.State);
        for (int i = 0; i < 5; i++) Assert.NotNull(await other.InvokeAsync<FeedbackState>("GetFeedbackState"));
        await Assert.ThrowsAsync<HubException>(() => other.InvokeAsync<FeedbackState>("GetFeedbackState"));
        await WaitForAsync(() => server.Sessions.ClientCount == 1);
    }

    [Fact]
    public async Task Invoke_DisplayAcknowledgingEveryFrameAtDefaults_IsNeverRefused()
    {
        var (server, url) = await StartAsync(new DashboardOptions());
        await using var _ = server;
        await using var display = Client(url);
        await display.StartAsync();
        Assert.NotNull(await display.InvokeAsync<FeedbackState>("GetFeedbackState"));
        Assert.NotNull(await display.InvokeAsync<SessionSnapshot>("GetSession"));
        // A reload's worth of acknowledgements at once (a burst), each answered.
        for (int v = 0; v < new DashboardOptions().InvocationBurst - 2; v++)
            await display.InvokeAsync("FeedbackDrawn", 1, v, 1.5);
        Assert.Equal(HubConnectionState.Connected, display.State);
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        using var cts = new CancellationTokenSource(Wait);
        while (!condition())
        {
            cts.Token.ThrowIfCancellationRequested();
            await Task.Delay(5, cts.Token);
        }
    }
}
