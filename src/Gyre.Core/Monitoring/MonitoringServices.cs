using Gyre.Core.Background;
using Gyre.Core.Monitoring.Drift;
using Gyre.Core.Monitoring.Monitors;
using Gyre.Core.Monitoring.Policies;
using Gyre.Core.Monitoring.Webhooks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Gyre.Core.Monitoring;

/// <summary>The monitoring feature's wiring.</summary>
public static class MonitoringServices
{
    /// <summary>Drift reports, the endpoints' drift monitor, policies and their webhooks, and the worker that ticks the monitor and the policies.</summary>
    public static IServiceCollection AddGyreMonitoring(this IServiceCollection services, WebhookOptions webhooks)
    {
        services.TryAddSingleton<BackgroundErrors>();
        services.TryAddSingleton<Diagnostics.ReplicaCounters>();
        services.AddHostedService<MonitorWorker>();
        return services
            .AddSingleton(webhooks)
            .AddSingleton(WebhookDestinations.Parse(webhooks.Allow))
            .AddSingleton<WebhookDispatcher>()
            .AddSingleton<DatasetDrift>()
            .AddSingleton<Performance.PerformanceEstimator>()
            .AddSingleton<Multivariate.ReconstructionDrift>()
            .AddSingleton<Skew.SkewCheck>()
            .AddSingleton<EndpointMonitor>()
            .AddSingleton<Bias.EndpointBias>()
            .AddSingleton<PolicyEngine>();
    }
}
