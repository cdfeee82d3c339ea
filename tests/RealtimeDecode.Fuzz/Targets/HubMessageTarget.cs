using System.Buffers;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.Options;
using RealtimeDecode.Host.Dashboard;

namespace RealtimeDecode.Fuzz.Targets;

/// <summary>
/// What the dashboard hub deserialises from a client: the handshake, then hub messages in the JSON
/// protocol configured as the dashboard server configures it, bound against <see cref="DecoderHub"/>'s
/// methods as the server's dispatcher binds them. An invocation of an unknown method or with wrong
/// arguments parses into a binding-failure message. Documented: what SignalR's parser throws for a
/// malformed message, <see cref="InvalidDataException"/>, <see cref="JsonException"/> (the handshake's
/// reader), <see cref="FormatException"/> for an integer field out of the range of Int32 (a handshake
/// version or message type of twenty digits) and <see cref="InvalidOperationException"/> for text that is
/// not UTF-8; the server's handshake
/// and its per-connection loop catch every exception, answer or close that one connection and go on.
/// </summary>
internal sealed class HubMessageTarget : IFuzzTarget
{
    private static readonly JsonHubProtocol Protocol = CreateProtocol();
    private static readonly HubBinder Binder = new();

    public string Name => "hub";

    private static JsonHubProtocol CreateProtocol()
    {
        var options = new JsonHubProtocolOptions();
        options.PayloadSerializerOptions.NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals;
        return new JsonHubProtocol(Options.Create(options));
    }

    public void Run(byte[] input)
    {
        var buffer = new ReadOnlySequence<byte>(input);
        if (!HandshakeProtocol.TryParseRequestMessage(ref buffer, out var handshake)) return;
        if (handshake.Protocol != Protocol.Name) return;
        while (Protocol.TryParseMessage(ref buffer, Binder, out var message))
        {
            if (message is InvocationMessage invocation) _ = invocation.Arguments.Length;
        }
    }

    public bool IsDocumented(Exception exception) => exception is InvalidDataException or JsonException or FormatException
        || exception is InvalidOperationException { InnerException: DecoderFallbackException };

    private sealed class HubBinder : IInvocationBinder
    {
        private readonly Dictionary<string, Type[]> _methods = typeof(DecoderHub)
            .GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
            .Where(m => !m.IsSpecialName && m.Name is not (nameof(Hub.OnConnectedAsync) or nameof(Hub.OnDisconnectedAsync)))
            .ToDictionary(m => m.Name, m => m.GetParameters().Select(p => p.ParameterType).ToArray(), StringComparer.OrdinalIgnoreCase);

        public IReadOnlyList<Type> GetParameterTypes(string methodName) =>
            _methods.TryGetValue(methodName, out var types) ? types : throw new HubException("Method does not exist.");

        public Type GetReturnType(string invocationId) => typeof(object);

        public Type GetStreamItemType(string streamId) => throw new KeyNotFoundException($"No stream with id '{streamId}' could be found.");
    }
}
