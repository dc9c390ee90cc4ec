using Microsoft.Extensions.DependencyInjection;

namespace Gyre.Core.Features;

/// <summary>The feature store's wiring: feature groups and point-in-time training sets, over the stores of <c>AddGyreStorage</c>.</summary>
public static class FeatureServices
{
    public static IServiceCollection AddGyreFeatures(this IServiceCollection services) => services
        .AddSingleton<FeatureGroups>()
        .AddSingleton<TrainingSets>();
}
