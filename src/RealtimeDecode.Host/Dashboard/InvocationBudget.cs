namespace RealtimeDecode.Host.Dashboard;

/// <summary>
/// The invocation budget of one hub connection: a token bucket of <c>burst</c> tokens refilled at <c>rate</c> per
/// second (each accepted invocation takes one), and a second bucket that counts refusals, drained at the same rate:
/// when it holds more than <c>closeAfter</c> refusals the client has been over its rate for a sustained while
/// (at more than twice the rate, about <c>closeAfter / (R − 2·rate)</c> s for a client invoking at R per second)
/// and its connection should be closed. Both start full (tokens) and empty (refusals). Time comes from
/// <see cref="TimeProvider.GetTimestamp"/>; a clock that goes backwards refills nothing. Not thread-safe: the
/// caller serialises a connection's invocations.
/// </summary>
internal sealed class InvocationBudget
{
    private readonly double _rate, _burst;
    private readonly int _closeAfter;
    private readonly TimeProvider _time;
    private double _tokens, _refused;
    private long _last;

    /// <param name="rate">Invocations per second allowed on average (&gt; 0).</param>
    /// <param name="burst">Invocations allowed at once after a quiet while (≥ 1).</param>
    /// <param name="closeAfter">Refusals, beyond those forgiven at <paramref name="rate"/>, after which <see cref="TryTake"/> says close (≥ 1).</param>
    public InvocationBudget(double rate, int burst, int closeAfter, TimeProvider time)
    {
        if (!(rate > 0) || double.IsInfinity(rate)) throw new ArgumentOutOfRangeException(nameof(rate), rate, "must be a positive number of invocations per second");
        ArgumentOutOfRangeException.ThrowIfLessThan(burst, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(closeAfter, 1);
        _rate = rate;
        _burst = burst;
        _closeAfter = closeAfter;
        _time = time;
        _tokens = burst;
        _last = time.GetTimestamp();
    }

    /// <summary>Refusals counted and not yet forgiven.</summary>
    public double Refused => _refused;

    /// <summary>Takes one invocation from the budget.</summary>
    public InvocationVerdict TryTake()
    {
        long now = _time.GetTimestamp();
        double seconds = Math.Max(0, (now - _last) / (double)_time.TimestampFrequency);
        _last = now;
        _tokens = Math.Min(_burst, _tokens + seconds * _rate);
        _refused = Math.Max(0, _refused - seconds * _rate);
        if (_tokens >= 1)
        {
            _tokens -= 1;
            return InvocationVerdict.Accept;
        }
        _refused += 1;
        return _refused > _closeAfter ? InvocationVerdict.Close : InvocationVerdict.Refuse;
    }
}

/// <summary>What <see cref="InvocationBudget.TryTake"/> decided.</summary>
internal enum InvocationVerdict
{
    /// <summary>Within the budget: run the invocation.</summary>
    Accept,

    /// <summary>Over the rate: refuse this invocation, keep the connection.</summary>
    Refuse,

    /// <summary>Over the rate for a sustained while: refuse it and close the connection.</summary>
    Close,
}
