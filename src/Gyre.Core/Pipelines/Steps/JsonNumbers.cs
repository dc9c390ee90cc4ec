using System.Text.Json.Nodes;

namespace Gyre.Core.Pipelines.Steps;

/// <summary>
/// Numbers for artifact properties: a metric can be NaN (F1 with no positive prediction), which
/// JSON cannot write; it is kept as the string Gyre's wire format uses ("NaN", "Infinity").
/// </summary>
public static class JsonNumbers
{
    public static JsonNode Of(double value) => double.IsFinite(value)
        ? JsonValue.Create(value)
        : JsonValue.Create(double.IsNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity");
}
