using Gyre.Core.Serving.Gateway;
using Gyre.Core.Serving.Protocol;

namespace Gyre.Core.Serving.Log;

/// <summary>The log records of one answered request: one per row, each with a new time-ordered id (UUIDv7).</summary>
public static class PredictionRecords
{
    public static PredictionRecord[] Build(string endpoint, ServedVariant variant, DateTimeOffset now, double latencyMs, ParsedRequest request, double[][] predictions, string routing)
    {
        var package = variant.Predictor.Package;
        var records = new PredictionRecord[predictions.Length];
        for (var r = 0; r < predictions.Length; r++)
        {
            records[r] = new PredictionRecord(PredictionIds.New(now), endpoint, variant.Variant.Name, variant.Variant.ModelName,
                variant.Variant.ModelVersion, now.ToUnixTimeMilliseconds(), latencyMs, request.RowInputs[r], PredictionFormat.Json(package, predictions[r]), routing);
        }
        return records;
    }
}
