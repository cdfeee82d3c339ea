namespace RealtimeDecode.Host.Tests.Dashboard.Redis;

internal static class Sessions
{
    /// <summary>Waits (bounded) until <paramref name="host"/>'s /api/sessions lists every one of <paramref name="ids"/>.</summary>
    public static async Task WaitListedAsync(string host, string[] ids, TimeSpan timeout)
    {
        using var http = new HttpClient();
        using var cts = new CancellationTokenSource(timeout);
        string list = "";
        while (!cts.IsCancellationRequested)
        {
            list = await http.GetStringAsync(host + "/api/sessions");
            if (ids.All(id => list.Contains($"\"session\":\"{id}\"", StringComparison.Ordinal))) return;
            await Task.Delay(50);
        }
        throw new TimeoutException($"{host} does not list [{string.Join(", ", ids)}] within {timeout}: {list}");
    }
}
