using System.Reactive;
using RealtimeDecode.Engine.Pipeline;

namespace RealtimeDecode.Host.Session;

/// <summary>
/// A source that runs before its consumer exists: a live session given no TR watches from the start but composes its
/// pipeline only once the first volume has said the TR. Every arrival, and the end, is held in order and handed to the
/// one consumer when it subscribes, then passed straight on. Disposing (the consumer's subscription is this object)
/// ends the source's subscription.
/// </summary>
internal sealed class HeldArrivals : IObservable<VolumeArrival>, IDisposable
{
    private readonly object _gate = new();
    private readonly Queue<Notification<VolumeArrival>> _held = new();
    private readonly IDisposable _upstream;
    private IObserver<VolumeArrival>? _consumer;

    /// <summary>Subscribes to <paramref name="source"/> now.</summary>
    public HeldArrivals(IObservable<VolumeArrival> source) =>
        _upstream = source.Subscribe(
            a => Deliver(Notification.CreateOnNext(a)),
            e => Deliver(Notification.CreateOnError<VolumeArrival>(e)),
            () => Deliver(Notification.CreateOnCompleted<VolumeArrival>()));

    // Under the lock, so nothing delivered while the held ones are handed over can overtake them.
    private void Deliver(Notification<VolumeArrival> n)
    {
        lock (_gate)
        {
            if (_consumer is null) _held.Enqueue(n);
            else n.Accept(_consumer);
        }
    }

    /// <summary>Hands over what is held, then everything that follows; one consumer only.</summary>
    public IDisposable Subscribe(IObserver<VolumeArrival> observer)
    {
        ArgumentNullException.ThrowIfNull(observer);
        lock (_gate)
        {
            if (_consumer is not null) throw new InvalidOperationException("Held arrivals are handed over once.");
            while (_held.TryDequeue(out var n)) n.Accept(observer);
            _consumer = observer;
        }
        return this;
    }

    /// <summary>Ends the source's subscription.</summary>
    public void Dispose() => _upstream.Dispose();
}
