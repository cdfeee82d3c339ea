using System.Text.Json;
using System.Text.Json.Serialization;

namespace RealtimeDecode.Engine.Decoding;

/// <summary>
/// JSON for a number that may be undefined: a finite value is written as a number (shortest round-trip
/// form), NaN and ±infinity as <c>null</c>, which reads back as NaN. The convention of model.json and
/// explain.json, where a metric that could not be computed is null.
/// </summary>
public sealed class FiniteOrNullJsonConverter : JsonConverter<double>
{
    /// <inheritdoc />
    public override bool HandleNull => true;

    /// <inheritdoc />
    /// <exception cref="JsonException">The value is neither null nor a number within the range of a double.</exception>
    public override double Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Null) return double.NaN;
        // A bare JsonException gets the serializer's message: "could not be converted to System.Double", with the path.
        if (reader.TokenType != JsonTokenType.Number || !reader.TryGetDouble(out double value)) throw new JsonException();
        return value;
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, double value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (double.IsFinite(value)) writer.WriteNumberValue(value);
        else writer.WriteNullValue();
    }
}
