using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Gyre.Server.Tests.Api;

namespace Gyre.Server.Tests.Serving.Protocols;

/// <summary>
/// The Open Inference Protocol's REST routes, rule by rule where Gyre used to deviate from the
/// published specification: the versioned routes, the <c>{"error"}</c> body, the <c>outputs</c>
/// filter and datatypes checked against the data.
/// </summary>
public abstract class OipRestTests<TBackend>(TBackend fixture) : IClassFixture<TBackend> where TBackend : ServerFixture
{
    private TestServer Server => fixture.Server;

    private static object ChurnRequest(params (double Tenure, string Plan)[] rows) => new
    {
        inputs = new object[]
        {
            new { name = "tenure", datatype = "FP32", shape = new[] { rows.Length }, data = rows.Select(r => r.Tenure) },
            new { name = "plan", datatype = "BYTES", shape = new[] { rows.Length }, data = rows.Select(r => r.Plan) },
        },
    };

    private async Task<JsonElement> PostOkAsync(string path, object body)
    {
        var response = await Server.Http.PostAsJsonAsync(path, body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        return JsonDocument.Parse(text).RootElement;
    }

    /// <summary>Starts a canary to version 2 that stays at its first step (half the traffic) for the whole test, and waits until the gateway serves both.</summary>
    internal static async Task SplitAsync(TestServer server, string endpoint, string model)
    {
        var started = await server.Http.PostAsJsonAsync($"/api/v1/endpoints/{endpoint}/rollouts",
            new { model = $"{model}/2", strategy = "canary", steps = new[] { 50, 100 }, bake_seconds = 3600, min_requests = 1_000_000 });
        Assert.True(started.StatusCode == HttpStatusCode.Created, await started.Content.ReadAsStringAsync());
        var clock = Stopwatch.StartNew();
        while ((await TestServer.JsonAsync(await server.Http.GetAsync($"/v2/models/{endpoint}"))).GetProperty("versions").GetArrayLength() < 2)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), "the canary's variant never served");
            await Task.Delay(50);
        }
    }

    [SkippableFact]
    public async Task TheVersionedRoutes_AnswerFromTheNamedVersion_WhateverTheSplit_AndAnUnservedVersionIsA404()
    {
        var model = await ServingModels.TrainChurnAsync(Server);
        await ServingModels.TrainChurnAsync(Server, register: model, seed: 8);
        var endpoint = await ServingModels.CreateEndpointAsync(Server, $"{model}/1");
        await SplitAsync(Server, endpoint, model);

        var metadata = await TestServer.JsonAsync(await Server.Http.GetAsync($"/v2/models/{endpoint}/versions/2"));
        Assert.Equal(endpoint, metadata.GetProperty("name").GetString());
        Assert.Equal(["1", "2"], metadata.GetProperty("versions").EnumerateArray().Select(v => v.GetString()).Order());
        Assert.Equal("mlnet", metadata.GetProperty("platform").GetString());
        Assert.Equal(["prediction", "label", "prediction_id"], metadata.GetProperty("outputs").EnumerateArray().Select(o => o.GetProperty("name").GetString()));
        var ready = await TestServer.JsonAsync(await Server.Http.GetAsync($"/v2/models/{endpoint}/versions/1/ready"));
        Assert.True(ready.GetProperty("ready").GetBoolean());

        // Twenty calls to each version: a weighted draw would mix them; the version never does.
        var ids = new List<string>();
        foreach (var version in new[] { "1", "2" })
        {
            for (var i = 0; i < 20; i++)
            {
                var answer = await PostOkAsync($"/v2/models/{endpoint}/versions/{version}/infer", ChurnRequest((3, "basic")));
                Assert.Equal(version, answer.GetProperty("model_version").GetString());
                Assert.Equal($"{model}-v{version}", answer.GetProperty("parameters").GetProperty("variant").GetString());
                ids.Add(answer.GetProperty("outputs").EnumerateArray().Single(o => o.GetProperty("name").GetString() == "prediction_id").GetProperty("data")[0].GetString()!);
            }
        }
        var logged = (await TestServer.JsonAsync(await Server.Http.GetAsync($"/api/v1/endpoints/{endpoint}/predictions"))).GetProperty("items").EnumerateArray()
            .Select(i => i.GetProperty("prediction")).Where(p => ids.Contains(p.GetProperty("prediction_id").GetString()!)).ToList();
        Assert.Equal(40, logged.Count);
        Assert.All(logged, p => Assert.Equal("version", p.GetProperty("routing").GetString()));
        Assert.Equal(20, logged.Count(p => p.GetProperty("model_version").GetInt64() == 2));

        await ProtocolErrorAssert.IsErrorAsync(await Server.Http.PostAsJsonAsync($"/v2/models/{endpoint}/versions/7/infer", ChurnRequest((3, "basic"))),
            HttpStatusCode.NotFound, $"version '7': endpoint '{endpoint}' serves model version");
        await ProtocolErrorAssert.IsErrorAsync(await Server.Http.GetAsync($"/v2/models/{endpoint}/versions/7/ready"), HttpStatusCode.NotFound, "version '7'");
        await ProtocolErrorAssert.IsErrorAsync(await Server.Http.GetAsync($"/v2/models/{endpoint}/versions/7"), HttpStatusCode.NotFound, "version '7'");
    }

    [SkippableFact]
    public async Task Outputs_FilterTheAnswer_AndErrorsAreTheProtocolsErrorObject()
    {
        var model = await ServingModels.TrainChurnAsync(Server);
        var endpoint = await ServingModels.CreateEndpointAsync(Server, $"{model}/1");
        var infer = $"/v2/models/{endpoint}/infer";

        var all = await PostOkAsync(infer, ChurnRequest((3, "basic"), (60, "pro")));
        Assert.Equal(["prediction", "label", "prediction_id"], all.GetProperty("outputs").EnumerateArray().Select(o => o.GetProperty("name").GetString()));
        var labelOnly = await PostOkAsync(infer, new
        {
            inputs = new object[]
            {
                new { name = "tenure", datatype = "FP32", shape = new[] { 2 }, data = new[] { 3.0, 60 } },
                new { name = "plan", datatype = "BYTES", shape = new[] { 2 }, data = new[] { "basic", "pro" } },
            },
            outputs = new[] { new { name = "label" } },
        });
        var output = Assert.Single(labelOnly.GetProperty("outputs").EnumerateArray());
        Assert.Equal(("label", "BYTES"), (output.GetProperty("name").GetString(), output.GetProperty("datatype").GetString()));
        Assert.Equal(["left", "stayed"], output.GetProperty("data").EnumerateArray().Select(d => d.GetString()));

        await ProtocolErrorAssert.IsErrorAsync(await Server.Http.PostAsJsonAsync(infer, new
        {
            inputs = new object[]
            {
                new { name = "tenure", datatype = "FP32", shape = new[] { 1 }, data = new[] { 3.0 } },
                new { name = "plan", datatype = "BYTES", shape = new[] { 1 }, data = new[] { "basic" } },
            },
            outputs = new[] { new { name = "label" }, new { name = "probabilities" } },
        }), HttpStatusCode.BadRequest, "outputs[1].name: 'probabilities' is not an output of this model; expected one of prediction, label, prediction_id");
        await ProtocolErrorAssert.IsErrorAsync(await Server.Http.PostAsJsonAsync(infer, new
        {
            inputs = new object[]
            {
                new { name = "tenure", datatype = "INT64", shape = new[] { 1 }, data = new[] { 13.4 } },
                new { name = "plan", datatype = "BYTES", shape = new[] { 1 }, data = new[] { "basic" } },
            },
        }), HttpStatusCode.BadRequest, "inputs[0].data[0]: a INT64 tensor cannot hold 13.4; expected an integer that fits INT64");
        await ProtocolErrorAssert.IsErrorAsync(await Server.Http.GetAsync("/v2/models/nope"), HttpStatusCode.NotFound, "endpoint 'nope' does not exist");
        await ProtocolErrorAssert.IsErrorAsync(await Server.Http.PostAsJsonAsync("/v2/models/nope/infer", ChurnRequest((1, "pro"))), HttpStatusCode.NotFound, "endpoint 'nope'");
        await ProtocolErrorAssert.IsErrorAsync(await Server.Http.GetAsync($"/v2/models/{endpoint}/versions/1/stats"), HttpStatusCode.NotFound, "no such resource");
        using var text = new StringContent("tenure=1", System.Text.Encoding.UTF8, "text/plain");
        await ProtocolErrorAssert.IsErrorAsync(await Server.Http.PostAsync(infer, text), HttpStatusCode.UnsupportedMediaType, "Content-Type");
        // Gyre's own routes keep problem details.
        await ProblemAssert.IsAsync(await Server.Http.PostAsJsonAsync("/endpoints/nope/predict", new { instances = new[] { new { tenure = 1 } } }), HttpStatusCode.NotFound, "not_found");
    }
}

public sealed class OipRestTestsOnSqlite(ProtocolServerFixture fixture) : OipRestTests<ProtocolServerFixture>(fixture);

public sealed class OipRestTestsOnPostgres(PostgresProtocolServerFixture fixture) : OipRestTests<PostgresProtocolServerFixture>(fixture);
