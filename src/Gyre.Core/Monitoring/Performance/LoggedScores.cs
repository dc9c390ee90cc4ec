using System.Text.Json;

namespace Gyre.Core.Monitoring.Performance;

/// <summary>The positive-class scores of a binary classifier's logged answers (<c>{"label", "probability"}</c> or <c>{"label", "score"}</c>).</summary>
public static class LoggedScores
{
    public static List<double> Of(IEnumerable<string> outputs)
    {
        var scores = new List<double>();
        foreach (var text in outputs)
        {
            using var output = JsonDocument.Parse(text);
            if (output.RootElement.ValueKind == JsonValueKind.Object
                && (output.RootElement.TryGetProperty("probability", out var p) || output.RootElement.TryGetProperty("score", out p)) && p.ValueKind == JsonValueKind.Number)
            {
                scores.Add(p.GetDouble());
            }
        }
        return scores;
    }
}
