using System.Text.Json;

namespace Gyre.Core.Json;

/// <summary>How a logged JSON value reads as a category: a string as itself, a boolean as true or false, a number as written; null or absent is missing.</summary>
public static class JsonValues
{
    public static string? Text(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Null or JsonValueKind.Undefined => null,
        _ => value.GetRawText(),
    };
}
