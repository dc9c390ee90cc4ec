using System.Net;
using System.Net.Http.Json;
using Gyre.Core.Tracking;

namespace Gyre.Server.Tests.Api;

public abstract class RegistryApiTests<TBackend>(TBackend fixture) : IClassFixture<TBackend> where TBackend : ServerFixture
{
    private HttpClient Http => fixture.Server.Http;

    /// <summary>A finished run with a model artifact, params and a dataset input, as training would leave it.</summary>
    private async Task<Run> TrainedRunAsync()
    {
        var client = fixture.Server.Client;
        var run = await client.Runs.CreateAsync(ExperimentId.Default, Unique.Name("train"));
        await client.Runs.LogParamAsync(run.RunId, "trainer", "lightgbm");
        await client.Runs.LogInputsAsync(run.RunId, [new DatasetInput("churn", "sha256:1234", "data/churn.csv", "train")]);
        await client.Runs.UploadArtifactAsync(run.RunId, "model/model.zip", new MemoryStream([1, 2, 3]));
        return await client.Runs.EndAsync(run.RunId);
    }

    [SkippableFact]
    public async Task Version_FromRunArtifact_IsNumberedAndTraceable()
    {
        var name = Unique.Name("churn");
        Assert.Equal(HttpStatusCode.Created, (await Http.PostAsJsonAsync("/api/v1/models", new { name, description = "churn model" })).StatusCode);
        var run = await TrainedRunAsync();
        var v1 = await Http.PostAsJsonAsync($"/api/v1/models/{name}/versions", new { run_id = run.RunId.Value, artifact_path = "model/model.zip" });
        Assert.Equal(HttpStatusCode.Created, v1.StatusCode);
        var body = await TestServer.JsonAsync(v1);
        Assert.Equal(1, body.GetProperty("version").GetInt64());
        Assert.Equal("READY", body.GetProperty("status").GetString());
        Assert.Equal($"runs:/{run.RunId}/model/model.zip", body.GetProperty("source").GetString());
        var v2 = await TestServer.JsonAsync(await Http.PostAsJsonAsync($"/api/v1/models/{name}/versions", new { run_id = run.RunId.Value, artifact_path = "model" }));
        Assert.Equal(2, v2.GetProperty("version").GetInt64());

        var lineage = await TestServer.JsonAsync(await Http.GetAsync($"/api/v1/models/{name}/versions/1/lineage"));
        Assert.Equal(run.RunId.Value, lineage.GetProperty("run").GetProperty("run_id").GetString());
        Assert.Equal("lightgbm", lineage.GetProperty("run").GetProperty("params")[0].GetProperty("value").GetString());
        var dataset = lineage.GetProperty("datasets")[0];
        Assert.Equal(("churn", "sha256:1234", "train"), (dataset.GetProperty("name").GetString(), dataset.GetProperty("digest").GetString(), dataset.GetProperty("context").GetString()));
    }

    [SkippableFact]
    public async Task Version_FromMissingArtifactOrRun_Is400_AndCreatesNoVersion()
    {
        var name = Unique.Name("m");
        await Http.PostAsJsonAsync("/api/v1/models", new { name });
        var run = await TrainedRunAsync();
        await ProblemAssert.IsAsync(await Http.PostAsJsonAsync($"/api/v1/models/{name}/versions", new { run_id = run.RunId.Value, artifact_path = "nope.zip" }),
            HttpStatusCode.BadRequest, "invalid_argument", "artifact_path: run");
        await ProblemAssert.IsAsync(await Http.PostAsJsonAsync($"/api/v1/models/{name}/versions", new { run_id = "00000000000000000000000000000000", artifact_path = "model" }),
            HttpStatusCode.BadRequest, "invalid_argument", "run_id: run");
        await ProblemAssert.IsAsync(await Http.PostAsJsonAsync($"/api/v1/models/{name}/versions", new { run_id = run.RunId.Value, artifact_path = "../x" }),
            HttpStatusCode.BadRequest, "invalid_argument", "artifact_path:");
        var model = await TestServer.JsonAsync(await Http.GetAsync($"/api/v1/models/{name}"));
        Assert.False(model.TryGetProperty("latest_version", out _));
    }

