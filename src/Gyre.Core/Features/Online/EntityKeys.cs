using System.Globalization;
using System.Text.Json;

namespace Gyre.Core.Features.Online;

/// <summary>
/// An entity's key in the online store: its key columns' values as text (as DuckDB writes them:
/// <c>42</c>, <c>gold</c>, <c>true</c>), joined by the unit separator when a group has several.
/// A request's JSON values map to the same text: a string as it is, a whole number without a
/// fraction (<c>42</c> and <c>42.0</c> are both <c>42</c>), other numbers as sent, booleans in lower case.
/// </summary>
public static class EntityKeys
{
    public const char Separator = '\u001f';

    public static string Of(IReadOnlyList<string> values) => values.Count == 1 ? values[0] : string.Join(Separator, values);

    /// <summary>A request value's text, or null when it cannot be a key (null, an object or an array).</summary>
    public static string? Text(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Number => value.TryGetInt64(out var whole) ? whole.ToString(CultureInfo.InvariantCulture)
            : value.TryGetDouble(out var number) && double.IsInteger(number) && Math.Abs(number) < 1e15 ? ((long)number).ToString(CultureInfo.InvariantCulture)
            : value.GetRawText(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => null,
    };

    /// <summary>A key as the user wrote it: its values joined by commas.</summary>
    public static string Show(string key) => key.Replace(Separator, ',');
}
