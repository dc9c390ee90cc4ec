using Gyre.Core.Monitoring.Windows;

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

    /// <summary>
    /// The window's rows (all, or those named) encoded column by column, each with <paramref name="extra"/>
    /// zeros after the columns for the caller to fill; a column the window lacks is missing throughout.
    /// </summary>
    public static List<double[]> EncodeRows(IReadOnlyList<EncodedColumn> columns, LoggedColumns window, IReadOnlyList<int>? rows = null, int extra = 0)
    {
        var count = rows?.Count ?? window.Count;
        var encoded = new List<double[]>(count);
        for (var i = 0; i < count; i++)
        {
            encoded.Add(new double[columns.Count + extra]);
        }
        for (var j = 0; j < columns.Count; j++)
        {
            var column = columns[j];
            var numbers = column.Frequencies is null ? window.Numbers(column.Name) : null;
            var texts = column.Frequencies is null ? null : window.Texts(column.Name);
            for (var i = 0; i < count; i++)
            {
                var r = rows?[i] ?? i;
                encoded[i][j] = column.Encode(numbers?[r] ?? double.NaN, texts?[r]);
            }
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
