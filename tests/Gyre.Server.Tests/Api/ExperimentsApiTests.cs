using System.Net;
using System.Net.Http.Json;
using System.Text;

namespace Gyre.Server.Tests.Api;

public abstract class ExperimentsApiTests<TBackend>(TBackend fixture) : IClassFixture<TBackend> where TBackend : ServerFixture
{
    private HttpClient Http => fixture.Server.Http;

    [SkippableFact]
    public async Task Create_Answers201_WithLocationAndSnakeCaseBody()
    {
        var name = Unique.Name("exp");
        var response = await Http.PostAsJsonAsync("/api/v1/experiments", new { name, tags = new[] { new { key = "team", value = "growth" } } });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await TestServer.JsonAsync(response);
        var id = body.GetProperty("experiment_id").GetString()!;
        Assert.Equal($"/api/v1/experiments/{id}", response.Headers.Location?.ToString());
        Assert.Equal(name, body.GetProperty("name").GetString());
        Assert.Equal("active", body.GetProperty("lifecycle_stage").GetString());
        Assert.Equal("growth", body.GetProperty("tags")[0].GetProperty("value").GetString());

        var fetched = await TestServer.JsonAsync(await Http.GetAsync($"/api/v1/experiments/by-name/{name}"));
        Assert.Equal(id, fetched.GetProperty("experiment_id").GetString());
    }

    [SkippableFact]
    public async Task Duplicate_Is409AlreadyExists()
    {
        var name = Unique.Name("dup");
        await Http.PostAsJsonAsync("/api/v1/experiments", new { name });
        await ProblemAssert.IsAsync(await Http.PostAsJsonAsync("/api/v1/experiments", new { name }), HttpStatusCode.Conflict, "already_exists", name);
    }

    [SkippableTheory]
    [InlineData("{}", "name: expected a non-empty name")]
    [InlineData("{\"name\": 42}", "$.name")]
    [InlineData("{\"name\": \"x\"", "invalid JSON")]
    [InlineData("", "body")]
    public async Task BadBody_Is400_NamingTheField(string body, string expected)
    {
        var response = await Http.PostAsync("/api/v1/experiments", new StringContent(body, Encoding.UTF8, "application/json"));
        await ProblemAssert.IsAsync(response, HttpStatusCode.BadRequest, "invalid_argument", expected);
    }

    [SkippableFact]
    public async Task WrongContentType_Is415()
    {
        var response = await Http.PostAsync("/api/v1/experiments", new StringContent("name=x", Encoding.UTF8, "application/x-www-form-urlencoded"));
        await ProblemAssert.IsAsync(response, HttpStatusCode.UnsupportedMediaType, "unsupported_media_type");
    }

    [SkippableFact]
    public async Task Missing_Is404NotFound() =>
        await ProblemAssert.IsAsync(await Http.GetAsync("/api/v1/experiments/987654"), HttpStatusCode.NotFound, "not_found", "987654");

