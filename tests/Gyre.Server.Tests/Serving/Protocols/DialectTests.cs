using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Google.Protobuf;
using Grpc.Net.Client;
using Gyre.Server.Inference.Grpc;

namespace Gyre.Server.Tests.Serving.Protocols;

/// <summary>
/// One gateway behind every dialect: the same rows sent as the native route's instances, the Open
/// Inference Protocol over REST and gRPC (typed and raw), KServe V1 and MLflow's four forms get the
/// same predictions, are logged as the same records, are copied to the same shadow, and are counted
/// per protocol.
/// </summary>
public abstract class DialectTests<TBackend>(TBackend fixture) : IClassFixture<TBackend> where TBackend : ServerFixture
{
    private static readonly (double Tenure, string Plan)[] Rows = [(3, "basic"), (60, "pro"), (12, "plus"), (30.5, "basic")];

    private TestServer Server => fixture.Server;

    /// <summary>Each dialect's request for <see cref="Rows"/>, as (protocol label, path, body).</summary>
    private static IEnumerable<(string Protocol, string Path, object Body)> JsonRequests(string endpoint)
    {
        var objects = Rows.Select(r => new Dictionary<string, object> { ["tenure"] = r.Tenure, ["plan"] = r.Plan }).ToArray();
        var arrays = Rows.Select(r => new object[] { r.Tenure, r.Plan }).ToArray();
        var columns = new Dictionary<string, object> { ["tenure"] = Rows.Select(r => r.Tenure), ["plan"] = Rows.Select(r => r.Plan) };
        var split = new { columns = new[] { "plan", "tenure" }, data = Rows.Select(r => new object[] { r.Plan, r.Tenure }) };
        yield return ("simple", $"/endpoints/{endpoint}/predict", new { instances = objects });
        yield return ("simple", $"/endpoints/{endpoint}/predict", new { dataframe_split = split });
        yield return ("v2", $"/v2/models/{endpoint}/infer", new
        {
            inputs = new object[]
            {
                new { name = "tenure", datatype = "FP64", shape = new[] { Rows.Length, 1 }, data = Rows.Select(r => new[] { r.Tenure }) },
                new { name = "plan", datatype = "BYTES", shape = new[] { Rows.Length }, data = Rows.Select(r => r.Plan) },
            },
        });
        yield return ("v1", $"/v1/models/{endpoint}:predict", new { instances = objects });
        yield return ("v1", $"/v1/models/{endpoint}:predict", new { instances = arrays });
        yield return ("v1", $"/v1/models/{endpoint}:predict", new { inputs = columns });
        yield return ("mlflow", $"/endpoints/{endpoint}/invocations", new { dataframe_split = split });
        yield return ("mlflow", $"/endpoints/{endpoint}/invocations", new { dataframe_records = objects });
        yield return ("mlflow", $"/endpoints/{endpoint}/invocations", new { instances = arrays });
        yield return ("mlflow", $"/endpoints/{endpoint}/invocations", new { inputs = columns });
    }

    private static ModelInferRequest RawGrpcRequest(string endpoint)
    {
        var request = new ModelInferRequest { ModelName = endpoint };
        request.Inputs.Add(new ModelInferRequest.Types.InferInputTensor { Name = "tenure", Datatype = "FP64", Shape = { Rows.Length } });
        request.Inputs.Add(new ModelInferRequest.Types.InferInputTensor { Name = "plan", Datatype = "BYTES", Shape = { Rows.Length } });
        var tenure = new byte[Rows.Length * 8];
        for (var i = 0; i < Rows.Length; i++)
        {
            BinaryPrimitives.WriteDoubleLittleEndian(tenure.AsSpan(i * 8), Rows[i].Tenure);
        }
        var plan = new List<byte>();
        foreach (var (_, text) in Rows)
        {
            var bytes = Encoding.UTF8.GetBytes(text);
            plan.AddRange(BitConverter.GetBytes(bytes.Length)); // little-endian on every machine .NET runs these tests on
            plan.AddRange(bytes);
        }
        request.RawInputContents.Add(ByteString.CopyFrom(tenure));
        request.RawInputContents.Add(ByteString.CopyFrom([.. plan]));
        return request;
    }

