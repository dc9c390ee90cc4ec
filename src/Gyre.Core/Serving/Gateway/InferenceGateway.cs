using Gyre.Core.Diagnostics;
using Gyre.Core.Serving.Batching;
using Gyre.Core.Serving.Endpoints;
using Gyre.Core.Serving.Log;
using Gyre.Core.Serving.Protocol;
using Gyre.Core.Serving.Traffic;

namespace Gyre.Core.Serving.Gateway;

/// <summary>What one request got: the variant that answered, why, each row's prediction and id, and the shared model call it came from (null when the variant does not batch).</summary>
public sealed record InferenceResult(ServedVariant Variant, string Routing, double[][] Predictions, string[] PredictionIds, string[] PredictionJson, BatchedAnswer? Batch = null);

/// <summary>
/// The hot path: routes a request to a variant, reads its rows against that variant's signature,
/// predicts, and logs every row (waiting for the disk in durable mode) before the answer goes out;
/// copies it to shadow variants off the path. No database is read on the way.
/// </summary>
public sealed class InferenceGateway(EndpointRouter router, IPredictionLog log, TrafficMeter traffic, ShadowDispatcher shadows, TimeProvider time)
{
    public ServedEndpoint Get(string name) => router.Get(name);

    public bool Exists(string name) => router.TryGet(name, out _) || router.FailureOf(name) is not null;

    /// <param name="endpoint">The endpoint's snapshot, taken once for the request.</param>
    /// <param name="routingKey">The caller's routing key, for sticky variants; null to draw by weight.</param>
    /// <param name="version">The model version the caller named (bypassing the split); null to route.</param>
    /// <param name="input">The request's rows as its dialect sent them.</param>
    /// <param name="started">When the request arrived (<see cref="TimeProvider.GetTimestamp"/>), for the logged latency.</param>
    /// <param name="ct">Cancels the wait for the log.</param>
    public async Task<InferenceResult> PredictAsync(ServedEndpoint endpoint, string? routingKey, string? version, IInferenceInput input, long started, CancellationToken ct)
    {
        using var span = GyreTracing.Source.StartActivity("gyre.inference");
        var (variant, routing) = version is null ? endpoint.Route(routingKey, Random.Shared.NextDouble()) : (endpoint.Serving(version), Routings.Version);
        if (span is { IsAllDataRequested: true })
        {
            span.SetTag("gyre.endpoint", endpoint.Endpoint.Name);
            span.SetTag("gyre.variant", variant.Variant.Name);
            span.SetTag("gyre.routing", routing);
        }
        var meter = traffic.Of(endpoint.Endpoint.Name, variant.Variant.Name);
        // Every failure after routing counts against the variant, a request its signature refuses
        // included: both sides of a split see the same callers, so a canary that refuses requests
        // the stable variant answers shows as a higher error rate.
        ParsedRequest request;
        double[][] predictions;
        BatchedAnswer? batched = null;
        var batcher = variant.Batcher;
        batcher?.Expect();
        try
        {
            try
            {
                request = input.Read(variant.Predictor);
            }
            catch
            {
                batcher?.Cancel();
                throw;
            }
            using var call = GyreTracing.Source.StartActivity("gyre.model.predict");
            call?.SetTag("gyre.rows", request.Batch.Rows);
            if (batcher is not null)
            {
                batched = await batcher.PredictAsync(request.Batch);
                predictions = batched.Predictions;
                call?.SetTag("gyre.batch.rows", batched.CallRows);
            }
            else
            {
                predictions = variant.Predictor.Predict(request.Batch);
            }
        }
        catch (Exception e)
        {
            meter.Failed(time.GetUtcNow().ToUnixTimeMilliseconds());
            span.Fail(e);
            throw;
        }
        var latency = time.GetElapsedTime(started).TotalMilliseconds;
        var now = time.GetUtcNow();
        meter.Answered(latency, now.ToUnixTimeMilliseconds());
        var records = PredictionRecords.Build(endpoint.Endpoint.Name, variant, now, latency, request, predictions, routing);
        var copies = endpoint.Shadows.Where(s => Random.Shared.Next(100) < s.Variant.Weight).ToList();
        if (copies.Count > 0)
        {
            var copy = input.Detach();
            foreach (var shadow in copies)
            {
                shadows.TryEnqueue(new ShadowWork(endpoint, shadow, copy, variant.Predictor.Package, predictions));
            }
        }
        using (var append = GyreTracing.Source.StartActivity("gyre.log.append"))
        {
            append?.SetTag("gyre.log.mode", endpoint.Endpoint.LogMode);
            try
            {
                await log.AppendAsync(records, endpoint.Endpoint.LogMode == LogModes.Durable);
            }
            catch (Exception e)
            {
                append.Fail(e);
                span.Fail(e);
                throw;
            }
        }
        return new InferenceResult(variant, routing, predictions, [.. records.Select(r => r.PredictionId)], [.. records.Select(r => r.Outputs)], batched);
    }
}
