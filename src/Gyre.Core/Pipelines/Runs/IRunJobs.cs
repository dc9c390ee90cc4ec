using Gyre.Core.Coordination;

namespace Gyre.Core.Pipelines.Runs;

/// <summary>
/// Pipeline runs waiting for a worker: a replica without the worker role queues the runs it starts,
/// and workers claim them, each run by exactly one worker, which holds the run's lease from the claim
/// on (the lease is named <c>pipeline-run:ID</c>, the one the run then executes under).
/// </summary>
public interface IRunJobs
{
    /// <summary>Queues a run for a worker (a run already queued stays queued once) and wakes the workers.</summary>
    Task EnqueueAsync(long runId, CancellationToken ct);

    /// <summary>
    /// Claims the oldest queued run whose lease is free: removes it from the queue and takes its lease
    /// for <paramref name="holder"/>, in one transaction; null when nothing is waiting. Concurrent
    /// claimers never get the same run.
    /// </summary>
    Task<(long RunId, Lease Lease)?> ClaimAsync(string holder, TimeSpan ttl, CancellationToken ct);

    /// <summary>Whether runs queued are announced now (PostgreSQL); without, workers only poll.</summary>
    bool Listening { get; }

    /// <summary>Waits until a run is queued or the timeout passes; returns at once when it has just started listening.</summary>
    Task WaitAsync(TimeSpan timeout, CancellationToken ct);

    /// <summary>How many runs wait.</summary>
    Task<long> CountAsync(CancellationToken ct);

    /// <summary>Whether the run waits in the queue (it is no one's yet, and not abandoned).</summary>
    Task<bool> WaitingAsync(long runId, CancellationToken ct);
}