    /// <summary>An answer's (label, probability) per row and its prediction ids, whatever the dialect.</summary>
    private static (List<(string Label, double Probability)> Rows, List<string> Ids) Read(JsonElement answer)
    {
        if (answer.TryGetProperty("outputs", out var outputs))
        {
            var byName = outputs.EnumerateArray().ToDictionary(o => o.GetProperty("name").GetString()!, o => o.GetProperty("data"));
            var labels = byName["label"].EnumerateArray().Select(l => l.GetString()!).ToList();
            return ([.. labels.Zip(byName["prediction"].EnumerateArray().Select(p => p.GetDouble()))], [.. byName["prediction_id"].EnumerateArray().Select(i => i.GetString()!)]);
        }
        return ([.. answer.GetProperty("predictions").EnumerateArray().Select(p => (p.GetProperty("label").GetString()!, p.GetProperty("probability").GetDouble()))],
            [.. answer.GetProperty("prediction_ids").EnumerateArray().Select(i => i.GetString()!)]);
    }

    private static (List<(string Label, double Probability)> Rows, List<string> Ids) Read(ModelInferResponse answer)
    {
        var labels = answer.Outputs.Single(o => o.Name == "label").Contents.BytesContents.Select(b => b.ToStringUtf8());
        var probabilities = answer.Outputs.Single(o => o.Name == "prediction").Contents.Fp64Contents;
        return ([.. labels.Zip(probabilities)], [.. answer.Outputs.Single(o => o.Name == "prediction_id").Contents.BytesContents.Select(b => b.ToStringUtf8())]);
    }

    /// <summary>A logged row's inputs as the model read them: tenure as a number, plan as text.</summary>
    private static (double Tenure, string Plan) Logged(JsonElement prediction)
    {
        var inputs = JsonDocument.Parse(prediction.GetProperty("inputs").GetString()!).RootElement;
        return (inputs.GetProperty("tenure").GetDouble(), inputs.GetProperty("plan").GetString()!);
    }

