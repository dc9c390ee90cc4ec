using Gyre.Core.Background;
using Gyre.Core.Serving.Endpoints;
using Gyre.Core.Serving.Gateway;
using Gyre.Core.Serving.Rollouts;
using Gyre.Core.Serving.Traffic;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Gyre.Core.Serving;

/// <summary>The serving feature's wiring.</summary>
public static class ServingServices
{
    /// <summary>
    /// Endpoints and the models they host, the inference gateway and its shadows, the traffic meter
    /// (kept across restarts by its worker), and the rollout controller with its worker.
    /// </summary>
    public static IServiceCollection AddGyreServing(this IServiceCollection services, GatewayOptions options)
    {
        services.TryAddSingleton<BackgroundErrors>();
        services.TryAddSingleton<Diagnostics.ReplicaCounters>();
        services.AddHostedService<TrafficWorker>();
        services.AddHostedService<TrafficPublisher>();
        services.AddSingleton<RolloutWorker>().AddHostedService(sp => sp.GetRequiredService<RolloutWorker>());
        services.AddSingleton<RoutingWatcher>().AddHostedService(sp => sp.GetRequiredService<RoutingWatcher>());
        return services
            .AddSingleton(options)
            .AddSingleton<EndpointRouter>()
            .AddSingleton<ModelHost>()
            .AddSingleton<EndpointService>()
            .AddSingleton<TrafficMeter>()
            .AddSingleton<TrafficHistory>()
            .AddSingleton<TrafficView>()
            .AddSingleton<ClusterTraffic>()
            .AddSingleton<ShadowDispatcher>()
            .AddSingleton<InferenceGateway>()
            .AddSingleton<RolloutController>();
    }
}
