using Microsoft.AspNetCore.SignalR;
using Serilog;

namespace RealtimeDecode.Host.Dashboard;

/// <summary>
/// Bounds what each hub connection may ask of the host: an <see cref="InvocationBudget"/> per connection
/// (<see cref="DashboardOptions.InvocationsPerSecond"/>, <see cref="DashboardOptions.InvocationBurst"/>). An invocation
/// over the rate is refused with a <see cref="HubException"/> that says so; when the refusals go on
/// (<see cref="DashboardOptions.CloseAfterRefused"/>) the connection is closed and logged. Within the budget the
/// invocation runs unchanged.
/// </summary>
internal sealed class InvocationRateFilter(DashboardOptions options, TimeProvider time) : IHubFilter
{
    public ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        var context = invocationContext.Context;
        InvocationBudget budget;
        lock (context.Items)
        {
            if (!context.Items.TryGetValue(typeof(InvocationBudget), out var b) || b is not InvocationBudget existing)
                context.Items[typeof(InvocationBudget)] = existing = new InvocationBudget(options.InvocationsPerSecond, options.InvocationBurst, options.CloseAfterRefused, time);
            budget = existing;
        }
        InvocationVerdict verdict;
        lock (budget) verdict = budget.TryTake();
        switch (verdict)
        {
            case InvocationVerdict.Accept:
                return next(invocationContext);
            case InvocationVerdict.Refuse:
                throw new HubException(TooMany(options));
            default:
                Log.Warning("Hub connection {Connection} from {Remote} closed: over {Rate} invocations per second for too long",
                    context.ConnectionId, context.GetHttpContext()?.Connection.RemoteIpAddress, options.InvocationsPerSecond);
                context.Abort();
                throw new HubException(TooMany(options) + "; the connection is closed");
        }
    }

    /// <summary>The reason given for a refused invocation.</summary>
    public static string TooMany(DashboardOptions options) =>
        $"too many invocations: at most {options.InvocationsPerSecond:g} per second (bursts of {options.InvocationBurst}) per connection (Dashboard:InvocationsPerSecond)";
}
