using System.Text.Json;

namespace RealtimeDecode.Host.Tests;

public sealed class RuntimeConfigTests
{
    /// <summary>
    /// realtime-decode runs the workstation collector, concurrent: the server collector an ASP.NET Core
    /// application gets by default grew the working set by a fifth over a 5,000-volume soak as it adapted its gen-0
    /// budget, and runs a collector thread per core beside the pipeline's.
    /// </summary>
    [Fact]
    public void RealtimeDecode_RunsTheConcurrentWorkstationCollector()
    {
        string path = Path.Combine(AppContext.BaseDirectory, "realtime-decode.runtimeconfig.json");
        using var config = JsonDocument.Parse(File.ReadAllText(path));
        var properties = config.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties");

        Assert.False(properties.GetProperty("System.GC.Server").GetBoolean(), $"{path} asks for the server collector");
        Assert.False(properties.TryGetProperty("System.GC.Concurrent", out var concurrent) && !concurrent.GetBoolean(),
            $"{path} turns the concurrent collector off");
    }
}
