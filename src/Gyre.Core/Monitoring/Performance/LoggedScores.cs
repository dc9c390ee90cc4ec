using System.Text.Json;

namespace Gyre.Core.Monitoring.Performance;

/// <summary>Scores from logged answers. <see cref="Of"/>: the positive-class scores of a binary classifier's logged answers (<c>{"label", "probability"}</c> or <c>{"label", "score"}</c>).</summary>
public static class LoggedScores
{
    public static List<double> Of(IEnumerable<string> outputs)
    {
        var scores = new List<double>();
        foreach (var text in outputs)
        {
            using var output = JsonDocument.Parse(text);
            if (Positive(output.RootElement) is { } score)
            {
                scores.Add(score);
            }
        }
        return scores;
    }

    /// <summary>A binary classifier's logged answer's positive-class score (its <c>probability</c> or raw <c>score</c>), or null for any other answer.</summary>
    public static double? Positive(JsonElement answer) =>
        answer.ValueKind == JsonValueKind.Object && (answer.TryGetProperty("probability", out var p) || answer.TryGetProperty("score", out p)) && p.ValueKind == JsonValueKind.Number
            ? p.GetDouble()
            : null;

    /// <summary>The per-class scores of a multiclass classifier's logged answers (<c>{"label", "probabilities": {class: p}}</c> or <c>"scores"</c>), in the classes' order.</summary>
    public static List<double[]> OfClasses(IEnumerable<string> outputs, IReadOnlyList<string> classes)
    {
        var rows = new List<double[]>();
        foreach (var text in outputs)
        {
            using var output = JsonDocument.Parse(text);
            if (output.RootElement.ValueKind == JsonValueKind.Object
                && (output.RootElement.TryGetProperty("probabilities", out var all) || output.RootElement.TryGetProperty("scores", out all)) && all.ValueKind == JsonValueKind.Object)
            {
                var row = new double[classes.Count];
                var complete = true;
                for (var k = 0; k < classes.Count && complete; k++)
                {
                    complete = all.TryGetProperty(classes[k], out var v) && v.ValueKind == JsonValueKind.Number;
                    row[k] = complete ? v.GetDouble() : 0;
                }
                if (complete)
                {
                    rows.Add(row);
                }
            }
        }
        return rows;
    }
}
