using System.Text.Json;
using Gyre.Core.Json;

namespace Gyre.Core.Monitoring.Multivariate;

/// <summary>
/// How one column enters the reconstruction: a number standardised by the reference's mean and
/// standard deviation (a missing value is the mean), or a category replaced by its share of the
/// reference's rows (NannyML's frequency encoding; a category the reference never had is 0), then
/// standardised the same way.
/// </summary>
public sealed record EncodedColumn(string Name, double Mean, double Stddev, IReadOnlyDictionary<string, double>? Frequencies = null)
{
    /// <summary>The standardised value of a number (NaN when missing) or, for a categorical column, of a text (null when missing).</summary>
    public double Encode(double number, string? text)
    {
        var value = Frequencies is { } shares ? (text is null ? shares.GetValueOrDefault(Missing) : shares.GetValueOrDefault(text)) : number;
        return double.IsFinite(value) ? (value - Mean) / Stddev : 0;
    }

    /// <summary>A logged value, as the column reads it: a JSON number, or for a categorical column its text (<see cref="JsonValues.Text"/>).</summary>
    public double Encode(JsonElement value) => Frequencies is null
        ? Encode(value.ValueKind == JsonValueKind.Number ? value.GetDouble() : double.NaN, null)
        : Encode(double.NaN, JsonValues.Text(value));

    /// <summary>A logged input row encoded column by column (a column the row lacks is missing).</summary>
    public static double[] EncodeRow(IReadOnlyList<EncodedColumn> columns, JsonElement row, int extra = 0)
    {
        var encoded = new double[columns.Count + extra];
        for (var j = 0; j < columns.Count; j++)
        {
            encoded[j] = columns[j].Encode(row.ValueKind == JsonValueKind.Object && row.TryGetProperty(columns[j].Name, out var v) ? v : default);
        }
        return encoded;
    }

    /// <summary>The key a missing category is counted under.</summary>
    public const string Missing = "\0missing";

    /// <summary>A column's encoding from the reference's values: numbers, or texts for a categorical column.</summary>
    public static EncodedColumn Fit(string name, double[]? numbers, string?[]? texts)
    {
        IReadOnlyDictionary<string, double>? shares = null;
        if (texts is not null)
        {
            shares = texts.GroupBy(t => t ?? Missing, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count() / (double)texts.Length, StringComparer.Ordinal);
            numbers = [.. texts.Select(t => shares[t ?? Missing])];
        }
        var present = numbers!.Where(double.IsFinite).ToArray();
        var mean = present.Length == 0 ? 0 : present.Average();
        var sd = present.Length == 0 ? 0 : Math.Sqrt(present.Sum(x => (x - mean) * (x - mean)) / present.Length);
        return new EncodedColumn(name, mean, sd > 0 ? sd : 1, shares);
    }
}
