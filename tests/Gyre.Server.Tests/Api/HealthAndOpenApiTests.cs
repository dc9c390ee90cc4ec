using System.Net;

namespace Gyre.Server.Tests.Api;

public sealed class HealthAndOpenApiTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private HttpClient Http => fixture.Server.Http;

    [Fact]
    public async Task Healthz_AndReadyz_Answer()
    {
        var health = await TestServer.JsonAsync(await Http.GetAsync("/healthz"));
        Assert.Equal("ok", health.GetProperty("status").GetString());
        var ready = await Http.GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("ready", (await TestServer.JsonAsync(ready)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task OpenApiDocument_DescribesTheApi_InSnakeCase()
    {
        var response = await Http.GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var document = await TestServer.JsonAsync(response);
        var paths = document.GetProperty("paths");
        foreach (var path in new[] { "/api/v1/experiments", "/api/v1/runs/search", "/api/v1/runs/{id}/log-batch", "/api/v1/models/{name}/aliases/{alias}" })
        {
            Assert.True(paths.TryGetProperty(path, out _), $"missing {path}");
        }
        var text = await response.Content.ReadAsStringAsync();
        Assert.Contains("\"experiment_id\"", text, StringComparison.Ordinal);
        Assert.DoesNotContain("\"experimentId\"", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownRoute_IsProblemDetails() =>
        await ProblemAssert.IsAsync(await Http.GetAsync("/api/v1/nothing-here"), HttpStatusCode.NotFound, "not_found", "/api/v1/nothing-here");
}
