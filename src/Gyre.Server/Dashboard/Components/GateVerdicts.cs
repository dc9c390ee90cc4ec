using System.Text.Json;
using Gyre.Core.Json;
using Gyre.Core.Learning.Gate;
using Gyre.Core.Registry;

namespace Gyre.Server.Dashboard.Components;

/// <summary>Reads the gate's verdict that <see cref="ModelGate"/> keeps on a version's tags.</summary>
internal static class GateVerdicts
{
    public static GateVerdict? Of(ModelVersion version)
    {
        var json = version.Tags.FirstOrDefault(t => t.Key == ModelGate.VerdictJsonTag)?.Value;
        try
        {
            return json is null ? null : JsonSerializer.Deserialize<GateVerdict>(json, GyreJson.Options);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public static string Summary(GateVerdict verdict) =>
        $"against {(verdict.Baseline is long b ? "v" + b : "no champion")} on {verdict.TestDataset}: " +
        string.Join("; ", verdict.Checks.Select(c => $"{c.Metric} {Fmt.Num(c.Value)}{(c.Passed ? "" : " ✗")}"));
}
