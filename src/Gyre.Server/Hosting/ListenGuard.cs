using Gyre.Core.Errors;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Hosting;

namespace Gyre.Server.Hosting;

/// <summary>
/// Checks, once Kestrel listens, the addresses it actually bound, whatever configured them
/// (<c>--urls</c>, <c>Kestrel__Endpoints__*</c> or <c>ASPNETCORE_*</c> variables): without
/// authentication every one must be loopback, or the start fails. The options are checked before
/// the start too; this catches what configuration added behind their back.
/// </summary>
internal sealed class ListenGuard(IServer server, ServerOptions options) : IHostedLifecycleService
{
    public Task StartedAsync(CancellationToken cancellationToken)
    {
        var exposed = server.Features.Get<IServerAddressesFeature>()?.Addresses.Where(a => !ListenAddresses.IsLoopback(a)).ToList() ?? [];
        if (!options.RequireAuth && exposed.Count > 0)
        {
            throw new GyreException(ErrorCode.InvalidArgument,
                $"refusing to listen on {string.Join(", ", exposed)} (not loopback) without an API token: the configuration added it; "
                + "create a token with `gyre tokens create --name NAME --scope admin` and start with --auth");
        }
        return Task.CompletedTask;
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
