using Microsoft.Extensions.DependencyInjection;

namespace Gyre.Core.Features;

/// <summary>
/// The feature store's wiring: feature groups, point-in-time training sets, the online store's
/// materialisation, the gateway's lookups and similarity search, over the stores of <c>AddGyreStorage</c>.
/// </summary>
public static class FeatureServices
{
    public static IServiceCollection AddGyreFeatures(this IServiceCollection services) => services
        .AddSingleton<FeatureGroups>()
        .AddSingleton<TrainingSets>()
        .AddSingleton<FeatureProfiles>()
        .AddSingleton<Online.OnlineMaterialization>()
        .AddSingleton<Lookups.OnlineValues>()
        .AddSingleton<Lookups.FeatureLookups>()
        .AddSingleton<Vectors.VectorSearch>();
}
