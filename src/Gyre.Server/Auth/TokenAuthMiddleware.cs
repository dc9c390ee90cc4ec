using Gyre.Core.Auth;
using Gyre.Core.Errors;
using Gyre.Server.Hosting;
using Gyre.Server.Http;
using Microsoft.AspNetCore.Http;

namespace Gyre.Server.Auth;

/// <summary>
/// Checks <c>Authorization: Bearer TOKEN</c> against the token store when authentication is on.
/// Valid tokens are remembered by <see cref="TokenCache"/>.
/// </summary>
internal sealed class TokenAuthMiddleware(RequestDelegate next, ITokenStore tokens, TokenCache cache, ServerOptions options, TimeProvider time)
{

    public async Task InvokeAsync(HttpContext context)
    {
        var endpoint = context.GetEndpoint();
        if (!options.RequireAuth || endpoint is null || endpoint.Metadata.GetMetadata<Anonymous>() is not null)
        {
            await next(context);
            return;
        }
        var header = context.Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            context.Response.Headers.WWWAuthenticate = "Bearer";
            await Problems.WriteAsync(context, ErrorCode.Unauthenticated, "Authorization: expected 'Bearer TOKEN' (create one with `gyre tokens create`)");
            return;
        }
        var token = await cache.FindAsync(header["Bearer ".Length..].Trim(), tokens, context.RequestAborted);
        if (token is null || !token.IsActive(time.GetUtcNow().ToUnixTimeMilliseconds()))
        {
            context.Response.Headers.WWWAuthenticate = "Bearer error=\"invalid_token\"";
            await Problems.WriteAsync(context, ErrorCode.Unauthenticated, "Authorization: the token is unknown, revoked or expired");
            return;
        }
        var needed = endpoint.Metadata.GetMetadata<RequiredScope>()?.Scope
            ?? (HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method) ? TokenScope.Read : TokenScope.Write);
        if (token.Scope < needed)
        {
            await Problems.WriteAsync(context, ErrorCode.PermissionDenied,
                $"Authorization: token '{token.Name}' has scope {token.Scope.ToString().ToLowerInvariant()}, this call needs {needed.ToString().ToLowerInvariant()}");
            return;
        }
        context.Items[Api.Scopes.TokenItem] = token;
        await next(context);
    }
}
