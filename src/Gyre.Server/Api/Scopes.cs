using Gyre.Core.Auth;
using Gyre.Core.Errors;
using Gyre.Server.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Gyre.Server.Api;

/// <summary>Demands a higher scope inside a handler, for calls whose scope depends on their arguments.</summary>
internal static class Scopes
{
    public const string TokenItem = "gyre.token";

    public static void Demand(HttpContext context, TokenScope scope)
    {
        var options = context.RequestServices.GetRequiredService<ServerOptions>();
        if (!options.RequireAuth)
        {
            return;
        }
        if (context.Items[TokenItem] is not ApiToken token || token.Scope < scope)
        {
            throw new GyreException(ErrorCode.PermissionDenied, $"Authorization: this call needs a token with scope {scope.ToString().ToLowerInvariant()}");
        }
    }
}
