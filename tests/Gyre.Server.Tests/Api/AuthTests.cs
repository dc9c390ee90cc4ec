using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Gyre.Core.Auth;
using Gyre.Core.Errors;
using Gyre.Server.Hosting;
using Gyre.Storage;

namespace Gyre.Server.Tests.Api;

public sealed class AuthTests : IDisposable
{
    private readonly List<string> _homes = [];

    /// <summary>Removes the homes this test made.</summary>
    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var home in _homes.Where(Directory.Exists))
        {
            Directory.Delete(home, recursive: true);
        }
    }

    private string NewHome()
    {
        var home = Path.Combine(Path.GetTempPath(), "gyre-auth-test-" + Guid.NewGuid().ToString("N"));
        _homes.Add(home);
        return home;
    }

    private async Task<(string Home, Dictionary<TokenScope, string> Secrets)> HomeWithTokensAsync()
    {
        var home = NewHome();
        using var storage = await GyreStorage.OpenAsync(new GyreHome(home));
        var secrets = new Dictionary<TokenScope, string>();
        foreach (var scope in Enum.GetValues<TokenScope>())
        {
            secrets[scope] = (await storage.Tokens.CreateTokenAsync(scope.ToString(), scope, null, CancellationToken.None)).Secret;
        }
        var revoked = await storage.Tokens.CreateTokenAsync("revoked", TokenScope.Admin, null, CancellationToken.None);
        await storage.Tokens.RevokeTokenAsync(revoked.Token.Id, CancellationToken.None);
        secrets[(TokenScope)99] = revoked.Secret;
        return (home, secrets);
    }

    private static HttpRequestMessage Request(HttpMethod method, string path, string? token, object? body = null)
    {
        var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        return request;
    }

    [Fact]
    public async Task WithAuth_ScopesDecideWhatATokenMayDo()
    {
        var (home, secrets) = await HomeWithTokensAsync();
        await using var server = await TestServer.StartAsync(o => o with { RequireAuth = true }, home);
        var http = server.Http;

        await ProblemAssert.IsAsync(await http.SendAsync(Request(HttpMethod.Get, "/api/v1/experiments", null)), HttpStatusCode.Unauthorized, "unauthenticated", "Bearer");
        await ProblemAssert.IsAsync(await http.SendAsync(Request(HttpMethod.Get, "/api/v1/experiments", "gyre_wrong")), HttpStatusCode.Unauthorized, "unauthenticated", "unknown, revoked or expired");
        await ProblemAssert.IsAsync(await http.SendAsync(Request(HttpMethod.Get, "/api/v1/experiments", secrets[(TokenScope)99])), HttpStatusCode.Unauthorized, "unauthenticated");

        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(Request(HttpMethod.Get, "/api/v1/experiments", secrets[TokenScope.Read]))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(Request(HttpMethod.Post, "/api/v1/runs/search", secrets[TokenScope.Read], new { experiment_ids = new[] { "0" } }))).StatusCode);
        await ProblemAssert.IsAsync(await http.SendAsync(Request(HttpMethod.Post, "/api/v1/experiments", secrets[TokenScope.Read], new { name = "x" })),
            HttpStatusCode.Forbidden, "permission_denied", "needs write");

        var created = await http.SendAsync(Request(HttpMethod.Post, "/api/v1/experiments", secrets[TokenScope.Write], new { name = "x" }));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await TestServer.JsonAsync(created)).GetProperty("experiment_id").GetString();
        Assert.Equal(HttpStatusCode.NoContent, (await http.SendAsync(Request(HttpMethod.Delete, $"/api/v1/experiments/{id}", secrets[TokenScope.Write]))).StatusCode);
        await ProblemAssert.IsAsync(await http.SendAsync(Request(HttpMethod.Delete, $"/api/v1/experiments/{id}?permanent=true", secrets[TokenScope.Write])),
            HttpStatusCode.Forbidden, "permission_denied", "admin");
        Assert.Equal(HttpStatusCode.NoContent, (await http.SendAsync(Request(HttpMethod.Delete, $"/api/v1/experiments/{id}?permanent=true", secrets[TokenScope.Admin]))).StatusCode);

        await ProblemAssert.IsAsync(await http.SendAsync(Request(HttpMethod.Get, "/api/v1/tokens", secrets[TokenScope.Write])), HttpStatusCode.Forbidden, "permission_denied");
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(Request(HttpMethod.Get, "/healthz", null))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(Request(HttpMethod.Get, "/openapi/v1.json", null))).StatusCode);
    }

    [Fact]
    public async Task AdminToken_CanMakeAndRevokeTokens_ThroughTheClient()
    {
        var (home, secrets) = await HomeWithTokensAsync();
        await using var server = await TestServer.StartAsync(o => o with { RequireAuth = true, TokenCacheTime = TimeSpan.Zero }, home);
        using var admin = server.ClientWithToken(secrets[TokenScope.Admin]);
        var made = await admin.Tokens.CreateAsync("ci", TokenScope.Read);
        Assert.StartsWith(TokenSecrets.Prefix, made.Secret, StringComparison.Ordinal);
        using var ci = server.ClientWithToken(made.Secret);
        Assert.Equal("Default", (await ci.Experiments.GetAsync(Core.Tracking.ExperimentId.Default)).Name);
        await admin.Tokens.RevokeAsync(made.Token.Id);
        var error = await Assert.ThrowsAsync<Client.GyreApiException>(() => ci.Experiments.GetAsync(Core.Tracking.ExperimentId.Default));
        Assert.Equal(ErrorCode.Unauthenticated, error.Code);
    }

    [Fact]
    public async Task NonLoopbackAddress_WithoutTokens_RefusesToStart()
    {
        var home = NewHome();
        var error = await Assert.ThrowsAsync<GyreException>(() => GyreServer.BuildAsync(new ServerOptions { Urls = "http://0.0.0.0:0", Home = home, Quiet = true }));
        Assert.Contains("refusing to listen on http://0.0.0.0:0", error.Message, StringComparison.Ordinal);
        Assert.Contains("gyre tokens create", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NonLoopbackAddress_TurnsAuthOn()
    {
        var (home, secrets) = await HomeWithTokensAsync();
        var app = await GyreServer.BuildAsync(new ServerOptions { Urls = "http://0.0.0.0:0", Home = home, Quiet = true });
        await app.StartAsync();
        try
        {
            var port = new Uri(GyreServer.Addresses(app)[0]).Port;
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/api/v1/experiments")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(Request(HttpMethod.Get, "/api/v1/experiments", secrets[TokenScope.Read]))).StatusCode);
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    [Fact]
    public async Task PipelinesThatRunProgramsOrReadServerFiles_NeedAnAdminToken()
    {
        var (home, secrets) = await HomeWithTokensAsync();
        await using var server = await TestServer.StartAsync(o => o with { RequireAuth = true }, home);
        var command = new { yaml = "name: shell\nsteps:\n  - {id: a, uses: command, with: {run: 'id'}}\n" };
        var file = new { yaml = "name: file\nsteps:\n  - {id: a, uses: ingest, with: {dataset: d, path: /etc/passwd}}\n" };
        var plain = new { yaml = "name: plain\nsteps:\n  - {id: a, uses: ingest, with: {dataset: d}}\n" };

        await ProblemAssert.IsAsync(await server.Http.SendAsync(Request(HttpMethod.Post, "/api/v1/pipelines", secrets[TokenScope.Write], command)),
            HttpStatusCode.Forbidden, "permission_denied", "admin");
        await ProblemAssert.IsAsync(await server.Http.SendAsync(Request(HttpMethod.Post, "/api/v1/pipelines", secrets[TokenScope.Write], file)),
            HttpStatusCode.Forbidden, "permission_denied", "admin");
        Assert.Equal(HttpStatusCode.OK, (await server.Http.SendAsync(Request(HttpMethod.Post, "/api/v1/pipelines", secrets[TokenScope.Write], plain))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await server.Http.SendAsync(Request(HttpMethod.Post, "/api/v1/pipelines", secrets[TokenScope.Admin], command))).StatusCode);
        await ProblemAssert.IsAsync(await server.Http.SendAsync(Request(HttpMethod.Post, "/api/v1/pipelines/shell/runs", secrets[TokenScope.Write], new { })),
            HttpStatusCode.Forbidden, "permission_denied", "admin");
        await ProblemAssert.IsAsync(await server.Http.SendAsync(Request(HttpMethod.Post, "/api/v1/pipelines/plain/runs", secrets[TokenScope.Read], new { })),
            HttpStatusCode.Forbidden, "permission_denied", "write");
        Assert.Equal(HttpStatusCode.Accepted, (await server.Http.SendAsync(Request(HttpMethod.Post, "/api/v1/pipelines/shell/runs", secrets[TokenScope.Admin], new { }))).StatusCode);
    }
}
