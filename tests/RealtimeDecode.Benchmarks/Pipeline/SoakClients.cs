using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using RealtimeDecode.Host.Dashboard;

namespace RealtimeDecode.Benchmarks.Pipeline;

/// <summary>
/// Console mode <c>-- soak-clients</c>, the dashboards of <see cref="SoakTool"/> in a process of their own, as a
/// browser is: <c>--clients N</c> SignalR clients on <c>--url</c> (the hub's URL), each taking every dashboard
/// event and parsing its payload. Prints <c>ready</c> once all are connected, then <c>received N</c> (events over
/// all clients so far) every half second, until a line <c>stop</c> (or the end of stdin).
/// </summary>
public static class SoakClients
{
    public static async Task<int> RunAsync(string[] args)
    {
        int i = Array.IndexOf(args, "--url");
        string url = i >= 0 && i + 1 < args.Length ? args[i + 1] : throw new ArgumentException("--url is required");
        int c = Array.IndexOf(args, "--clients");
        int count = c >= 0 && c + 1 < args.Length ? int.Parse(args[c + 1], CultureInfo.InvariantCulture) : 1;
        long received = 0;
        var connections = new List<HubConnection>();
        for (int k = 0; k < count; k++)
        {
            var conn = new HubConnectionBuilder().WithUrl(url).Build();
            foreach (var name in new[] { DashboardEvents.Estimate, DashboardEvents.Connectivity, DashboardEvents.Qc, DashboardEvents.Status, DashboardEvents.Feedback })
                conn.On<JsonElement>(name, _ => Interlocked.Increment(ref received));
            await conn.StartAsync();
            connections.Add(conn);
        }
        Console.WriteLine("ready");
        using var stop = new CancellationTokenSource();
        var reader = Task.Run(async () =>
        {
            while (await Console.In.ReadLineAsync() is { } line && line != "stop") { }
            await stop.CancelAsync();
        });
        try
        {
            while (!stop.IsCancellationRequested)
            {
                Console.WriteLine($"received {Interlocked.Read(ref received)}");
                await Task.Delay(500, stop.Token);
            }
        }
        catch (OperationCanceledException) { }
        Console.WriteLine($"received {Interlocked.Read(ref received)}");
        foreach (var conn in connections) await conn.DisposeAsync();
        await reader;
        return 0;
    }
}
