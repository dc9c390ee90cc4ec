using Gyre.Core.Monitoring.Monitors;
using Microsoft.Extensions.DependencyInjection;

namespace Gyre.Server.Inference;

/// <summary>The wiring of <c>/metrics</c>: one registry per server, fed by the gateway, the drift monitor, the background workers, the replica's shared work and the feature store.</summary>
internal static class MetricsServices
{
    public static IServiceCollection AddGyreMetrics(this IServiceCollection services) => services
        .AddSingleton<GatewayMetrics>()
        .AddSingleton<MonitorMetrics>()
        .AddSingleton<ReplicaMetrics>()
        .AddSingleton<FeatureMetrics>()
        .AddSingleton<LabelMetrics>()
        .AddSingleton<IDriftObserver>(sp => sp.GetRequiredService<MonitorMetrics>());
}