    [SkippableFact]
    public async Task EveryDialect_GetsTheSamePredictions_IsLoggedAsTheSameRecords_AndIsShadowedAndCounted()
    {
        var model = await ServingModels.TrainChurnAsync(Server);
        await ServingModels.TrainChurnAsync(Server, register: model, seed: 8);
        var endpoint = await ServingModels.CreateEndpointAsync(Server, $"{model}/1");
        var shadow = await Server.Http.PostAsJsonAsync($"/api/v1/endpoints/{endpoint}/rollouts",
            new { model = $"{model}/2", strategy = "shadow", shadow_percent = 100, duration_seconds = 3600 });
        Assert.True(shadow.StatusCode == HttpStatusCode.Created, await shadow.Content.ReadAsStringAsync());
        await WaitForShadowAsync(endpoint);

        var answers = new List<(string Protocol, List<(string Label, double Probability)> Rows, List<string> Ids)>();
        foreach (var (protocol, path, body) in JsonRequests(endpoint))
        {
            var response = await Server.Http.PostAsJsonAsync(path, body);
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {text}");
            var (rows, ids) = Read(JsonDocument.Parse(text).RootElement);
            answers.Add((protocol, rows, ids));
        }
        using (var channel = GrpcChannel.ForAddress(Server.GrpcAddress!))
        {
            var client = new GRPCInferenceService.GRPCInferenceServiceClient(channel);
            var typed = GrpcInferenceTests<TBackend>.ChurnRequest(endpoint, [.. Rows.Select(r => ((float)r.Tenure, r.Plan))]);
            foreach (var request in new[] { typed, RawGrpcRequest(endpoint) })
            {
                var (rows, ids) = Read(await client.ModelInferAsync(request));
                answers.Add(("grpc", rows, ids));
            }
        }

        var native = answers[0].Rows;
        Assert.Equal(["left", "stayed"], native.Take(2).Select(r => r.Label));
        Assert.All(answers, a => Assert.Equal(native, a.Rows));

        var logged = (await TestServer.JsonAsync(await Server.Http.GetAsync($"/api/v1/endpoints/{endpoint}/predictions?max_results=1000"))).GetProperty("items")
            .EnumerateArray().Select(i => i.GetProperty("prediction")).ToDictionary(p => p.GetProperty("prediction_id").GetString()!);
        var expected = Rows.Select((r, i) => (r, JsonDocument.Parse(logged[answers[0].Ids[i]].GetProperty("outputs").GetString()!).RootElement.GetRawText())).ToList();
        foreach (var (protocol, _, ids) in answers)
        {
            Assert.Equal(Rows.Length, ids.Count);
            for (var i = 0; i < ids.Count; i++)
            {
                var record = logged[ids[i]];
                Assert.Equal(Rows[i], Logged(record));
                Assert.Equal(expected[i].Item2, JsonDocument.Parse(record.GetProperty("outputs").GetString()!).RootElement.GetRawText());
                Assert.Equal(($"{model}-v1", "single"), (record.GetProperty("variant").GetString(), record.GetProperty("routing").GetString()));
            }
        }

        // Every request of every dialect was copied to the shadow, which logged each row as sent.
        var clock = Stopwatch.StartNew();
        List<JsonElement> shadowed;
        do
        {
            shadowed = [.. (await TestServer.JsonAsync(await Server.Http.GetAsync($"/api/v1/endpoints/{endpoint}/predictions?max_results=1000"))).GetProperty("items")
                .EnumerateArray().Select(i => i.GetProperty("prediction")).Where(p => p.GetProperty("routing").GetString() == "shadow")];
        }
        while (shadowed.Count < answers.Count * Rows.Length && clock.Elapsed < TimeSpan.FromSeconds(20));
        Assert.Equal(answers.Count * Rows.Length, shadowed.Count);
        Assert.All(shadowed, p => Assert.Equal(2, p.GetProperty("model_version").GetInt64()));
        Assert.Equal(Enumerable.Repeat(Rows, answers.Count).SelectMany(r => r).Order(), shadowed.Select(Logged).Order());

        var metrics = await Server.Http.GetStringAsync("/metrics");
        foreach (var (protocol, count) in answers.GroupBy(a => a.Protocol).Select(g => (g.Key, g.Count())))
        {
            Assert.Contains($"gyre_inference_requests_total{{endpoint=\"{endpoint}\",variant=\"{model}-v1\",protocol=\"{protocol}\"}} {count.ToString(CultureInfo.InvariantCulture)}",
                metrics, StringComparison.Ordinal);
        }
    }

