using System.Text.Json;
using System.Text.Json.Serialization;

namespace Gyre.Core.Json;

/// <summary>
/// The JSON conventions of Gyre's wire format, shared by the server and the client:
/// snake_case names, enums as strings, and NaN / Infinity / -Infinity as the strings
/// "NaN", "Infinity" and "-Infinity" (JSON has no literal for them).
/// </summary>
public static class GyreJson
{
    public static JsonSerializerOptions Options { get; } = Configure(new JsonSerializerOptions(JsonSerializerDefaults.Web));

    public static JsonSerializerOptions Configure(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
        options.DictionaryKeyPolicy = null;
        options.NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals;
        options.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        options.UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip;
        options.RespectNullableAnnotations = true;
        if (!options.Converters.OfType<JsonStringEnumConverter>().Any())
        {
            options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false));
        }
        return options;
    }
}
