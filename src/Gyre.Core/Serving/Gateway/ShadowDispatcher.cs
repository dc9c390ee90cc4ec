using System.Threading.Channels;
using Gyre.Core.Coordination;
using Gyre.Core.Models;
using Gyre.Core.Serving.Log;
using Gyre.Core.Serving.Protocol;
using Gyre.Core.Serving.Traffic;

namespace Gyre.Core.Serving.Gateway;

/// <summary>A request copied to a shadow variant: its input, detached from the request, and what the primary answered.</summary>
public sealed record ShadowWork(ServedEndpoint Endpoint, ServedVariant Shadow, IInferenceInput Input, ModelPackage PrimaryPackage, double[][] PrimaryPredictions);

/// <summary>
/// Runs shadow copies off the request path: a bounded queue (<see cref="GatewayOptions.ShadowQueueCapacity"/>;
/// a full queue drops the copy and counts it) drained by one worker, so a slow or failing shadow never slows or fails the primary.
/// The shadow's answers are logged (routing <c>shadow</c>) and compared with the primary's: the same
/// label for a classifier, within 5 % for a regression.
/// </summary>
public sealed class ShadowDispatcher : IDisposable
{
    private readonly Channel<ShadowWork> _queue;
    private readonly IPredictionLog _log;
    private readonly TrafficMeter _traffic;
    private readonly TimeProvider _time;
    private readonly Task _worker;

    public ShadowDispatcher(IPredictionLog log, TrafficMeter traffic, TimeProvider time, GatewayOptions options)
    {
        _queue = Channel.CreateBounded<ShadowWork>(new BoundedChannelOptions(options.ShadowQueueCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
        _log = log;
        _traffic = traffic;
        _time = time;
        using (LeaseFence.Suspend())
        {
            _worker = Task.Run(WorkAsync); // outlives whatever asked for the dispatcher first
        }
    }

    public int QueueDepth => _queue.Reader.CanCount ? _queue.Reader.Count : 0;

    /// <summary>Queues a copy; false (and counted) when the queue is full.</summary>
    public bool TryEnqueue(ShadowWork work)
    {
        if (_queue.Writer.TryWrite(work))
        {
            return true;
        }
        _traffic.ShadowDrop();
        return false;
    }

    private async Task WorkAsync()
    {
        await foreach (var work in _queue.Reader.ReadAllAsync())
        {
            var meter = _traffic.Of(work.Endpoint.Endpoint.Name, work.Shadow.Variant.Name);
            var started = _time.GetTimestamp();
            try
            {
                var request = work.Input.Read(work.Shadow.Predictor);
                var predictions = work.Shadow.Predictor.Predict(request.Batch);
                var latency = _time.GetElapsedTime(started).TotalMilliseconds;
                meter.Answered(latency, _time.GetUtcNow().ToUnixTimeMilliseconds());
                for (var r = 0; r < predictions.Length; r++)
                {
                    meter.Shadowed(Agree(work.PrimaryPackage, work.PrimaryPredictions[r], work.Shadow.Predictor.Package, predictions[r]));
                }
                var records = PredictionRecords.Build(work.Endpoint.Endpoint.Name, work.Shadow, _time.GetUtcNow(), latency, request, predictions, Routings.Shadow);
                await _log.AppendAsync(records, durable: false);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // A shadow's failure is its own: counted, never seen by the caller.
                meter.Failed(_time.GetUtcNow().ToUnixTimeMilliseconds());
            }
        }
    }

    private static bool Agree(ModelPackage primary, double[] a, ModelPackage shadow, double[] b)
    {
        if (PredictedClass.Of(primary, a) is { } left && PredictedClass.Of(shadow, b) is { } right)
        {
            return left == right;
        }
        return a.Length == b.Length && a.Zip(b).All(p => Math.Abs(p.First - p.Second) <= 0.05 * Math.Max(Math.Abs(p.First), Math.Abs(p.Second)));
    }

    public void Dispose()
    {
        _queue.Writer.TryComplete();
        _worker.Wait(TimeSpan.FromSeconds(5));
    }
}