    private async Task WaitForShadowAsync(string endpoint)
    {
        var clock = Stopwatch.StartNew();
        while (!(await TestServer.JsonAsync(await Server.Http.GetAsync($"/api/v1/endpoints/{endpoint}"))).GetProperty("endpoint").GetProperty("variants")
            .EnumerateArray().Any(v => v.GetProperty("role").GetString() == "shadow"))
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), "the shadow never came");
            await Task.Delay(50);
        }
        await Task.Delay(200); // the gateway's snapshot follows the endpoint's record
    }

    [SkippableFact]
    public async Task KServeV1_AndMlflow_AnswerAndRefuseInTheirOwnShapes()
    {
        var model = await ServingModels.TrainChurnAsync(Server);
        var created = await Server.Http.PostAsJsonAsync("/api/v1/endpoints", new { name = ProtocolServer.InvocationsEndpoint, model = $"{model}/1" });
        Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var endpoint = ProtocolServer.InvocationsEndpoint;

        var ready = await TestServer.JsonAsync(await Server.Http.GetAsync($"/v1/models/{endpoint}"));
        Assert.Equal((endpoint, true), (ready.GetProperty("name").GetString(), ready.GetProperty("ready").GetBoolean()));
        await ProtocolErrorAssert.IsErrorAsync(await Server.Http.GetAsync("/v1/models/nope"), HttpStatusCode.NotFound, "endpoint 'nope' does not exist");
        await ProtocolErrorAssert.IsErrorAsync(await Server.Http.PostAsJsonAsync($"/v1/models/{endpoint}:explain", new { instances = new[] { new[] { 1 } } }),
            HttpStatusCode.NotImplemented, ":explain: Gyre does not explain predictions over KServe V1");
        await ProtocolErrorAssert.IsErrorAsync(await Server.Http.PostAsJsonAsync($"/v1/models/{endpoint}:predict", new { instances = new[] { new object[] { 1, "pro" } }, inputs = new[] { 1 } }),
            HttpStatusCode.BadRequest, "body: expected exactly one of instances, inputs, got instances and inputs");
        await ProtocolErrorAssert.IsErrorAsync(await Server.Http.PostAsJsonAsync($"/v1/models/{endpoint}:predict", new { instances = new[] { new object[] { 1 } } }),
            HttpStatusCode.BadRequest, "instances[0]: expected 2 values, one per column (tenure, plan), got 1");
        await ProtocolErrorAssert.IsErrorAsync(await Server.Http.PostAsJsonAsync($"/v1/models/{endpoint}:predict", new { inputs = new { tenure = new[] { 1, 2 }, plan = new[] { "pro" } } }),
            HttpStatusCode.BadRequest, "inputs.plan: every column needs a value per row; it has 1, others 2");

        // The bare /invocations scores the endpoint the server was started with.
        var bare = await Server.Http.PostAsJsonAsync("/invocations", new { dataframe_records = new[] { new { tenure = 3, plan = "basic" } } });
        var named = await Server.Http.PostAsJsonAsync($"/endpoints/{endpoint}/invocations", new { dataframe_records = new[] { new { tenure = 3, plan = "basic" } } });
        Assert.Equal(HttpStatusCode.OK, bare.StatusCode);
        var (bareRows, _) = Read(await TestServer.JsonAsync(bare));
        Assert.Equal(Read(await TestServer.JsonAsync(named)).Rows, bareRows);
        Assert.Equal("left", bareRows[0].Label);

        using var csv = new StringContent("tenure,plan\n3,basic\n", Encoding.UTF8, "text/csv");
        await ProtocolErrorAssert.IsMlflowErrorAsync(await Server.Http.PostAsync("/invocations", csv), HttpStatusCode.UnsupportedMediaType, "BAD_REQUEST",
            "Content-Type: expected application/json");
        await ProtocolErrorAssert.IsMlflowErrorAsync(await Server.Http.PostAsJsonAsync($"/endpoints/{endpoint}/invocations",
            new { instances = new[] { new object[] { 1, "pro" } }, dataframe_records = new[] { new { tenure = 1, plan = "pro" } } }), HttpStatusCode.BadRequest, "BAD_REQUEST",
            "body: expected exactly one of dataframe_split, dataframe_records, instances, inputs, got dataframe_records and instances");
        await ProtocolErrorAssert.IsMlflowErrorAsync(await Server.Http.PostAsJsonAsync($"/endpoints/{endpoint}/invocations", new { rows = 1 }), HttpStatusCode.BadRequest, "BAD_REQUEST",
            "body: expected an object with exactly one of dataframe_split, dataframe_records, instances, inputs");
        await ProtocolErrorAssert.IsMlflowErrorAsync(await Server.Http.PostAsJsonAsync($"/endpoints/{endpoint}/invocations", new { dataframe_records = new[] { new object[] { 1, "pro" } } }),
            HttpStatusCode.BadRequest, "BAD_REQUEST", "dataframe_records: expected an array of {column: value} objects");
        await ProtocolErrorAssert.IsMlflowErrorAsync(await Server.Http.PostAsJsonAsync("/endpoints/nope/invocations", new { instances = new[] { new object[] { 1, "pro" } } }),
            HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST", "endpoint 'nope' does not exist");
    }
}

public sealed class DialectTestsOnSqlite(ProtocolServerFixture fixture) : DialectTests<ProtocolServerFixture>(fixture);

public sealed class DialectTestsOnPostgres(PostgresProtocolServerFixture fixture) : DialectTests<PostgresProtocolServerFixture>(fixture);
