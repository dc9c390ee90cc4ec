using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Gyre.Core.Models;
using Gyre.Server.Tests.Api;
using Gyre.Server.Tests.Serving;

namespace Gyre.Server.Tests.Security;

/// <summary>Inputs that once produced a 500: each is now answered, or refused with a 4xx that says what was wrong.</summary>
public sealed class InputHardeningTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private TestServer Server => fixture.Server;

    [Theory]
    [InlineData("metrics.auc > 'NaN'")]
    [InlineData("attributes.start_time > 'NaN'")]
    [InlineData("metrics.auc < 'Infinity'")]
    [InlineData("metrics.auc = 1e999")]
    public async Task RunSearch_ComparingANumberWithNaN_IsA400(string filter)
    {
        var response = await Server.Http.PostAsJsonAsync("/api/v1/runs/search", new { experiment_ids = new[] { "0" }, filter });
        await ProblemAssert.IsAsync(response, HttpStatusCode.BadRequest, "invalid_argument", "expected a finite number to compare with");
    }

    [Theory]
    [InlineData("/api/v1/experiments?filter=")]
    [InlineData("/api/v1/models?filter=")]
    public async Task Searches_ComparingATimeWithNaN_AreA400(string path)
    {
        var response = await Server.Http.GetAsync(path + Uri.EscapeDataString("creation_time > 'NaN'"));
        await ProblemAssert.IsAsync(response, HttpStatusCode.BadRequest, "invalid_argument", "expected a finite number to compare with");
    }

    /// <summary>The body's text with the first <c>@@</c> replaced by a byte that is not UTF-8.</summary>
    private static ByteArrayContent BadUtf8(string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json).ToList();
        var at = json.IndexOf("@@", StringComparison.Ordinal);
        bytes.RemoveRange(at, 2);
        bytes.InsertRange(at, [0xC3, 0x28]);
        var content = new ByteArrayContent([.. bytes]);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }

    [Fact]
    public async Task InvalidUtf8InsideStrings_OnTheInferenceRoutes_IsA400()
    {
        var endpoint = await ServingModels.CreateEndpointAsync(Server, $"{await ServingModels.ImportBreastCancerAsync(Server)}/1");
        var features = string.Join(",", Enumerable.Repeat("0.5", 30));
        string[] v2 =
        [
            $$"""{"inputs": [{"name": "feat@@ures", "datatype": "FP64", "shape": [1, 30], "data": [{{features}}]}]}""",
            $$"""{"id": "r@@1", "inputs": [{"name": "features", "datatype": "FP64", "shape": [1, 30], "data": [{{features}}]}]}""",
            $$"""{"inputs": [{"name": "features", "datatype": "FP@@64", "shape": [1, 30], "data": [{{features}}]}]}""",
        ];
        foreach (var body in v2)
        {
            await Serving.Protocols.ProtocolErrorAssert.IsErrorAsync(await Server.Http.PostAsync($"/v2/models/{endpoint}/infer", BadUtf8(body)), HttpStatusCode.BadRequest, "body: not valid UTF-8");
        }
        var columns = string.Join(",", ServingModels.BreastCancerFeatures().Select((f, i) => i == 0 ? "\"@@\"" : $"\"{f}\""));
        await ProblemAssert.IsAsync(await Server.Http.PostAsync($"/endpoints/{endpoint}/predict", BadUtf8($$$"""{"dataframe_split": {"columns": [{{{columns}}}], "data": [[{{{features}}}]]}}""")),
            HttpStatusCode.BadRequest, "invalid_argument", "body: not valid UTF-8");
        await ProblemAssert.IsAsync(await Server.Http.PostAsync($"/endpoints/{endpoint}/feedback", BadUtf8("""[{"prediction_id": "@@", "actual": 1}]""")),
            HttpStatusCode.BadRequest, "invalid_argument", "body: not valid UTF-8");
    }

    private async Task<string> RunAsync()
    {
        var created = await Server.Http.PostAsJsonAsync("/api/v1/runs", new { experiment_id = "0" });
        return (await TestServer.JsonAsync(created)).GetProperty("run_id").GetString()!;
    }

    [Fact]
    public async Task NonAsciiArtifactNames_AreStored_AndTheirLocationIsEncoded()
    {
        var run = await RunAsync();
        var response = await Server.Http.PutAsync($"/api/v1/runs/{run}/artifacts/notes/{Uri.EscapeDataString("résumé.txt")}", new StringContent("bonjour"));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal($"/api/v1/runs/{run}/artifacts/notes/r%C3%A9sum%C3%A9.txt", response.Headers.Location!.OriginalString);
        var download = await Server.Http.GetAsync(response.Headers.Location);
        Assert.Equal("bonjour", await download.Content.ReadAsStringAsync());
        Assert.Equal("résumé.txt", download.Content.Headers.ContentDisposition!.FileNameStar);
    }

    [Theory]
    [InlineData(214)]
    [InlineData(215)]
    [InlineData(255)]
    public async Task ArtifactNames_UpToTheFileSystemsLimit_AreStored(int bytes)
    {
        var run = await RunAsync();
        var name = new string('é', bytes / 2) + new string('a', bytes % 2);
        Assert.Equal(bytes, Encoding.UTF8.GetByteCount(name));
        var response = await Server.Http.PutAsync($"/api/v1/runs/{run}/artifacts/{Uri.EscapeDataString(name)}", new StringContent("x"));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var listed = await Server.Client.Runs.ListArtifactsAsync(new Core.Tracking.RunId(run));
        Assert.Equal(name, Assert.Single(listed.Files).Path);
    }

    [Fact]
    public async Task AnArtifactNameOverTheLimit_IsA400NamingIt()
    {
        var run = await RunAsync();
        var response = await Server.Http.PutAsync($"/api/v1/runs/{run}/artifacts/{new string('a', 256)}", new StringContent("x"));
        await ProblemAssert.IsAsync(response, HttpStatusCode.BadRequest, "invalid_argument", "path: artifact path has a segment longer than 255 bytes");
    }

    [Theory]
    [InlineData("modèle")]
    [InlineData("a\"b")]
    [InlineData("a;b=c")]
    public async Task PackageDownloads_NameAnyModel_InAWellFormedHeader(string name)
    {
        var model = name + Guid.NewGuid().ToString("N")[..8];
        await using (var stream = File.OpenRead(Path.Combine(ServingModels.Onnx, "breast_cancer_mlp.onnx")))
        {
            await Server.Client.Models.ImportOnnxAsync(model, stream,
                new ImportOptions("binary", FeatureColumns: ServingModels.BreastCancerFeatures(), OutputMeaning: "score", Classes: ["malignant", "benign"]));
        }
        var response = await Server.Http.GetAsync($"/api/v1/models/{Uri.EscapeDataString(model)}/versions/1/package.zip");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var disposition = response.Content.Headers.ContentDisposition!;
        Assert.Equal("attachment", disposition.DispositionType);
        Assert.Equal($"{model}-1.zip", disposition.FileNameStar);
    }

    [Theory]
    [InlineData("INT64", "13.4", "an integer that fits INT64")]
    [InlineData("UINT8", "300", "an integer that fits UINT8")]
    [InlineData("UINT8", "-1", "an integer that fits UINT8")]
    [InlineData("INT8", "128", "an integer that fits INT8")]
    [InlineData("BOOL", "0.5", "true or false")]
    [InlineData("FP16", "70000", "a finite number that fits FP16")]
    [InlineData("FP32", "true", "a finite number that fits FP32")]
    public async Task V2Data_ThatItsDatatypeCannotHold_IsA400(string datatype, string value, string expected)
    {
        var endpoint = await ServingModels.CreateEndpointAsync(Server, $"{await ServingModels.ImportBreastCancerAsync(Server)}/1");
        var data = string.Join(",", Enumerable.Repeat("1", 29).Prepend(value));
        var body = new StringContent($$"""{"inputs": [{"name": "features", "datatype": "{{datatype}}", "shape": [1, 30], "data": [{{data}}]}]}""", Encoding.UTF8, "application/json");
        var response = await Server.Http.PostAsync($"/v2/models/{endpoint}/infer", body);
        await Serving.Protocols.ProtocolErrorAssert.IsErrorAsync(response, HttpStatusCode.BadRequest, $"inputs[0].data[0]: a {datatype} tensor cannot hold {value}; expected {expected}");
        // The same tensor with a value its type holds is answered.
        var fits = string.Join(",", Enumerable.Repeat(datatype == "BOOL" ? "true" : "1", 30));
        var ok = await Server.Http.PostAsync($"/v2/models/{endpoint}/infer",
            new StringContent($$"""{"inputs": [{"name": "features", "datatype": "{{datatype}}", "shape": [1, 30], "data": [{{fits}}]}]}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
    }
}
