using Gyre.Core.Auth;
using Gyre.Core.Errors;
using Gyre.Server.Dashboard;
using Gyre.Server.Hosting;
using Gyre.Server.Http;
using Microsoft.AspNetCore.Http;

namespace Gyre.Server.Auth;

/// <summary>
/// Checks <c>Authorization: Bearer TOKEN</c> against the token store when authentication is on.
/// Valid tokens are remembered by <see cref="TokenCache"/>. Dashboard pages take the token from the
/// sign-in cookie instead, send a browser without one to the sign-in page, and need only the read
/// scope to be seen: a page's actions demand their own scope, so a reader sees why an action is refused.
/// </summary>
internal sealed class TokenAuthMiddleware(RequestDelegate next, ITokenStore tokens, TokenCache cache, ServerOptions options)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var endpoint = context.GetEndpoint();
        if (!options.RequireAuth || endpoint is null || endpoint.Metadata.GetMetadata<Anonymous>() is not null)
        {
            await next(context);
            return;
        }
        if (endpoint.Metadata.GetMetadata<DashboardPage>() is not null)
        {
            await PageAsync(context);
            return;
        }
        var header = context.Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            context.Response.Headers.WWWAuthenticate = "Bearer";
            await Problems.WriteAsync(context, ErrorCode.Unauthenticated, "Authorization: expected 'Bearer TOKEN' (create one with `gyre tokens create`)");
            return;
        }
        var token = await cache.FindActiveAsync(header["Bearer ".Length..].Trim(), tokens, context.RequestAborted);
        if (token is null)
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

    private async Task PageAsync(HttpContext context)
    {
        var presented = context.Request.Cookies[DashboardCookie.Name];
        var token = presented is null ? null : await cache.FindActiveAsync(presented, tokens, context.RequestAborted);
        if (token is null)
        {
            if (presented is not null)
            {
                context.Response.Cookies.Delete(DashboardCookie.Name, DashboardCookie.Options(context, null));
            }
            var back = context.Request.Path + context.Request.QueryString;
            context.Response.Redirect("/login?next=" + Uri.EscapeDataString(back) + (presented is null ? "" : "&expired=true"));
            return;
        }
        context.Items[Api.Scopes.TokenItem] = token;
        await next(context);
    }
}