    [SkippableFact]
    public async Task DeleteRestorePurge_ThroughHttp_FreesTheName()
    {
        var name = Unique.Name("life");
        var id = (await TestServer.JsonAsync(await Http.PostAsJsonAsync("/api/v1/experiments", new { name }))).GetProperty("experiment_id").GetString();
        Assert.Equal(HttpStatusCode.NoContent, (await Http.DeleteAsync($"/api/v1/experiments/{id}")).StatusCode);
        var listed = await TestServer.JsonAsync(await Http.GetAsync($"/api/v1/experiments?view_type=deleted_only&filter={Uri.EscapeDataString($"name = '{name}'")}"));
        Assert.Equal(1, listed.GetProperty("items").GetArrayLength());
        await ProblemAssert.IsAsync(await Http.PostAsJsonAsync("/api/v1/experiments", new { name }), HttpStatusCode.Conflict, "already_exists", "deleted state");

        var restored = await TestServer.JsonAsync(await Http.PostAsync($"/api/v1/experiments/{id}/restore", NoBody.Json()));
        Assert.Equal("active", restored.GetProperty("lifecycle_stage").GetString());
        await ProblemAssert.IsAsync(await Http.DeleteAsync($"/api/v1/experiments/{id}?permanent=true"), HttpStatusCode.Conflict, "conflict", "delete it first");

        await Http.DeleteAsync($"/api/v1/experiments/{id}");
        Assert.Equal(HttpStatusCode.NoContent, (await Http.DeleteAsync($"/api/v1/experiments/{id}?permanent=true")).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await Http.PostAsJsonAsync("/api/v1/experiments", new { name })).StatusCode);
    }

    [SkippableFact]
    public async Task Rename_AndTag()
    {
        var id = (await TestServer.JsonAsync(await Http.PostAsJsonAsync("/api/v1/experiments", new { name = Unique.Name("ren") }))).GetProperty("experiment_id").GetString();
        var newName = Unique.Name("renamed");
        var renamed = await TestServer.JsonAsync(await Http.PatchAsJsonAsync($"/api/v1/experiments/{id}", new { name = newName }));
        Assert.Equal(newName, renamed.GetProperty("name").GetString());
        Assert.Equal(HttpStatusCode.NoContent, (await Http.PutAsJsonAsync($"/api/v1/experiments/{id}/tags/owner", new { value = "ana" })).StatusCode);
        var fetched = await TestServer.JsonAsync(await Http.GetAsync($"/api/v1/experiments/{id}"));
        Assert.Equal("ana", fetched.GetProperty("tags")[0].GetProperty("value").GetString());
    }

    [SkippableFact]
    public async Task Search_WithBadFilter_PointsAtThePosition() =>
        await ProblemAssert.IsAsync(await Http.GetAsync("/api/v1/experiments?filter=" + Uri.EscapeDataString("name LIKE 5")),
            HttpStatusCode.BadRequest, "invalid_argument", "filter: at position 11: expected a quoted string");

    [SkippableFact]
    public async Task Search_WithBadViewType_NamesTheParameter() =>
        await ProblemAssert.IsAsync(await Http.GetAsync("/api/v1/experiments?view_type=sometimes"), HttpStatusCode.BadRequest, "invalid_argument", "view_type:");

    [SkippableTheory]
    [InlineData("/api/v1/experiments?max_results=lots", "max_results: expected an integer, got 'lots'")]
    [InlineData("/api/v1/experiments?max_results=0", "max_results: expected a number from 1 to")]
    [InlineData("/api/v1/models?max_results=1.5", "max_results: expected an integer")]
    [InlineData("/api/v1/experiments?page_token=bogus", "page_token:")]
    public async Task BadQueryValues_Are400_NamingTheParameter(string url, string expected) =>
        await ProblemAssert.IsAsync(await Http.GetAsync(url), HttpStatusCode.BadRequest, "invalid_argument", expected);

    [SkippableFact]
    public async Task Delete_WithAMalformedPermanentFlag_Is400_AndDeletesNothing()
    {
        var id = (await TestServer.JsonAsync(await Http.PostAsJsonAsync("/api/v1/experiments", new { name = Unique.Name("flag") }))).GetProperty("experiment_id").GetString();
        await ProblemAssert.IsAsync(await Http.DeleteAsync($"/api/v1/experiments/{id}?permanent=yes"), HttpStatusCode.BadRequest, "invalid_argument", "permanent: expected true or false");
        Assert.Equal("active", (await TestServer.JsonAsync(await Http.GetAsync($"/api/v1/experiments/{id}"))).GetProperty("lifecycle_stage").GetString());
    }

    [SkippableFact]
    public async Task NullItemInAList_Is400_NamingTheItem() =>
        await ProblemAssert.IsAsync(await Http.PostAsync("/api/v1/experiments", new StringContent("{\"name\": \"n\", \"tags\": [null]}", Encoding.UTF8, "application/json")),
            HttpStatusCode.BadRequest, "invalid_argument", "tags[0]: expected an object");

    [SkippableFact]
    public async Task WrongMethod_Is405() =>
        await ProblemAssert.IsAsync(await Http.PutAsync("/api/v1/experiments", new StringContent("{}", Encoding.UTF8, "application/json")),
            HttpStatusCode.MethodNotAllowed, "method_not_allowed", "PUT is not supported");

    [SkippableFact]
    public async Task TagKeysWithSlashes_WorkOnTheTagRoute()
    {
        var client = fixture.Server.Client;
        var experiment = await client.Experiments.CreateAsync(Unique.Name("slash"));
        await client.Experiments.SetTagAsync(experiment.ExperimentId, "team/owner", "ana");
        Assert.Equal([new Core.Tracking.Tag("team/owner", "ana")], (await client.Experiments.GetAsync(experiment.ExperimentId)).Tags);
    }

    [SkippableFact]
    public async Task TokenAdministration_IsRefused_WhenAuthIsOff() =>
        await ProblemAssert.IsAsync(await Http.PostAsJsonAsync("/api/v1/tokens", new { name = "x", scope = "admin" }), HttpStatusCode.Forbidden, "permission_denied", "--auth");

    [SkippableFact]
    public async Task ForeignHostName_IsRefused_WhenAuthIsOff()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/experiments");
        request.Headers.Host = "attacker.example";
        Assert.Equal(HttpStatusCode.BadRequest, (await Http.SendAsync(request)).StatusCode);
    }
}

public sealed class ExperimentsApiTestsOnSqlite(ServerFixture fixture) : ExperimentsApiTests<ServerFixture>(fixture);

public sealed class ExperimentsApiTestsOnPostgres(PostgresServerFixture fixture) : ExperimentsApiTests<PostgresServerFixture>(fixture);
