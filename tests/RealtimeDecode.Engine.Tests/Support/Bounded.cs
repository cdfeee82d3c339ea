namespace RealtimeDecode.Engine.Tests.Support;

/// <summary>Bounded waits for work on other threads (sink consumers, file system events): never a sleep.</summary>
public static class Bounded
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    public static async Task Wait(Task task, string what)
    {
        try { await task.WaitAsync(Timeout); }
        catch (TimeoutException) { throw new Xunit.Sdk.XunitException($"Timed out after {Timeout.TotalSeconds} s waiting for {what}."); }
    }

    public static async Task<T> Wait<T>(Task<T> task, string what)
    {
        await Wait((Task)task, what);
        return await task;
    }
}
