using Gyre.Core.Background;
using Gyre.Core.Coordination;
using Gyre.Core.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Gyre.Core.Pipelines.Runs;

/// <summary>
/// On a replica with the worker role: claims the runs other replicas queued (<see cref="IRunJobs"/>)
/// and runs them here. It sleeps on the queue's announcements (PostgreSQL's LISTEN), looking anyway
/// every 5 s while listening and every second without, so an idle worker costs the database a query
/// every few seconds; a claim that finds work looks again at once.
/// </summary>
internal sealed class RunWorker(IRunJobs jobs, PipelineService pipelines, ReplicaOptions replica, BackgroundErrors errors, ILogger<RunWorker> logger)
    : BackgroundService
{
    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan ListeningPollInterval = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!replica.Has(ReplicaRoles.Worker))
        {
            return;
        }
        using var unfenced = LeaseFence.Suspend();
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                if (!await ClaimOneAsync(stoppingToken))
                {
                    await jobs.WaitAsync(jobs.Listening ? ListeningPollInterval : PollInterval, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    /// <summary>Claims one queued run and starts it; false when none waits (or the claim failed, which the next round retries).</summary>
    private async Task<bool> ClaimOneAsync(CancellationToken ct)
    {
        try
        {
            if (await jobs.ClaimAsync(replica.Holder, replica.LeaseTtl, ct) is not { } claimed)
            {
                return false;
            }
            await pipelines.RunClaimedAsync(claimed.RunId, ct);
            return true;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            errors.Count(Workers.Pipelines);
            GyreLog.TickFailed(logger, e, Workers.Pipelines);
            return false;
        }
    }
}
