using Gyre.Core.Api;
using Gyre.Core.Auth;
using Gyre.Server.Auth;
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

    private static async Task<Created<CreatedToken>> Create(CreateTokenRequest request, ITokenStore tokens, CancellationToken ct)
    {
        if (request.Scope is not { } scope)
        {
            throw Core.Errors.GyreException.Invalid("scope: expected read, write or admin");
        }
        var created = await tokens.CreateTokenAsync(request.Name!, scope, request.ExpiryTime, ct);
        return TypedResults.Created($"/api/v1/tokens/{created.Token.Id}", created);
    }

    private static async Task<Ok<IReadOnlyList<ApiToken>>> List(ITokenStore tokens, CancellationToken ct) =>
        TypedResults.Ok(await tokens.ListTokensAsync(ct));

    private static async Task<NoContent> Revoke(string id, ITokenStore tokens, CancellationToken ct)
    {
        await tokens.RevokeTokenAsync(id, ct);
        return TypedResults.NoContent();
    }
}
