using System.Text.Json;
using Gyre.Core.Models;

namespace Gyre.Core.Monitoring.Multivariate;

/// <summary>
/// A vector input (an embedding) as the domain classifier reads it: logged as a JSON array of
/// numbers, kept in the reference as text holding the same array (a CSV cell <c>"[0.1, 0.2]"</c>);
/// each dimension standardised by the reference's mean and standard deviation. A missing vector,
/// one of another length or a missing element is the mean (0 once standardised).
/// </summary>
public sealed record VectorColumn(string Name, double[] Means, double[] Stddevs)
{
    /// <summary>At most this many dimensions: the classifier learns from every one.</summary>
    public const int MaxDimensions = 1024;

    public int Dimensions => Means.Length;

    private static bool IsVector(JsonElement value) =>
        value.ValueKind == JsonValueKind.Array && value.GetArrayLength() > 0 && value.EnumerateArray().All(e => e.ValueKind is JsonValueKind.Number or JsonValueKind.Null);

    /// <summary>The standardised dimensions of a logged vector (null when the row has none), written into <paramref name="into"/>.</summary>
    public void Encode(double[]? vector, Span<double> into)
    {
        into.Clear();
        if (vector is null || vector.Length != Dimensions)
        {
            return;
        }
        for (var k = 0; k < Dimensions; k++)
        {
            into[k] = double.IsFinite(vector[k]) ? (vector[k] - Means[k]) / Stddevs[k] : 0;
        }
    }

    /// <summary>A reference text as a vector: a JSON array of numbers (null elements NaN), or null when it is not one.</summary>
    public static double[]? Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text) || text.TrimStart()[0] != '[')
        {
            return null;
        }
        try
        {
            using var document = JsonDocument.Parse(text);
            return IsVector(document.RootElement)
                ? [.. document.RootElement.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.Number ? e.GetDouble() : double.NaN)]
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>A column's encoding from the reference's vectors (null where a row has none): the commonest length fixes the dimensions.</summary>
    public static VectorColumn Fit(string name, IReadOnlyList<double[]?> vectors)
    {
        var lengths = vectors.OfType<double[]>().GroupBy(v => v.Length).OrderByDescending(g => g.Count()).FirstOrDefault()
            ?? throw Errors.GyreException.Invalid($"reference: column '{name}' holds no vector (a JSON array of numbers) to compare the logged '{name}' with");
        var d = lengths.Key;
        if (d > MaxDimensions)
        {
            throw Errors.GyreException.Invalid($"reference: column '{name}' holds vectors of {d} dimensions; the domain classifier takes at most {MaxDimensions}");
        }
        var (means, stddevs) = (new double[d], new double[d]);
        for (var k = 0; k < d; k++)
        {
            var present = lengths.Select(v => v[k]).Where(double.IsFinite).ToArray();
            var mean = present.Length == 0 ? 0 : present.Average();
            var sd = present.Length == 0 ? 0 : Math.Sqrt(present.Sum(x => (x - mean) * (x - mean)) / present.Length);
            (means[k], stddevs[k]) = (mean, sd > 0 ? sd : 1);
        }
        return new VectorColumn(name, means, stddevs);
    }

    /// <summary>Every <paramref name="stride"/>-th row's vector of each named column of a reference file, in file order.</summary>
    public static List<double[]?>[] Read(IFeatureFile file, IReadOnlyList<string> names, int stride)
    {
        var vectors = names.Select(_ => new List<double[]?>()).ToArray();
        long row = 0;
        foreach (var batch in file.Read([.. names.Select(n => new ModelInput(n, true, TensorDataTypes.Bytes))], 10_000))
        {
            for (var i = 0; i < batch.Rows; i++, row++)
            {
                if (row % stride == 0)
                {
                    for (var j = 0; j < names.Count; j++)
                    {
                        vectors[j].Add(Parse(batch.Columns[j].Texts![i]));
                    }
                }
            }
        }
        return vectors;
    }
}
