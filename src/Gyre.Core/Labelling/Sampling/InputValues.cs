using System.Text.Json;

namespace Gyre.Core.Labelling.Sampling;

/// <summary>A column's value in a logged row's inputs (JSON): text as itself, anything else as its JSON.</summary>
public static class InputValues
{
    public const string Missing = "(missing)";

    public static string Text(string inputs, string column)
    {
        using var json = JsonDocument.Parse(inputs);
        return json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty(column, out var value) && value.ValueKind != JsonValueKind.Null
            ? value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText()
            : Missing;
    }

    /// <summary>The value as a number, when it is one (or text that reads as one).</summary>
    public static double? Number(string inputs, string column)
    {
        using var json = JsonDocument.Parse(inputs);
        if (json.RootElement.ValueKind != JsonValueKind.Object || !json.RootElement.TryGetProperty(column, out var value))
        {
            return null;
        }
        return value.ValueKind == JsonValueKind.Number ? value.GetDouble()
            : value.ValueKind == JsonValueKind.String && double.TryParse(value.GetString(), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var parsed) ? parsed
            : null;
    }
}