    [SkippableFact]
    public async Task Alias_PutGetDelete()
    {
        var name = Unique.Name("a");
        var client = fixture.Server.Client;
        await client.Models.CreateAsync(name);
        var run = await TrainedRunAsync();
        await client.Models.CreateVersionAsync(name, run.RunId, "model");
        await client.Models.CreateVersionAsync(name, run.RunId, "model");
        var put = await Http.PutAsJsonAsync($"/api/v1/models/{name}/aliases/champion", new { version = 2 });
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal(2, (await client.Models.ResolveAsync($"{name}@champion")).Version);
        Assert.Equal(1, (await client.Models.ResolveAsync($"{name}/1")).Version);
        await ProblemAssert.IsAsync(await Http.PutAsJsonAsync($"/api/v1/models/{name}/aliases/champion", new { version = 9 }), HttpStatusCode.NotFound, "not_found", "no version 9");
        await ProblemAssert.IsAsync(await Http.PutAsJsonAsync($"/api/v1/models/{name}/aliases/latest", new { version = 1 }), HttpStatusCode.BadRequest, "invalid_argument", "reserved");
        await ProblemAssert.IsAsync(await Http.PutAsJsonAsync($"/api/v1/models/{name}/aliases/champion", new { }), HttpStatusCode.BadRequest, "invalid_argument", "version:");
        Assert.Equal(HttpStatusCode.NoContent, (await Http.DeleteAsync($"/api/v1/models/{name}/aliases/champion")).StatusCode);
        await ProblemAssert.IsAsync(await Http.GetAsync($"/api/v1/models/{name}/aliases/champion"), HttpStatusCode.NotFound, "not_found", "no alias 'champion'");
    }

    [SkippableFact]
    public async Task Alias_UnderConcurrentHttpSetters_IsAlwaysResolvable()
    {
        var name = Unique.Name("race");
        var client = fixture.Server.Client;
        await client.Models.CreateAsync(name);
        var run = await TrainedRunAsync();
        for (var i = 0; i < 3; i++)
        {
            await client.Models.CreateVersionAsync(name, run.RunId, "model");
        }
        await client.Models.SetAliasAsync(name, "champion", 1);
        var setters = Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < 25; i++)
            {
                await client.Models.SetAliasAsync(name, "champion", 1 + ((w + i) % 3));
            }
        }));
        var readers = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            var seen = new List<long>();
            for (var i = 0; i < 25; i++)
            {
                seen.Add((await client.Models.GetByAliasAsync(name, "champion")).Version);
            }
            return seen;
        })).ToList();
        await Task.WhenAll(setters);
        var all = (await Task.WhenAll(readers)).SelectMany(s => s).ToList();
        Assert.Equal(100, all.Count);
        Assert.All(all, v => Assert.InRange(v, 1, 3));
    }

    [SkippableFact]
    public async Task Model_RenameSearchTagDelete()
    {
        var name = Unique.Name("ren");
        var client = fixture.Server.Client;
        await client.Models.CreateAsync(name);
        await client.Models.SetTagAsync(name, "team", "growth");
        var renamed = await client.Models.UpdateAsync(name, name + "-2", "described");
        Assert.Equal((name + "-2", "described"), (renamed.Name, renamed.Description));
        var found = await client.Models.SearchAsync(new Core.Registry.ModelSearch($"name = '{name}-2' AND tags.team = 'growth'"));
        Assert.Single(found.Items);
        await client.Models.DeleteAsync(name + "-2");
        await ProblemAssert.IsAsync(await Http.GetAsync($"/api/v1/models/{name}-2"), HttpStatusCode.NotFound, "not_found");
    }
}

public sealed class RegistryApiTestsOnSqlite(ServerFixture fixture) : RegistryApiTests<ServerFixture>(fixture);

public sealed class RegistryApiTestsOnPostgres(PostgresServerFixture fixture) : RegistryApiTests<PostgresServerFixture>(fixture);
