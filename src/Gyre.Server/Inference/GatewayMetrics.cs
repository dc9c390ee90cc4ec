using System.Collections.Concurrent;
using Gyre.Core.Background;
using Gyre.Core.Serving.Gateway;
using Gyre.Core.Serving.Log;
using Gyre.Core.Serving.Traffic;
using Prometheus;

namespace Gyre.Server.Inference;

/// <summary>
/// The gateway's Prometheus metrics, in a registry of this server's own (several servers can share
/// one process in tests): requests, errors and latency per endpoint and variant, the prediction
/// log's queue, drops and durable syncs, and each variant's traffic weight, read from the router at scrape time.
/// </summary>
internal sealed class GatewayMetrics
{
    private readonly Counter _requests;
    private readonly Counter _errors;
    private readonly Histogram _latency;
    private readonly Counter _rows;
    private readonly Histogram _batchRows;
    private readonly Histogram _batchWait;
    private readonly ConcurrentDictionary<(string Endpoint, string Variant, string Protocol), AnsweredSeries> _answered = new();

    public GatewayMetrics(EndpointRouter router, RoutingWatcher routing, IPredictionLog log, TrafficMeter traffic, BackgroundErrors errors, TimeProvider time)
    {
        Registry = Metrics.NewCustomRegistry();
        var factory = Metrics.WithCustomRegistry(Registry);
        // No exemplars: they would read the current trace on every request, and no trace is kept.
        factory.ExemplarBehavior = new ExemplarBehavior { DefaultExemplarProvider = (_, _) => Exemplar.None };
        _requests = factory.CreateCounter("gyre_inference_requests_total", "Inference requests answered, per endpoint, variant and protocol.", "endpoint", "variant", "protocol");
        _rows = factory.CreateCounter("gyre_inference_rows_total", "Rows predicted, per endpoint and variant.", "endpoint", "variant");
        _errors = factory.CreateCounter("gyre_inference_errors_total", "Inference requests refused or failed, per endpoint and error code.", "endpoint", "code");
        _latency = factory.CreateHistogram("gyre_inference_duration_seconds", "Time from request to answer, per endpoint and variant.",
            new HistogramConfiguration
            {
                LabelNames = ["endpoint", "variant"],
                Buckets = [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
            });
        _batchRows = factory.CreateHistogram("gyre_batch_rows", "Rows a shared model call scored, per endpoint and variant (variants that batch only; one observation a call).",
            new HistogramConfiguration { LabelNames = ["endpoint", "variant"], Buckets = [1, 2, 4, 8, 16, 32, 64, 128, 256, 1024] });
        _batchWait = factory.CreateHistogram("gyre_batch_wait_seconds", "Time a request waited in its variant's batcher for its model call to start (variants that batch only).",
            new HistogramConfiguration { LabelNames = ["endpoint", "variant"], Buckets = [0.00001, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.05] });
        var queue = factory.CreateGauge("gyre_prediction_log_queue_depth", "Predictions queued for the log and not yet written.");
        var dropped = factory.CreateGauge("gyre_prediction_log_dropped", "Predictions dropped by fast-mode logging since start (the queue was full).");
        var syncDuration = factory.CreateHistogram("gyre_prediction_log_sync_duration_seconds", "Time each group of durable predictions took to be written and synced to the log's journal.",
            new HistogramConfiguration { Buckets = [0.0001, 0.00025, 0.0005, 0.001, 0.002, 0.004, 0.01, 0.025, 0.1, 1] });
        var syncRecords = factory.CreateHistogram("gyre_prediction_log_sync_records", "Durable predictions per group: each group is one journal write and one sync.",
            new HistogramConfiguration { Buckets = [1, 2, 4, 8, 16, 32, 64, 128, 512] });
        log.DurableSynced += synced =>
        {
            syncDuration.Observe(synced.Duration.TotalSeconds);
            syncRecords.Observe(synced.Records);
        };
        var weight = factory.CreateGauge("gyre_endpoint_variant_weight", "Each variant's share of live traffic in percent (shadow: share of requests copied).", "endpoint", "variant", "role");
        var shadowDropped = factory.CreateGauge("gyre_shadow_dropped", "Shadow copies dropped since start because the shadow queue was full.");
        var shadowCompared = factory.CreateGauge("gyre_shadow_comparisons", "Rows a shadow answered and compared with the primary in the current window, by outcome.", "endpoint", "variant", "outcome");
        var backgroundErrors = factory.CreateCounter("gyre_background_errors_total", "Failures of the server's background work, per worker; each is in the log.", "worker");
        var routingVersion = factory.CreateGauge("gyre_routing_version", "The routing version this replica's routing table was last synced to (it grows with every endpoint change).");
        var routingStale = factory.CreateGauge("gyre_routing_stale_seconds",
            "Seconds since this replica last managed to check its routing table against the database; 0 while it can.");
        Registry.AddBeforeCollectCallback(() =>
        {
            var state = routing.State;
            routingVersion.Set(state.Version);
            routingStale.Set(state.StaleSince is { } since ? Math.Max(0, (time.GetUtcNow() - since).TotalSeconds) : 0);
            var failures = errors.Counts;
            foreach (var worker in Workers.All.Union(failures.Keys))
            {
                backgroundErrors.WithLabels(worker).IncTo(failures.GetValueOrDefault(worker));
            }
            queue.Set(log.QueueDepth);
            dropped.Set(log.Dropped);
            shadowDropped.Set(traffic.ShadowDropped);
            foreach (var stale in shadowCompared.GetAllLabelValues().Where(l => !router.All.Any(e => e.Endpoint.Name == l[0] && e.Shadows.Any(s => s.Variant.Name == l[1]))).ToList())
            {
                shadowCompared.RemoveLabelled(stale);
            }
            foreach (var endpoint in router.All)
            {
                foreach (var shadow in endpoint.Shadows)
                {
                    var counts = traffic.SinceMark(endpoint.Endpoint.Name, shadow.Variant.Name);
                    shadowCompared.WithLabels(endpoint.Endpoint.Name, shadow.Variant.Name, "agree").Set(counts.Agreed);
                    shadowCompared.WithLabels(endpoint.Endpoint.Name, shadow.Variant.Name, "disagree").Set(counts.Compared - counts.Agreed);
                }
            }
            // Series of variants that no longer exist are removed, not left at their last value.
            var current = router.All.SelectMany(e => e.Endpoint.Variants.Select(v => (Labels: new[] { e.Endpoint.Name, v.Name, v.Role }, v.Weight))).ToList();
            foreach (var stale in weight.GetAllLabelValues().Where(l => !current.Any(c => c.Labels.SequenceEqual(l))).ToList())
            {
                weight.RemoveLabelled(stale);
            }
            foreach (var (labels, value) in current)
            {
                weight.WithLabels(labels).Set(value);
            }
        });
    }

    public CollectorRegistry Registry { get; }

    /// <summary>Counts an answered request, and, when its variant batches, the call it came from and its wait for it.</summary>
    public void Answered(string endpoint, InferenceResult result, string protocol, TimeSpan elapsed)
    {
        // The labelled series are looked up once per (endpoint, variant, protocol), not five times per request.
        var series = _answered.GetOrAdd((endpoint, result.Variant.Variant.Name, protocol), key => new AnsweredSeries(
            _requests.WithLabels(key.Endpoint, key.Variant, key.Protocol), _rows.WithLabels(key.Endpoint, key.Variant), _latency.WithLabels(key.Endpoint, key.Variant)));
        series.Requests.Inc();
        series.Rows.Inc(result.Predictions.Length);
        series.Latency.Observe(elapsed.TotalSeconds);
        if (result.Batch is { } batch)
        {
            // Made on a variant's first batched answer: a variant that does not batch shows no batch series.
            var (rows, wait) = series.Batch ??= (_batchRows.WithLabels(endpoint, result.Variant.Variant.Name), _batchWait.WithLabels(endpoint, result.Variant.Variant.Name));
            wait.Observe(batch.Wait.TotalSeconds);
            if (batch.CountsCall)
            {
                rows.Observe(batch.CallRows);
            }
        }
    }

    private sealed record AnsweredSeries(Counter.Child Requests, Counter.Child Rows, Histogram.Child Latency)
    {
        public (Histogram.Child Rows, Histogram.Child Wait)? Batch { get; set; }
    }

    /// <summary>Counts a refused request; names no endpoint that does not exist, so that made-up names cannot grow the series.</summary>
    public void Failed(InferenceGateway gateway, string endpoint, string code) =>
        _errors.WithLabels(gateway.Exists(endpoint) ? endpoint : "(unknown)", code).Inc();
}
