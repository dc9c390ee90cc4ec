using Gyre.Core.Serving.Endpoints;
using Gyre.Core.Serving.Log;
using Gyre.Core.Serving.Protocol;
using Gyre.Core.Serving.Runtime;

namespace Gyre.Core.Serving.Gateway;

/// <summary>What one request got: the variant that answered, why, and each row's prediction and id.</summary>
public sealed record InferenceResult(ServedVariant Variant, string Routing, double[][] Predictions, string[] PredictionIds, string[] PredictionJson);

/// <summary>
/// The hot path: routes a request to a variant, reads its rows against that variant's signature,
/// predicts, and logs every row (waiting for the disk in durable mode) before the answer goes out.
/// No database is read on the way.
/// </summary>
public sealed class InferenceGateway(EndpointRouter router, IPredictionLog log, TimeProvider time)
{
    private readonly Random _random = Random.Shared;

    public ServedEndpoint Get(string name) => router.Get(name);

    /// <param name="endpoint">The endpoint's snapshot, taken once for the request.</param>
    /// <param name="routingKey">The caller's routing key, for sticky variants; null to draw by weight.</param>
    /// <param name="parse">Reads the body against a model's inputs (called once, for the chosen variant).</param>
    /// <param name="started">When the request arrived (<see cref="TimeProvider.GetTimestamp"/>), for the logged latency.</param>
    /// <param name="ct">Cancels the wait for the log.</param>
    public async Task<InferenceResult> PredictAsync(ServedEndpoint endpoint, string? routingKey, Func<IPredictor, ParsedRequest> parse, long started, CancellationToken ct)
    {
        var (variant, routing) = endpoint.Route(routingKey, _random.NextDouble());
        var request = parse(variant.Predictor);
        var predictions = variant.Predictor.Predict(request.Batch);
        var now = time.GetUtcNow();
        var latency = time.GetElapsedTime(started).TotalMilliseconds;
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
        await log.AppendAsync(records, endpoint.Endpoint.LogMode == LogModes.Durable, ct);
        return new InferenceResult(variant, routing, predictions, ids, json);
    }
}
