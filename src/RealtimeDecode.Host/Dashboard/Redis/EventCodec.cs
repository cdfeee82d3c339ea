using System.Text.Json;
using System.Text.Json.Serialization;

namespace RealtimeDecode.Host.Dashboard.Redis;

/// <summary>Hub events to and from the JSON kept in Redis: the same fields, names and numbers the hub's JSON protocol sends (camelCase, NaN as "NaN").</summary>
internal static class EventCodec
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static byte[] Encode(ISessionEvent message) => JsonSerializer.SerializeToUtf8Bytes(message, message.GetType(), Json);

    /// <summary>The event, or null when the name is not one of <see cref="DashboardEvents"/> or the data do not parse.</summary>
    public static ISessionEvent? Decode(string? evt, ReadOnlySpan<byte> data)
    {
        try
        {
            return evt switch
            {
                DashboardEvents.Estimate => JsonSerializer.Deserialize<EstimateMessage>(data, Json),
                DashboardEvents.Qc => JsonSerializer.Deserialize<QcMessage>(data, Json),
                DashboardEvents.Connectivity => JsonSerializer.Deserialize<ConnectivityMessage>(data, Json),
                DashboardEvents.Status => JsonSerializer.Deserialize<StatusMessage>(data, Json),
                _ => null,
            };
        }
        catch (JsonException) { return null; }
    }

    public static byte[] Encode(SessionListing listing) => JsonSerializer.SerializeToUtf8Bytes(listing, Json);

    public static SessionListing? DecodeListing(ReadOnlySpan<byte> data)
    {
        try { return JsonSerializer.Deserialize<SessionListing>(data, Json); }
        catch (JsonException) { return null; }
    }
}
