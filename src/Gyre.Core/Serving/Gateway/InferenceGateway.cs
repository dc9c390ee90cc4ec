using System.Text.Json;
using Gyre.Core.Errors;
using Gyre.Core.Serving.Endpoints;
using Gyre.Core.Serving.Log;
using Gyre.Core.Serving.Protocol;
using Gyre.Core.Serving.Runtime;

namespace Gyre.Core.Serving.Gateway;

/// <summary>What one request got: the variant that answered, why, and each row's prediction and id.</summary>
public sealed record InferenceResult(ServedVariant Variant, string Routing, double[][] Predictions, string[] PredictionIds, string[] PredictionJson);

/// <summary>
/// The hot path: routes a request to a variant, reads its rows against that variant's signature,
/// predicts, and logs every row (waiting for the disk in durable mode) before the answer goes out;
/// copies it to shadow variants off the path. No database is read on the way.
/// </summary>
public sealed class InferenceGateway(EndpointRouter router, IPredictionLog log, VariantWindows windows, ShadowDispatcher shadows, TimeProvider time)
{
    public ServedEndpoint Get(string name) => router.Get(name);

    /// <param name="endpoint">The endpoint's snapshot, taken once for the request.</param>
    /// <param name="routingKey">The caller's routing key, for sticky variants; null to draw by weight.</param>
    /// <param name="body">The request body.</param>
    /// <param name="read">Reads the body against a model's inputs (the dialect's reader).</param>
    /// <param name="started">When the request arrived (<see cref="TimeProvider.GetTimestamp"/>), for the logged latency.</param>
    /// <param name="ct">Cancels the wait for the log.</param>
    public async Task<InferenceResult> PredictAsync(ServedEndpoint endpoint, string? routingKey, JsonElement body, Func<JsonElement, IPredictor, ParsedRequest> read,
        long started, CancellationToken ct)
    {
        var (variant, routing) = endpoint.Route(routingKey, Random.Shared.NextDouble());
        var window = windows.Of(endpoint.Endpoint.Name, variant.Variant.Name);
        ParsedRequest request;
        double[][] predictions;
        try
        {
            request = read(body, variant.Predictor);
            predictions = variant.Predictor.Predict(request.Batch);
        }
        catch (GyreException)
        {
            window.Failed();
            throw;
        }
        var now = time.GetUtcNow();
        var latency = time.GetElapsedTime(started).TotalMilliseconds;
        window.Answered(latency);
        var package = variant.Predictor.Package;
        var ids = new string[predictions.Length];
        var json = new string[predictions.Length];
        var records = new PredictionRecord[predictions.Length];
        for (var r = 0; r < predictions.Length; r++)
        {
            ids[r] = Guid.CreateVersion7(now).ToString("N");
            json[r] = PredictionFormat.Json(package, predictions[r]);
            records[r] = new PredictionRecord(ids[r], endpoint.Endpoint.Name, variant.Variant.Name, variant.Variant.ModelName, variant.Variant.ModelVersion,
                now.ToUnixTimeMilliseconds(), latency, request.RowInputs[r], json[r], routing);
        }
        foreach (var shadow in endpoint.Shadows)
        {
            if (Random.Shared.Next(100) < shadow.Variant.Weight)
            {
                shadows.TryEnqueue(new ShadowWork(endpoint, shadow, body.Clone(), read, package, predictions));
            }
        }
        await log.AppendAsync(records, endpoint.Endpoint.LogMode == LogModes.Durable, ct);
        return new InferenceResult(variant, routing, predictions, ids, json);
    }
}
