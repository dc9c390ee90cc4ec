using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Gyre.Server.Tests.Api;

namespace Gyre.Server.Tests.Security;

/// <summary>
/// With authentication off (the default on loopback), any web page the user opens could make the
/// browser post to the local server. State-changing requests that a browser can send cross-site
/// without a preflight are refused; programs and the dashboard's own forms are not affected.
/// </summary>
public sealed class CrossSiteRequestTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private HttpClient Http => fixture.Server.Http;

    private static HttpRequestMessage Post(string path, string? body, string? contentType, string? origin = null, string? site = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path);
        if (body is not null)
        {
            request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
            if (contentType is not null)
            {
                request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
            }
        }
        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }
        if (site is not null)
        {
            request.Headers.Add("Sec-Fetch-Site", site);
        }
        return request;
    }

    private async Task<string> SavePipelineAsync()
    {
        var name = Unique.Name("pipe");
        await fixture.Server.Client.Pipelines.SaveAsync($"name: {name}\nsteps:\n  - {{id: a, uses: command, with: {{run: 'true'}}}}\n");
        return name;
    }

    [Fact]
    public async Task PipelineRun_WithoutContentType_IsRefused_AndNoRunStarts()
    {
        var pipeline = await SavePipelineAsync();
        var response = await Http.SendAsync(Post($"/api/v1/pipelines/{pipeline}/runs", null, null));
        await ProblemAssert.IsAsync(response, HttpStatusCode.UnsupportedMediaType, "unsupported_media_type", "Content-Type: expected application/json");
        Assert.Empty((await fixture.Server.Client.Pipelines.ListRunsAsync(pipeline)).Items);
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("multipart/form-data; boundary=x")]
    public async Task SimpleBodies_ThatABrowserSendsWithoutAsking_AreRefused(string contentType)
    {
        var pipeline = await SavePipelineAsync();
        var response = await Http.SendAsync(Post($"/api/v1/pipelines/{pipeline}/runs", "{}", contentType));
        await ProblemAssert.IsAsync(response, HttpStatusCode.UnsupportedMediaType, "unsupported_media_type", "Content-Type: expected application/json");
        Assert.Empty((await fixture.Server.Client.Pipelines.ListRunsAsync(pipeline)).Items);
    }

    [Fact]
    public async Task Promote_FromAnotherOrigin_IsRefused()
    {
        var response = await Http.SendAsync(Post("/api/v1/endpoints/any/rollouts/1/promote", "{}", "text/plain", origin: "http://evil.example"));
        await ProblemAssert.IsAsync(response, HttpStatusCode.Forbidden, "permission_denied", "Origin: a request from http://evil.example cannot change state");
    }

    [Fact]
    public async Task Feedback_WithoutContentType_IsRefused()
    {
        var response = await Http.SendAsync(Post("/endpoints/any/feedback", "[{\"prediction_id\": \"x\", \"actual\": 1}]", null));
        await ProblemAssert.IsAsync(response, HttpStatusCode.UnsupportedMediaType, "unsupported_media_type");
    }

    [Theory]
    [InlineData("cross-site")]
    [InlineData("same-site")]
    public async Task JsonFromAnotherSite_IsRefused_EvenWithTheRightType(string site)
    {
        var name = Unique.Name("exp");
        var response = await Http.SendAsync(Post("/api/v1/experiments", $"{{\"name\": \"{name}\"}}", "application/json", site: site));
        await ProblemAssert.IsAsync(response, HttpStatusCode.Forbidden, "permission_denied", $"Sec-Fetch-Site: a {site} request cannot change state");
        Assert.Equal(HttpStatusCode.NotFound, (await Http.GetAsync($"/api/v1/experiments/by-name/{name}")).StatusCode);
    }

    [Fact]
    public async Task DeleteFromAnotherOrigin_IsRefused()
    {
        var request = new HttpRequestMessage(HttpMethod.Delete, "/api/v1/experiments/0");
        request.Headers.Add("Origin", "null");
        await ProblemAssert.IsAsync(await Http.SendAsync(request), HttpStatusCode.Forbidden, "permission_denied", "Origin: a request from null");
    }

    [Fact]
    public async Task SameOrigin_AndPrograms_AreServed()
    {
        var origin = fixture.Server.Address.GetLeftPart(UriPartial.Authority);
        var sameOrigin = await Http.SendAsync(Post("/api/v1/experiments", $"{{\"name\": \"{Unique.Name("exp")}\"}}", "application/json", origin: origin, site: "same-origin"));
        Assert.Equal(HttpStatusCode.Created, sameOrigin.StatusCode);
        var program = await Http.SendAsync(Post("/api/v1/experiments", $"{{\"name\": \"{Unique.Name("exp")}\"}}", "application/json"));
        Assert.Equal(HttpStatusCode.Created, program.StatusCode);
        // The client says JSON even when a call has no body.
        var pipeline = await SavePipelineAsync();
        var run = await fixture.Server.Client.Pipelines.StartRunAsync(pipeline);
        Assert.Equal(pipeline, run.Pipeline);
    }
}
