using System.Text.Json;

namespace Gyre.Core.Serving.Protocol;

/// <summary>The simple dialect's answer: one prediction and one id per row, the model version and variant that answered.</summary>
public sealed record PredictResponse(IReadOnlyList<JsonElement> Predictions, IReadOnlyList<string> PredictionIds, string Model, string Variant);
