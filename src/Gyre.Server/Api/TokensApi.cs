using Gyre.Core.Api;
using Gyre.Core.Auth;
using Gyre.Server.Auth;
using Gyre.Server.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Gyre.Server.Api;

/// <summary><c>/api/v1/tokens</c>: token administration for admin tokens. The first token is made offline by <c>gyre tokens create</c>.</summary>
internal static class TokensApi
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/tokens").WithTags("Tokens").WithMetadata(new RequiredScope(TokenScope.Admin));
        group.MapPost("/", Create);
        group.MapGet("/", List);
        group.MapDelete("/{id}", Revoke);
    }

    private static async Task<Created<CreatedToken>> Create(CreateTokenRequest request, ITokenStore tokens, ServerOptions options, TimeProvider time, CancellationToken ct)
    {
        RequireAuth(options);
        if (request.ExpiryTime is { } expiry && expiry <= time.GetUtcNow().ToUnixTimeMilliseconds())
        {
            throw Core.Errors.GyreException.Invalid("expiry_time: expected a time in the future, in milliseconds since the Unix epoch");
        }
        if (request.Scope is not { } scope)
        {
            throw Core.Errors.GyreException.Invalid("scope: expected read, write or admin");
        }
        var created = await tokens.CreateTokenAsync(request.Name!, scope, request.ExpiryTime, ct);
        return TypedResults.Created($"/api/v1/tokens/{created.Token.Id}", created);
    }

    private static async Task<Ok<IReadOnlyList<ApiToken>>> List(ITokenStore tokens, ServerOptions options, CancellationToken ct)
    {
        RequireAuth(options);
        return TypedResults.Ok(await tokens.ListTokensAsync(ct));
    }

    private static async Task<NoContent> Revoke(string id, ITokenStore tokens, TokenCache cache, ServerOptions options, CancellationToken ct)
    {
        RequireAuth(options);
        await tokens.RevokeTokenAsync(id, ct);
        cache.Evict(id);
        return TypedResults.NoContent();
    }

    /// <summary>
    /// Without authentication anyone who can reach the server could mint admin tokens that stay
    /// valid once it is exposed; tokens are then made offline with <c>gyre tokens create</c>.
    /// </summary>
    private static void RequireAuth(ServerOptions options)
    {
        if (!options.RequireAuth)
        {
            throw new Core.Errors.GyreException(Core.Errors.ErrorCode.PermissionDenied,
                "token administration over the API needs a server started with authentication (--auth); use `gyre tokens create` on the server's machine");
        }
    }
}
