using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Gyre.Core.Data;
using Gyre.Core.Models;
using Gyre.Learning.Predictors;
using Gyre.Server.Tests.Api;
using Gyre.Storage.Data;

namespace Gyre.Server.Tests.Serving;

public abstract class InferenceTests<TBackend>(TBackend fixture) : IClassFixture<TBackend> where TBackend : ServerFixture
{
    private TestServer Server => fixture.Server;

    private async Task<JsonElement> PostOkAsync(string path, object body)
    {
        var response = await Server.Http.PostAsJsonAsync(path, body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        return JsonDocument.Parse(text).RootElement;
    }

    /// <summary>The same rows scored by batch scoring (a CSV through the package, the path `gyre predict` takes).</summary>
    private async Task<double[]> BatchProbabilitiesAsync(string model, string csv)
    {
        var package = await Server.Client.Models.GetPackageAsync(model, 1);
        var lineage = await Server.Client.Models.GetLineageAsync(model, 1);
        await using var stored = await Server.Client.Runs.DownloadArtifactAsync(lineage.Run!.RunId, "model/" + package.ModelFile);
        using var bytes = new MemoryStream();
        await stored.CopyToAsync(bytes);
        var folder = Directory.CreateTempSubdirectory("gyre-serving-batch-").FullName;
        try
        {
            var input = Path.Combine(folder, "rows.csv");
            await File.WriteAllTextAsync(input, csv);
            var (predictions, _) = await new BatchScorer(new ModelRuntime(), new DuckDbFeatureFiles(folder)).PredictAsync(package, bytes.ToArray(), input, DatasetFormat.Csv, [], CancellationToken.None);
            return [.. predictions.Select(p => p[0])];
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [SkippableFact]
    public async Task AnMlNetEndpoint_AnswersInBothDialects_WithTheBatchScorersProbabilities()
    {
        var model = await ServingModels.TrainChurnAsync(Server);
        var endpoint = await ServingModels.CreateEndpointAsync(Server, $"{model}/1");
        var status = await TestServer.JsonAsync(await Server.Http.GetAsync($"/api/v1/endpoints/{endpoint}"));
        Assert.Equal("ready", status.GetProperty("state").GetString());
        Assert.Equal($"{model}/1", status.GetProperty("endpoint").GetProperty("model").GetString());
        Assert.Equal(100, status.GetProperty("endpoint").GetProperty("variants")[0].GetProperty("weight").GetInt32());

        // A missing tenure (imputed as in training), a plan never seen in training, an extra column (ignored).
        object[] instances =
        [
            new { tenure = 3, plan = "basic", customer = "c1" },
            new { tenure = 60, plan = "pro" },
            new { tenure = (int?)null, plan = "plus" },
            new { tenure = 10, plan = "gold" },
            new { tenure = 30.5, plan = "basic" },
        ];
        var simple = await PostOkAsync($"/endpoints/{endpoint}/predict", new { instances });
        Assert.Equal($"{model}/1", simple.GetProperty("model").GetString());
        Assert.Equal($"{model}-v1", simple.GetProperty("variant").GetString());
        var predictions = simple.GetProperty("predictions").EnumerateArray().ToList();
        var probabilities = predictions.Select(p => p.GetProperty("probability").GetDouble()).ToArray();
        // Classes sort as text, and the probability is the second's: P(stayed).
        Assert.Equal(predictions.Select(p => p.GetProperty("probability").GetDouble() >= 0.5 ? "stayed" : "left"), predictions.Select(p => p.GetProperty("label").GetString()));
        Assert.Equal(5, simple.GetProperty("prediction_ids").EnumerateArray().Select(i => i.GetString()).Distinct().Count());
        // The model learned the rule: short tenure on basic churns, long tenure on pro does not.
        Assert.Equal(("left", "stayed"), (predictions[0].GetProperty("label").GetString(), predictions[1].GetProperty("label").GetString()));

        // Columns in any order, among others, give the same answer.
        using var reordered = new StringContent("{\"instances\": [{\"customer\": \"c1\", \"plan\": \"basic\", \"note\": [1], \"tenure\": 3}]}", System.Text.Encoding.UTF8, "application/json");
        var shuffled = await TestServer.JsonAsync(await Server.Http.PostAsync($"/endpoints/{endpoint}/predict", reordered));
        Assert.Equal(probabilities[0], shuffled.GetProperty("predictions")[0].GetProperty("probability").GetDouble());

        var batch = await BatchProbabilitiesAsync(model, "tenure,plan\n3,basic\n60,pro\n,plus\n10,gold\n30.5,basic\n");
        Assert.True(Enumerable.Range(0, 5).All(i => Math.Abs(batch[i] - probabilities[i]) < 1e-6), $"batch {string.Join(", ", batch)}; served {string.Join(", ", probabilities)}");

        var frame = await PostOkAsync($"/endpoints/{endpoint}/predict", new
        {
            dataframe_split = new { columns = new[] { "plan", "tenure" }, data = new object?[][] { ["basic", 3], ["pro", 60], ["plus", null], ["gold", 10], ["basic", 30.5] } },
        });
        Assert.Equal(probabilities, frame.GetProperty("predictions").EnumerateArray().Select(p => p.GetProperty("probability").GetDouble()));

        var v2 = await PostOkAsync($"/v2/models/{endpoint}/infer", new
        {
            id = "request-7",
            inputs = new object[]
            {
                new { name = "tenure", datatype = "FP32", shape = new[] { 5, 1 }, data = new double?[] { 3, 60, null, 10, 30.5 } },
                new { name = "plan", datatype = "BYTES", shape = new[] { 5 }, data = new[] { "basic", "pro", "plus", "gold", "basic" } },
            },
        });
        Assert.Equal((endpoint, "1", "request-7"), (v2.GetProperty("model_name").GetString(), v2.GetProperty("model_version").GetString(), v2.GetProperty("id").GetString()));
        var outputs = v2.GetProperty("outputs").EnumerateArray().ToDictionary(o => o.GetProperty("name").GetString()!);
        Assert.Equal([5, 1], outputs["prediction"].GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()));
        Assert.Equal("FP64", outputs["prediction"].GetProperty("datatype").GetString());
        Assert.Equal(probabilities, outputs["prediction"].GetProperty("data").EnumerateArray().Select(d => d.GetDouble()));
        Assert.Equal(predictions.Select(p => p.GetProperty("label").GetString()), outputs["label"].GetProperty("data").EnumerateArray().Select(d => d.GetString()));
        Assert.Equal(5, outputs["prediction_id"].GetProperty("data").GetArrayLength());

        var metadata = await TestServer.JsonAsync(await Server.Http.GetAsync($"/v2/models/{endpoint}"));
        Assert.Equal(("mlnet", "1"), (metadata.GetProperty("platform").GetString(), metadata.GetProperty("versions")[0].GetString()));
        Assert.Equal(["tenure FP32", "plan BYTES"], metadata.GetProperty("inputs").EnumerateArray().Select(i => $"{i.GetProperty("name").GetString()} {i.GetProperty("datatype").GetString()}"));
        Assert.Equal(HttpStatusCode.OK, (await Server.Http.GetAsync($"/v2/models/{endpoint}/ready")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Server.Http.GetAsync("/v2/health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Server.Http.GetAsync("/v2/health/ready")).StatusCode);
    }

    [SkippableFact]
    public async Task AnOnnxEndpoint_TakesAVectorOrNamedColumns_AndGivesTheReferenceScores()
    {
        var model = await ServingModels.ImportBreastCancerAsync(Server);
        var endpoint = await ServingModels.CreateEndpointAsync(Server, $"{model}/1");
        var rows = ServingModels.BreastCancerRows().Take(8).ToList();
        var features = ServingModels.BreastCancerFeatures();

        var vector = await PostOkAsync($"/endpoints/{endpoint}/predict", new { instances = rows.Select(r => new { features = r[..30] }) });
        var named = await PostOkAsync($"/endpoints/{endpoint}/predict", new { instances = rows.Select(r => features.Select((f, j) => (f, j)).ToDictionary(p => p.f, p => r[p.j])) });
        foreach (var answer in new[] { vector, named })
        {
            var scores = answer.GetProperty("predictions").EnumerateArray().Select(p => p.GetProperty("score").GetDouble()).ToList();
            Assert.All(Enumerable.Range(0, rows.Count), i => Assert.Equal(rows[i][31], scores[i], 1e-5));
            Assert.Equal(rows.Select(r => r[31] >= 0 ? "benign" : "malignant"), answer.GetProperty("predictions").EnumerateArray().Select(p => p.GetProperty("label").GetString()));
        }

        var v2 = await PostOkAsync($"/v2/models/{endpoint}/infer", new
        {
            inputs = new[] { new { name = "features", datatype = "FP32", shape = new[] { rows.Count, 30 }, data = rows.Select(r => r[..30]).ToArray() } },
        });
        var output = v2.GetProperty("outputs").EnumerateArray().First(o => o.GetProperty("name").GetString() == "score");
        var data = output.GetProperty("data").EnumerateArray().Select(d => d.GetDouble()).ToList();
        Assert.All(Enumerable.Range(0, rows.Count), i => Assert.Equal(rows[i][31], data[i], 1e-5));
        var metadata = await TestServer.JsonAsync(await Server.Http.GetAsync($"/v2/models/{endpoint}"));
        Assert.Equal("features FP32 -1,30", metadata.GetProperty("inputs").EnumerateArray().Select(i =>
            $"{i.GetProperty("name").GetString()} {i.GetProperty("datatype").GetString()} {string.Join(',', i.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()))}").Single());
    }

    /// <summary>
    /// Many callers at once, each with its own row and a body of its own length: every answer is the
    /// one its row gets alone, and the log holds each row as sent. A body parsed from buffers the
    /// server reuses for the next request would mix them up.
    /// </summary>
    [SkippableFact]
    public async Task ConcurrentCallers_EachGetTheAnswerToTheirOwnRow()
    {
        const int Calls = 4000;
        var model = await ServingModels.TrainChurnAsync(Server);
        var endpoint = await ServingModels.CreateEndpointAsync(Server, $"{model}/1");
        var predict = $"/endpoints/{endpoint}/predict";
        string[] plans = ["basic", "pro", "plus"];
        var rows = Enumerable.Range(0, 24).Select(i => (Tenure: i * 2.5, Plan: plans[i % 3])).ToArray();
        var alone = new double[rows.Length];
        for (var i = 0; i < rows.Length; i++)
        {
            var answer = await PostOkAsync(predict, new { instances = new[] { new { tenure = rows[i].Tenure, plan = rows[i].Plan } } });
            alone[i] = answer.GetProperty("predictions")[0].GetProperty("probability").GetDouble();
        }
        Assert.True(alone.Distinct().Count() > 3, "the rows should get different answers");

        var logged = new System.Collections.Concurrent.ConcurrentDictionary<string, int>();
        await Parallel.ForEachAsync(Enumerable.Range(0, Calls), new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (k, _) =>
        {
            var i = k % rows.Length;
            var note = new string('x', (k * 37) % 300);
            var answer = await PostOkAsync(predict, new { instances = new[] { new { note, tenure = rows[i].Tenure, plan = rows[i].Plan } } });
            Assert.Equal(alone[i], answer.GetProperty("predictions")[0].GetProperty("probability").GetDouble());
            logged[answer.GetProperty("prediction_ids")[0].GetString()!] = k;
        });

        var page = await TestServer.JsonAsync(await Server.Http.GetAsync($"/api/v1/endpoints/{endpoint}/predictions?max_results=10000"));
        var inputs = page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("prediction"))
            .Where(p => logged.ContainsKey(p.GetProperty("prediction_id").GetString()!))
            .ToDictionary(p => p.GetProperty("prediction_id").GetString()!, p => JsonDocument.Parse(p.GetProperty("inputs").GetString()!).RootElement);
        Assert.Equal(Calls, inputs.Count);
        foreach (var (id, k) in logged)
        {
            var input = inputs[id];
            Assert.Equal((rows[k % rows.Length].Tenure, rows[k % rows.Length].Plan, (k * 37) % 300),
                (input.GetProperty("tenure").GetDouble(), input.GetProperty("plan").GetString(), input.GetProperty("note").GetString()!.Length));
        }
    }

    [SkippableFact]
    public async Task ABodyOverTheLimit_Is413()
    {
        await using var server = await TestServer.StartAsync(o => o with { Gateway = new Core.Serving.Gateway.GatewayOptions { MaxBodyBytes = 4096 } });
        var model = await ServingModels.ImportBreastCancerAsync(server);
        var endpoint = await ServingModels.CreateEndpointAsync(server, $"{model}/1");
        var rows = ServingModels.BreastCancerRows();
        var small = await server.Http.PostAsJsonAsync($"/endpoints/{endpoint}/predict", new { instances = rows.Take(1).Select(r => new { features = r[..30] }) });
        Assert.Equal(HttpStatusCode.OK, small.StatusCode);
        var large = await server.Http.PostAsJsonAsync($"/endpoints/{endpoint}/predict", new { instances = rows.Take(20).Select(r => new { features = r[..30] }) });
        await ProblemAssert.IsAsync(large, HttpStatusCode.RequestEntityTooLarge, "payload_too_large", "larger than the server's limit");
    }

    [SkippableFact]
    public async Task BadRequests_AreFourHundredsThatNameTheField_NeverFiveHundreds()
    {
        var model = await ServingModels.TrainChurnAsync(Server);
        var endpoint = await ServingModels.CreateEndpointAsync(Server, $"{model}/1");
        var onnx = await ServingModels.CreateEndpointAsync(Server, $"{await ServingModels.ImportBreastCancerAsync(Server)}/1");
        var predict = $"/endpoints/{endpoint}/predict";
        // The Open Inference Protocol's routes answer its {"error": message}; Gyre's own, problem details.
        async Task Refused(string path, object body, HttpStatusCode status, string code, string detail) =>
            _ = path.StartsWith("/v2/", StringComparison.Ordinal)
                ? await Protocols.ProtocolErrorAssert.IsErrorAsync(await Server.Http.PostAsJsonAsync(path, body), status, detail)
                : await ProblemAssert.IsAsync(await Server.Http.PostAsJsonAsync(path, body), status, code, detail);

        await Refused(predict, new { instances = new[] { new { plan = "basic" } } }, HttpStatusCode.BadRequest, "invalid_argument",
            "instances[0]: missing column 'tenure' (FP32)");
        await Refused(predict, new { instances = new object[] { new { tenure = 1, plan = "basic" }, new { tenure = "ten", plan = "basic" } } }, HttpStatusCode.BadRequest,
            "invalid_argument", "instances[1].tenure: expected a number (FP32), got a string");
        await Refused(predict, new { instances = new[] { new { tenure = 1e300, plan = "basic" } } }, HttpStatusCode.BadRequest, "invalid_argument",
            "instances[0].tenure: expected a finite number that fits FP32");
        await Refused(predict, new { instances = new[] { new { tenure = 1, plan = new[] { "a" } } } }, HttpStatusCode.BadRequest, "invalid_argument",
            "instances[0].plan: expected a value (BYTES), got an array");
        await Refused(predict, new { rows = 1 }, HttpStatusCode.BadRequest, "invalid_argument", "body: expected {\"instances\"");
        await Refused(predict, new { instances = Array.Empty<object>() }, HttpStatusCode.BadRequest, "invalid_argument", "instances: expected a non-empty array");
        await Refused(predict, new { dataframe_split = new { columns = new[] { "tenure" }, data = new[] { new[] { 1 } } } }, HttpStatusCode.BadRequest,
            "invalid_argument", "dataframe_split.columns: missing column 'plan' (BYTES)");
        await Refused(predict, new { instances = Enumerable.Range(0, 10_001).Select(i => new { tenure = i, plan = "pro" }) }, HttpStatusCode.RequestEntityTooLarge,
            "payload_too_large", "instances: 10001 rows; a request takes at most 10000");
        await Refused("/endpoints/nope/predict", new { instances = new[] { new { tenure = 1 } } }, HttpStatusCode.NotFound, "not_found", "endpoint 'nope' does not exist");
        await Refused($"/endpoints/{onnx}/predict", new { instances = new[] { new { features = new double?[] { 1, null } } } }, HttpStatusCode.BadRequest,
            "invalid_argument", "instances[0].features: expected 30 numbers, got 2");
        await Refused($"/endpoints/{onnx}/predict", new { instances = new[] { new { features = Enumerable.Range(0, 30).Select(i => i == 3 ? (object)"x" : 1.0) } } }, HttpStatusCode.BadRequest,
            "invalid_argument", "instances[0].features[3]: expected a number (FP32), got a string");
        await Refused(predict, new { dataframe_split = new { columns = new[] { "plan", "tenure" }, data = new object[][] { ["pro", 1], ["basic", "x"] } } }, HttpStatusCode.BadRequest,
            "invalid_argument", "dataframe_split.data[1][1]: expected a number (FP32), got a string");
        await Refused($"/endpoints/{onnx}/predict", new { instances = new[] { new { features = Enumerable.Repeat((double?)null, 30) } } }, HttpStatusCode.BadRequest,
            "invalid_argument", "mean_radius: row 0 has no value; an ONNX model needs every feature");
        await Refused($"/v2/models/{endpoint}/infer", new { inputs = new[] { new { name = "tenure", datatype = "FP32", shape = new[] { 2, 1 }, data = new[] { 1.0 } } } },
            HttpStatusCode.BadRequest, "invalid_argument", "inputs[0].data: the shape holds 2 values, data has 1");
        await Refused($"/v2/models/{endpoint}/infer", new { inputs = new object[] { new { name = "plan", datatype = "BYTES", shape = new[] { 2 }, data = new[] { "pro", "basic" } }, new { name = "tenure", datatype = "FP32", shape = new[] { 2 }, data = new object[] { 1.0, "x" } } } },
            HttpStatusCode.BadRequest, "invalid_argument", "inputs[1].data[1]: expected a number (FP32), got a string");
        await Refused($"/v2/models/{endpoint}/infer", new { inputs = new object[] { new { name = "tenure", datatype = "FP32", shape = new[] { 1 }, data = new[] { 1.0 } }, new { name = "plan", datatype = "FP32", shape = new[] { 1 }, data = new[] { 1.0 } } } },
            HttpStatusCode.BadRequest, "invalid_argument", "inputs[1].datatype: expected BYTES, got 'FP32'");
        await Refused($"/v2/models/{endpoint}/infer", new { inputs = new[] { new { name = "plan", datatype = "BYTES", shape = new[] { 1 }, data = new[] { "pro" } } } },
            HttpStatusCode.BadRequest, "invalid_argument", "inputs: missing 'tenure' (FP32) of shape [batch, 1]");

        await Refused($"/v2/models/{onnx}/infer", new { inputs = new[] { new { name = "features", datatype = "FP32", shape = new[] { 2147483648L, 30 }, data = new[] { 1.0 } } } },
            HttpStatusCode.RequestEntityTooLarge, "payload_too_large", "inputs[0].shape: 2147483648 rows; a request takes at most 10000");
        await ProblemAssert.IsAsync(await Server.Http.GetAsync($"/api/v1/endpoints/{endpoint}/predictions?max_results=0"), HttpStatusCode.BadRequest, "invalid_argument",
            "max_results: expected a number from 1 to 10000, got 0");

        using var notJson = new StringContent("{\"instances\": [", System.Text.Encoding.UTF8, "application/json");
        await ProblemAssert.IsAsync(await Server.Http.PostAsync(predict, notJson), HttpStatusCode.BadRequest, "invalid_argument", "body: not valid JSON");
        using var text = new StringContent("tenure=1", System.Text.Encoding.UTF8, "text/plain");
        await ProblemAssert.IsAsync(await Server.Http.PostAsync(predict, text), HttpStatusCode.UnsupportedMediaType, "unsupported_media_type", "Content-Type: expected application/json");

        // Creating endpoints: every field checked.
        var bad = await Server.Http.PostAsJsonAsync("/api/v1/endpoints", new { name = "no spaces", model = "churn", log_mode = "sometimes" });
        var detail = await ProblemAssert.IsAsync(bad, HttpStatusCode.BadRequest, "invalid_argument");
        Assert.Contains("name: expected 1 to 64 letters", detail, StringComparison.Ordinal);
        Assert.Contains("log_mode: expected durable or fast, got 'sometimes'", detail, StringComparison.Ordinal);
        Assert.Contains("model: expected NAME@ALIAS or NAME/VERSION, got 'churn'", detail, StringComparison.Ordinal);
        await ProblemAssert.IsAsync(await Server.Http.PostAsJsonAsync("/api/v1/endpoints", new { name = endpoint, model = $"{model}/1" }), HttpStatusCode.Conflict, "already_exists");
        await ProblemAssert.IsAsync(await Server.Http.PostAsJsonAsync("/api/v1/endpoints", new { name = "x-" + endpoint, model = $"{model}@champion" }), HttpStatusCode.NotFound, "not_found");
        await ProblemAssert.IsAsync(await Server.Http.DeleteAsync($"/api/v1/models/{model}/versions/1"), HttpStatusCode.Conflict, "conflict", $"is served by endpoint '{endpoint}'");
    }
}

public sealed class InferenceTestsOnSqlite(ServerFixture fixture) : InferenceTests<ServerFixture>(fixture);

public sealed class InferenceTestsOnPostgres(PostgresServerFixture fixture) : InferenceTests<PostgresServerFixture>(fixture);
