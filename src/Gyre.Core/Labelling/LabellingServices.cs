using Gyre.Core.Background;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Gyre.Core.Labelling;

/// <summary>The labelling feature's wiring: queues, the desk people label at, and the sampler that fills the queues.</summary>
public static class LabellingServices
{
    public static IServiceCollection AddGyreLabelling(this IServiceCollection services)
    {
        services.TryAddSingleton<BackgroundErrors>();
        services.TryAddSingleton<Diagnostics.ReplicaCounters>();
        services.AddHostedService<Sampling.LabelSamplerWorker>();
        return services
            .AddSingleton<LabelQueues>()
            .AddSingleton<LabelDesk>()
            .AddSingleton<Sampling.QueueSampler>();
    }
}
