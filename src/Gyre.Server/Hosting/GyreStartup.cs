using Gyre.Core.Coordination;
using Gyre.Core.Diagnostics;
using Gyre.Core.Errors;
using Gyre.Core.Pipelines.Runs;
using Gyre.Core.Serving.Endpoints;
using Gyre.Core.Serving.Rollouts;
using Gyre.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Gyre.Server.Hosting;

/// <summary>
/// What a server does once, before it takes requests: migrates the stores, refuses to expose an
/// API that no token could call, and puts back what a stop interrupted — traffic charts, every
/// endpoint (loaded and warmed up), rollouts, pipeline runs.
/// </summary>
internal sealed class GyreStartup(GyreStorage storage, ServerOptions options, IServiceProvider services, ILogger<GyreStartup> logger)
{
    public async Task RunAsync(IReadOnlyList<string> urls, bool proxied, CancellationToken ct)
    {
        await storage.PrepareAsync(options.Migrate, ct);
        if (options.AdminTokenFile is { } file)
        {
            await AdminTokenFile.ImportAsync(file, storage.Tokens, ct);
        }
        if (options.RequireAuth && await storage.Tokens.CountActiveTokensAsync(ct) == 0)
        {
            var exposed = urls.Where(u => !ListenAddresses.IsLoopback(u)).ToList();
            var where = exposed.Count > 0 ? $"listen on {string.Join(", ", exposed)} (not loopback)"
                : proxied ? "serve behind a proxy (--trusted-proxy)" : "require authentication";
            throw new GyreException(ErrorCode.InvalidArgument,
                $"refusing to {where} without an API token: create one with `gyre tokens create --name NAME --scope admin --home {storage.Home.Root}`");
        }
        // The services below are asked for only now, with the stores migrated.
        var endpoints = services.GetRequiredService<EndpointService>();
        await endpoints.StartAsync(ct);
        // Puts right what a crash between a rollout's record and its endpoint left, on the replica
        // that holds the controller's lease (any other leaves it to that one).
        await services.GetRequiredService<RolloutWorker>().TickOnceAsync(ct);
        foreach (var failed in (await endpoints.ListAsync(ct)).Where(e => e.State == EndpointStates.Failed))
        {
            GyreLog.EndpointFailed(logger, failed.Endpoint.Name, failed.Reason!);
        }
        if (options.Replica.Has(ReplicaRoles.Worker))
        {
            await services.GetRequiredService<PipelineService>().RecoverAsync(ct);
        }
        GyreLog.Started(logger, storage.Home.Root, options.RequireAuth ? "required" : "off (loopback only)");
    }

}
