using Gyre.Core.Data;
using Gyre.Core.Errors;
using Gyre.Core.Features;
using Gyre.Core.Labelling;
using Gyre.Core.Monitoring;
using Gyre.Core.Pipelines;
using Gyre.Core.Registry;
using Gyre.Core.Serving;
using Gyre.Learning;
using Gyre.Server.Api;
using Gyre.Server.Dashboard;
using Gyre.Server.Http;
using Gyre.Server.Inference;
using Gyre.Server.Inference.Grpc;
using Gyre.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Gyre.Server.Hosting;

/// <summary>Builds the <c>gyre server</c> web application: each feature's services, the middleware and every route.</summary>
public static class GyreServer
{
    /// <summary>
    /// Checks the settings, wires the features, migrates the stores and puts back what a stop
    /// interrupted; returns an application ready to start. Throws <see cref="GyreException"/> with
    /// a readable message when it must refuse to start. <paramref name="services"/> may change the
    /// wiring after Gyre's own (tests plant failing stores there).
    /// </summary>
    public static async Task<WebApplication> BuildAsync(ServerOptions options, TimeProvider? time = null, Action<IServiceCollection>? services = null,
        CancellationToken ct = default)
    {
        // Every setting is checked before anything touches the home.
        GyreException.ThrowIfAny(options.Problems());
        var urls = ListenAddresses.Split(options.Urls);
        var forwarded = TrustedProxies.Options(options.TrustedProxies);
        var grpc = GrpcListen.Resolve(options.GrpcUrls, urls);
        ListenAddresses.CheckFree([.. urls, .. grpc.Urls]);
        // Behind a trusted proxy the callers are other machines, even on a loopback address.
        options = options with { RequireAuth = options.RequireAuth || forwarded is not null || urls.Concat(grpc.Urls).Any(u => !ListenAddresses.IsLoopback(u)) };

        var builder = GyreHost.CreateBuilder(options, urls, grpc);
        builder.Services
            .AddSingleton(time ?? TimeProvider.System)
            .AddGyreStorage(new StorageOptions(options.Home, options.Database, options.Artifacts))
            .AddGyreData()
            .AddGyreFeatures()
            .AddGyreLabelling()
            .AddGyreRegistry()
            .AddGyreLearning()
            .AddGyreServing(options.Gateway)
            .AddGyrePipelines()
            .AddGyreMonitoring(options.Webhooks)
            .AddGyreServer(options)
            .AddGyreGrpc(grpc, options.Gateway)
            .AddGyreMetrics()
            .AddGyreTracing()
            .AddGyreDashboard(GyreHome.Resolve(options.Home).Root);
        services?.Invoke(builder.Services);

        var app = builder.Build();
        try
        {
            await app.Services.GetRequiredService<GyreStartup>().RunAsync([.. urls, .. grpc.Urls], forwarded is not null, ct);
        }
        catch
        {
            await app.DisposeAsync(); // the stores close; nothing was served
            throw;
        }
        app.UseGyreMiddleware(options, forwarded);
        app.MapGyreApi(options.Replica);
        return app;
    }

    /// <summary>The addresses a started application listens on for HTTP/1.1 (port 0 resolved): a Gyre server's without its gRPC ports, or any other Kestrel application's.</summary>
    public static IReadOnlyList<string> Addresses(WebApplication app)
    {
        var grpc = app.Services.GetService<GrpcListen>()?.Ports ?? new HashSet<int>();
        return app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses
            .Where(a => !(ListenAddresses.TryParse(a, out var uri) && grpc.Contains(uri.Port))).ToList() ?? [];
    }

    /// <summary>The addresses of the gRPC service (<see cref="ServerOptions.GrpcUrls"/>); none when it is off.</summary>
    public static IReadOnlyList<string> GrpcAddresses(WebApplication app) => app.Services.GetService<GrpcListen>()?.Urls ?? [];
}
