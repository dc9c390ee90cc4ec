using Gyre.Core.Json;
using Gyre.Server.Auth;
using Microsoft.AspNetCore.HostFiltering;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Gyre.Server.Hosting;

/// <summary>The server's own wiring: JSON, OpenAPI, tokens, the listen guard, the drain and readiness, and the start-up routine.</summary>
internal static class ServerServices
{
    public static IServiceCollection AddGyreServer(this IServiceCollection services, ServerOptions options)
    {
        services.ConfigureHttpJsonOptions(json => GyreJson.Configure(json.SerializerOptions));
        services.Configure<RouteHandlerOptions>(routing => routing.ThrowOnBadRequest = true);
        services.Configure<HostFilteringOptions>(hosts => hosts.AllowedHosts = ["localhost", "127.0.0.1", "[::1]"]);
        // The drain, then the requests in flight (Kestrel's own grace), then the workers.
        services.Configure<HostOptions>(host => host.ShutdownTimeout = options.DrainTime + TimeSpan.FromSeconds(30));
        services.AddOpenApi();
        services.AddHostedService<ListenGuard>();
        services.AddHostedService<DrainService>();
        return services
            .AddSingleton(options)
            .AddSingleton(options.Replica)
            .AddSingleton<Readiness>()
            .AddSingleton(sp => new TokenCache(sp.GetRequiredService<TimeProvider>(), options.TokenCacheTime))
            .AddSingleton<GyreStartup>();
    }
}
