using System.Net.Sockets;

namespace RealtimeDecode.Lsl.Internal;

/// <summary>
/// The inlets an outlet feeds (liblsl's send buffer and its consumer queues): sockets that received the
/// stream-feed header and now get every pushed sample. One lock orders registrations and sends, so a new
/// consumer receives its header before any sample and every sample after it.
/// </summary>
internal sealed class ConsumerSet
{
    private readonly object _lock = new();
    private readonly List<Socket> _consumers = [];
    private TaskCompletionSource _arrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _closed;

    /// <summary>Number of consumers currently registered.</summary>
    public int Count
    {
        get
        {
            lock (_lock) return _consumers.Count;
        }
    }

    /// <summary>Completes when a consumer is registered (at once when one already is).</summary>
    public Task ArrivalAsync()
    {
        lock (_lock) return _consumers.Count > 0 ? Task.CompletedTask : _arrived.Task;
    }

    /// <summary>
    /// Sends <paramref name="header"/> to <paramref name="client"/> and registers it, both under the lock;
    /// false (nothing registered) when the set is closed or the send fails.
    /// </summary>
    public bool TryAdd(Socket client, byte[] header)
    {
        lock (_lock)
        {
            if (_closed) return false;
            if (client.Send(header, SocketFlags.None, out var error) != header.Length || error != SocketError.Success) return false;
            _consumers.Add(client);
            _arrived.TrySetResult();
            _arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return true;
        }
    }

    /// <summary>Unregisters a consumer (no effect when it is not registered).</summary>
    public void Remove(Socket client)
    {
        lock (_lock) _consumers.Remove(client);
    }

    /// <summary>
    /// Sends <paramref name="data"/> to every consumer with one blocking send each; a consumer whose send fails
    /// or stalls past its send timeout is dropped and closed (its inlet reconnects). Allocates nothing.
    /// </summary>
    public void Send(ReadOnlySpan<byte> data)
    {
        lock (_lock)
        {
            for (var i = _consumers.Count - 1; i >= 0; i--)
            {
                var socket = _consumers[i];
                var sent = socket.Send(data, SocketFlags.None, out var error);
                if (error != SocketError.Success || sent != data.Length)
                {
                    _consumers.RemoveAt(i);
                    NetUtil.CloseQuietly(socket);
                }
            }
        }
    }

    /// <summary>Closes every consumer and refuses registrations from now on.</summary>
    public void Close()
    {
        lock (_lock)
        {
            _closed = true;
            foreach (var c in _consumers) NetUtil.CloseQuietly(c);
            _consumers.Clear();
        }
    }
}
