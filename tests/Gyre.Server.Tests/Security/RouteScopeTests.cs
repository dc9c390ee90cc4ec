using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Gyre.Core.Auth;
using Gyre.Storage;

namespace Gyre.Server.Tests.Security;

/// <summary>
/// Every route of the OpenAPI document, called with no token and with each scope: a route is
/// anonymous, or readable with a read token, or changes state only with write (or admin) — as the
/// table below says. A new route that is silently anonymous or writable with a read token fails here.
/// </summary>
public sealed class RouteScopeTests : IAsyncLifetime
{
    /// <summary>Routes that need no token: probes and the document itself.</summary>
    private static readonly HashSet<string> Anonymous = ["GET /healthz", "GET /readyz", "GET /v2/health/live", "GET /v2/health/ready", "GET /metrics"];

    /// <summary>Routes whose scope is not the default (GET needs read, anything else write).</summary>
    private static readonly Dictionary<string, TokenScope> Scopes = new()
    {
        ["POST /api/v1/runs/search"] = TokenScope.Read,
        ["POST /endpoints/{name}/predict"] = TokenScope.Read,
        ["POST /api/v1/feature-groups/{name}/online"] = TokenScope.Read,
        ["POST /api/v1/feature-groups/{name}/search"] = TokenScope.Read,
        ["POST /v2/models/{name}/infer"] = TokenScope.Read,
        ["POST /v2/models/{name}/versions/{version}/infer"] = TokenScope.Read,
        ["POST /v1/models/{name}:predict"] = TokenScope.Read,
        ["POST /v1/models/{name}:explain"] = TokenScope.Read,
        ["POST /endpoints/{name}/invocations"] = TokenScope.Read,
        ["POST /invocations"] = TokenScope.Read,
        ["GET /api/v1/tokens"] = TokenScope.Admin,
        ["POST /api/v1/tokens"] = TokenScope.Admin,
        ["DELETE /api/v1/tokens/{id}"] = TokenScope.Admin,
    };

    private readonly string _home = Path.Combine(Path.GetTempPath(), "gyre-route-scopes-" + Guid.NewGuid().ToString("N"));
    private readonly Dictionary<TokenScope, string> _secrets = [];
    private TestServer _server = null!;

    public async Task InitializeAsync()
    {
        using (var storage = await GyreStorage.OpenAsync(new GyreHome(_home)))
        {
            foreach (var scope in Enum.GetValues<TokenScope>())
            {
                _secrets[scope] = (await storage.Tokens.CreateTokenAsync(scope.ToString(), scope, null, CancellationToken.None)).Secret;
            }
        }
        _server = await TestServer.StartAsync(o => o with { RequireAuth = true }, home: _home);
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private async Task<HttpStatusCode> CallAsync(string method, string path, TokenScope? scope)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), Placeholders(path));
        if (method is not ("GET" or "HEAD" or "DELETE"))
        {
            request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
        }
        if (scope is { } s)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _secrets[s]);
        }
        using var response = await _server.Http.SendAsync(request);
        return response.StatusCode;
    }

    /// <summary>Route parameters filled with values that name nothing (numbers where numbers are expected), also inside a segment (<c>{name}:predict</c>).</summary>
    private static string Placeholders(string path) =>
        System.Text.RegularExpressions.Regex.Replace(path, @"\{[^}]+\}", m => m.Value is "{version}" or "{id}" ? "1" : "x");

    [Fact]
    public async Task EveryRouteOfTheOpenApiDocument_HasTheScopeItsTableSays()
    {
        Assert.NotEqual(HttpStatusCode.Unauthorized, await CallAsync("GET", "/openapi/v1.json", null));
        using var document = JsonDocument.Parse(await _server.Http.GetStringAsync("/openapi/v1.json"));
        var routes = document.RootElement.GetProperty("paths").EnumerateObject()
            .SelectMany(p => p.Value.EnumerateObject().Select(m => (Method: m.Name.ToUpperInvariant(), Path: p.Name))).ToList();
        Assert.True(routes.Count > 60, $"only {routes.Count} routes in the document");
        var wrong = new List<string>();
        foreach (var (method, path) in routes)
        {
            var key = $"{method} {path}";
            var anonymous = await CallAsync(method, path, null);
            if (Anonymous.Contains(key))
            {
                if (anonymous is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
                {
                    wrong.Add($"{key}: should be anonymous, got {(int)anonymous} without a token");
                }
                continue;
            }
            if (anonymous != HttpStatusCode.Unauthorized)
            {
                wrong.Add($"{key}: answered {(int)anonymous} without a token");
            }
            var needed = Scopes.GetValueOrDefault(key, method == "GET" ? TokenScope.Read : TokenScope.Write);
            if (needed > TokenScope.Read && await CallAsync(method, path, needed - 1) != HttpStatusCode.Forbidden)
            {
                wrong.Add($"{key}: a {needed - 1} token was not refused (needs {needed})");
            }
            if (await CallAsync(method, path, needed) is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
            {
                wrong.Add($"{key}: a {needed} token was refused");
            }
        }
        foreach (var listed in Anonymous.Concat(Scopes.Keys).Where(k => !k.EndsWith("/metrics", StringComparison.Ordinal)))
        {
            if (!routes.Any(r => $"{r.Method} {r.Path}" == listed))
            {
                wrong.Add($"{listed}: in the table, not in the document");
            }
        }
        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
    }
}
