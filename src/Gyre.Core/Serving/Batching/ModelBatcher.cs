using System.Diagnostics;
using Gyre.Core.Coordination;
using Gyre.Core.Models;

namespace Gyre.Core.Serving.Batching;

/// <summary>
/// Lets concurrent requests to one variant share model calls, as Triton's dynamic batcher does. A
/// request that finds the model idle calls it on its own thread, with whatever else is waiting;
/// requests that arrive while a call runs queue, and the next call takes them together, up to
/// <see cref="BatchSettings.MaxRows"/> rows, in arrival order. Before calling, a request waits for
/// company only while other requests to the variant are on their way (routed, their rows being
/// read: <see cref="Expect"/>), and then by yielding its thread to them, not by spinning, for at
/// most <see cref="BatchSettings.MaxDelayUs"/>: a lone request never waits. A request is never
/// split: one as large as a batch is a call of its own. When a shared call fails, each of its
/// requests is scored alone, so that only the one whose rows the model refuses fails.
/// </summary>
public sealed class ModelBatcher(IPredictor predictor, BatchSettings settings)
{
    private readonly Lock _gate = new();
    private readonly Queue<Pending> _queue = new();
    private int _queuedRows;
    private int _expected;
    private bool _calling;

    /// <summary>Says a request is on its way (routed here, its rows being read); it arrives by <see cref="PredictAsync"/> or is called off by <see cref="Cancel"/>.</summary>
    public void Expect() => Interlocked.Increment(ref _expected);

    /// <summary>A request said by <see cref="Expect"/> will not arrive (its rows were refused).</summary>
    public void Cancel() => Interlocked.Decrement(ref _expected);

    /// <summary>The predictions for <paramref name="batch"/>'s rows, from a call it may share; the request was said by <see cref="Expect"/>.</summary>
    public async Task<BatchedAnswer> PredictAsync(FeatureBatch batch)
    {
        Interlocked.Decrement(ref _expected);
        var pending = new Pending(batch, Stopwatch.GetTimestamp());
        if (batch.Rows >= settings.MaxRows)
        {
            Call([pending]);
            return await pending.Answer.Task;
        }
        bool queued;
        lock (_gate)
        {
            queued = _calling;
            if (queued)
            {
                _queue.Enqueue(pending);
                _queuedRows += batch.Rows;
            }
            _calling = true;
        }
        if (queued)
        {
            return await pending.Answer.Task;
        }
        // This request leads: it makes the call, on its own thread, and returns with its answer;
        // whatever queued meanwhile is called by a pool thread, so no caller waits for others' calls.
        await WaitForCompanyAsync(batch.Rows);
        Call(Take(pending));
        if (!TryStop())
        {
            using (LeaseFence.Suspend())
            {
                _ = Task.Run(Drain);
            }
        }
        return await pending.Answer.Task;
    }

    /// <summary>
    /// While other requests are on their way and fewer rows than a batch wait, up to the settings'
    /// delay: the leader's thread goes back to the pool, whose queue holds the requests on their way,
    /// and the leader resumes after them. Nothing on its way, no wait.
    /// </summary>
    private async ValueTask WaitForCompanyAsync(int rows)
    {
        if (settings.MaxDelayUs == 0)
        {
            return;
        }
        var deadline = Stopwatch.GetTimestamp() + (settings.MaxDelayUs * Stopwatch.Frequency / 1_000_000);
        while (Volatile.Read(ref _expected) > 0 && rows + Volatile.Read(ref _queuedRows) < settings.MaxRows && Stopwatch.GetTimestamp() < deadline)
        {
            await Task.Yield();
        }
    }

    private void Drain()
    {
        do
        {
            Call(Take(null));
        }
        while (!TryStop());
    }

    /// <summary>Ends the calling turn when nothing waits; false when the caller must call again.</summary>
    private bool TryStop()
    {
        lock (_gate)
        {
            if (_queue.Count > 0)
            {
                return false;
            }
            _calling = false;
            return true;
        }
    }

    /// <summary><paramref name="first"/> (if any) and the queued requests that fit beside it, oldest first.</summary>
    private List<Pending> Take(Pending? first)
    {
        var call = new List<Pending>();
        var rows = 0;
        if (first is not null)
        {
            call.Add(first);
            rows = first.Batch.Rows;
        }
        lock (_gate)
        {
            while (_queue.TryPeek(out var next) && (call.Count == 0 || rows + next.Batch.Rows <= settings.MaxRows))
            {
                _queue.Dequeue();
                _queuedRows -= next.Batch.Rows;
                rows += next.Batch.Rows;
                call.Add(next);
            }
        }
        return call;
    }

    private void Call(List<Pending> call)
    {
        if (call.Count == 0)
        {
            return;
        }
        var started = Stopwatch.GetTimestamp();
        double[][] predictions;
        try
        {
            predictions = predictor.Predict(call.Count == 1 ? call[0].Batch : FeatureBatches.Concat(call.Select(p => p.Batch).ToList()));
        }
        catch (Exception) when (call.Count > 1)
        {
            foreach (var pending in call)
            {
                Alone(pending, started);
            }
            return;
        }
        catch (Exception e)
        {
            call[0].Answer.SetException(e);
            return;
        }
        var rows = predictions.Length;
        var offset = 0;
        for (var i = 0; i < call.Count; i++)
        {
            var pending = call[i];
            var own = call.Count == 1 ? predictions : predictions[offset..(offset + pending.Batch.Rows)];
            offset += pending.Batch.Rows;
            pending.Answer.SetResult(new BatchedAnswer(own, Stopwatch.GetElapsedTime(pending.Arrived, started), rows, CountsCall: i == 0));
        }
    }

    private void Alone(Pending pending, long started)
    {
        try
        {
            var predictions = predictor.Predict(pending.Batch);
            pending.Answer.SetResult(new BatchedAnswer(predictions, Stopwatch.GetElapsedTime(pending.Arrived, started), pending.Batch.Rows, CountsCall: true));
        }
        catch (Exception e)
        {
            pending.Answer.SetException(e);
        }
    }

    private sealed class Pending(FeatureBatch batch, long arrived)
    {
        public FeatureBatch Batch { get; } = batch;

        public long Arrived { get; } = arrived;

        // Completed by whichever thread makes the call: the caller's continuation must not run on it.
        public TaskCompletionSource<BatchedAnswer> Answer { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
