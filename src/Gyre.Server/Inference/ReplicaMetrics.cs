using Gyre.Core.Coordination;
using Gyre.Core.Diagnostics;
using Gyre.Core.Pipelines.Runs;
using Gyre.Core.Serving.Gateway;
using Gyre.Core.Serving.Rollouts;
using Prometheus;

namespace Gyre.Server.Inference;

/// <summary>
/// This replica's part in the cluster's shared work as Prometheus series on the gateway's registry,
/// read at scrape time: rollouts it brought to each state, the singleton leases it holds and how
/// often it took them, the pipeline runs it ran, and (on a worker) the runs the queue holds.
/// Every series an alert's <c>increase()</c> reads starts at zero, so that its first event counts.
/// </summary>
internal sealed class ReplicaMetrics
{
    private static readonly string[] RolloutEnds = [RolloutStates.Running, RolloutStates.Succeeded, RolloutStates.Failed, RolloutStates.Aborted];
    private static readonly string[] RunEnds = [RunStates.Succeeded, RunStates.Failed, RunStates.Cancelled, RunStates.Interrupted];
    private static readonly string[] Singletons = [Core.Background.Workers.Rollouts, Core.Background.Workers.Monitor, Core.Background.Workers.Triggers];

    public ReplicaMetrics(GatewayMetrics gateway, ReplicaCounters counters, EndpointRouter router, IRunJobs jobs, ReplicaOptions replica)
    {
        var factory = Metrics.WithCustomRegistry(gateway.Registry);
        var transitions = factory.CreateCounter("gyre_rollout_transitions_total",
            "Rollouts this replica recorded reaching a state (running: started; succeeded, failed: by the analysis; aborted), per endpoint.", "endpoint", "state");
        var held = factory.CreateGauge("gyre_lease_held", "1 while this replica holds the singleton's lease (rollouts, monitor, triggers), else 0.", "lease");
        var taken = factory.CreateCounter("gyre_lease_acquired_total", "Times this replica took the singleton's lease under a new epoch (renewals not counted).", "lease");
        var finished = factory.CreateCounter("gyre_pipeline_runs_finished_total", "Pipeline runs that ended on this replica, per final state.", "state");
        var active = factory.CreateGauge("gyre_pipeline_runs_active", "Pipeline runs executing on this replica.");
        gateway.Registry.AddBeforeCollectCallback(() =>
        {
            var rollouts = counters.Rollouts;
            foreach (var endpoint in router.All.Select(e => e.Endpoint.Name).Concat(rollouts.Keys.Select(k => k.Endpoint)).Distinct(StringComparer.Ordinal))
            {
                foreach (var state in RolloutEnds)
                {
                    transitions.WithLabels(endpoint, state).IncTo(rollouts.GetValueOrDefault((endpoint, state)));
                }
            }
            var leasesTaken = counters.LeasesTaken;
            var leasesHeld = counters.LeasesHeld;
            foreach (var lease in replica.Has(ReplicaRoles.Worker) ? Singletons : [])
            {
                taken.WithLabels(lease).IncTo(leasesTaken.GetValueOrDefault(lease));
                held.WithLabels(lease).Set(leasesHeld.GetValueOrDefault(lease) ? 1 : 0);
            }
            var runs = counters.RunsFinished;
            foreach (var state in RunEnds)
            {
                finished.WithLabels(state).IncTo(runs.GetValueOrDefault(state));
            }
            active.Set(counters.RunsActive);
        });
        if (replica.Has(ReplicaRoles.Worker))
        {
            var waiting = factory.CreateGauge("gyre_pipeline_jobs_waiting", "Pipeline runs queued for workers in the shared database (every worker reports the same count).");
            gateway.Registry.AddBeforeCollectCallback(async ct =>
            {
                // A second at most: a database that does not answer must not fail the whole scrape,
                // whose other series (gyre_routing_stale_seconds) say what is wrong.
                using var bounded = CancellationTokenSource.CreateLinkedTokenSource(ct);
                bounded.CancelAfter(TimeSpan.FromSeconds(1));
                try
                {
                    waiting.Set(await jobs.CountAsync(bounded.Token));
                }
                catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
                {
                    waiting.Unpublish();
                }
            });
        }
    }
}
