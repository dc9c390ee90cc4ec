using System.Net;
using Gyre.Core.Errors;
using Microsoft.AspNetCore.Http;

namespace Gyre.Server.Http;

/// <summary>
/// Without authentication, answers only connections that arrived on a loopback address: should a
/// listener on another interface exist despite the start-up checks (for the moment between
/// binding and <see cref="Hosting.ListenGuard"/>'s check), no other machine is ever served.
/// </summary>
internal sealed class LoopbackOnlyMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        var local = context.Connection.LocalIpAddress;
        if (local is not null && !IPAddress.IsLoopback(local.IsIPv4MappedToIPv6 ? local.MapToIPv4() : local))
        {
            return Problems.WriteAsync(context, ErrorCode.PermissionDenied, "authentication is off: this server answers only on loopback addresses");
        }
        return next(context);
    }
}
