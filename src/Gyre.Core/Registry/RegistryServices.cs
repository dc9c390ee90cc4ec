using Microsoft.Extensions.DependencyInjection;

namespace Gyre.Core.Registry;

/// <summary>The registry feature's wiring.</summary>
public static class RegistryServices
{
    /// <summary>Registering versions from runs and importing model packages, over the stores of <c>AddGyreStorage</c> and the engines of <c>AddGyreLearning</c>.</summary>
    public static IServiceCollection AddGyreRegistry(this IServiceCollection services) => services
        .AddSingleton<ModelVersionRegistration>()
        .AddSingleton<ModelImport>();
}
