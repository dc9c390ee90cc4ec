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

    /// <summary>
    /// Who is calling, as a policy records its author: the token's name and scope, or, with
    /// authentication off (loopback only), the local user, who can do everything.
    /// </summary>
    public static Core.Monitoring.Policies.PolicyAuthor Caller(HttpContext context) =>
        context.Items[TokenItem] is ApiToken token
            ? new Core.Monitoring.Policies.PolicyAuthor(token.Name, token.Scope)
            : new Core.Monitoring.Policies.PolicyAuthor(null, TokenScope.Admin);

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
