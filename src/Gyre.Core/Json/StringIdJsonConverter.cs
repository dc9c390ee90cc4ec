using System.Text.Json;
using System.Text.Json.Serialization;

namespace Gyre.Core.Json;

/// <summary>Writes a strongly typed id as its string value, and reads it back.</summary>
public sealed class StringIdJsonConverter<TId> : JsonConverter<TId>
    where TId : IStringId<TId>
{
    public override TId Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var text = reader.TokenType switch
        {
            JsonTokenType.String => reader.GetString(),
            // Experiment ids look numeric, and MLflow clients sometimes send them as numbers.
            JsonTokenType.Number => reader.TryGetInt64(out var n) ? n.ToString(System.Globalization.CultureInfo.InvariantCulture) : null,
            _ => null,
        };
        if (string.IsNullOrEmpty(text))
        {
            throw new JsonException($"expected a non-empty string id");
        }
        return TId.From(text);
    }

    public override void Write(Utf8JsonWriter writer, TId value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.Value);
}
