using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using Gyre.Core.Errors;
using Gyre.Core.Models;
using Gyre.Core.Tracking;
using Gyre.Learning.Onnx;

namespace Gyre.Server.Tests.Api;

public sealed class ModelImportApiTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private static readonly string Onnx = Path.Combine(AppContext.BaseDirectory, "Fixtures", "onnx");

    private Gyre.Client.ModelsClient Models => fixture.Server.Client.Models;

    private static string[] BreastCancerFeatures() => File.ReadLines(Path.Combine(Onnx, "breast_cancer_mlp.csv")).First().Split(',')[..30];

    private Task<HttpResponseMessage> PostAsync(string name, byte[] body, string query, string mediaType = "application/onnx")
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        return fixture.Server.Http.PostAsync($"/api/v1/models/{name}/versions{query}", content);
    }

    [Fact]
    public async Task ImportedOnnx_IsAVersionWithItsPackage_AndLoadsBackToTheReferenceOutputs()
    {
        var name = Unique.Name("cancer");
        var bytes = await File.ReadAllBytesAsync(Path.Combine(Onnx, "breast_cancer_mlp.onnx"));
        await using (var stream = new MemoryStream(bytes))
        {
            var version = await Models.ImportOnnxAsync(name, stream, new ImportOptions("binary", FeatureColumns: BreastCancerFeatures(), Classes: ["malignant", "benign"]));
            Assert.Equal(1, version.Version);
            Assert.Equal("model", version.ArtifactPath);
        }

        var package = await Models.GetPackageAsync(name, 1);
        Assert.Equal(("onnx", "model.onnx", "sha256:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes))),
            (package.Flavor, package.ModelFile, package.Sha256));
        Assert.Equal(("binary", "features", "score", ModelTasks.Probability), (package.Task, package.FeatureInput, package.Output, package.OutputMeaning));
        Assert.Equal(BreastCancerFeatures(), package.FeatureColumns);
        Assert.Equal(("features", "FP32", "-1,30"), (package.Signature.Inputs[0].Name, package.Signature.Inputs[0].DataType, string.Join(',', package.Signature.Inputs[0].Shape)));

        // Lineage leads to the run that recorded the package.
        var lineage = await Models.GetLineageAsync(name, 1);
        Assert.Equal(RunStatus.Finished, lineage.Run!.Status);
        Assert.Contains(lineage.Run.Tags, t => t is { Key: "gyre.source", Value: "import" });

        // The stored file, loaded through its package, gives ONNX Runtime's outputs.
        await using var stored = await fixture.Server.Client.Runs.DownloadArtifactAsync(lineage.Run.RunId, "model/model.onnx");
        using var copy = new MemoryStream();
        await stored.CopyToAsync(copy);
        using var model = OnnxPackageLoader.Load(package, copy.ToArray());
        var row = File.ReadLines(Path.Combine(Onnx, "breast_cancer_mlp.csv")).Skip(1).First().Split(',').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        var score = model.Run([new Core.Models.Tensor("features", [1, 30], row[..30])])[0].Values[0];
        Assert.True(Math.Abs(score - row[31]) <= 1e-5, $"expected {row[31]}, got {score}");

        // A changed file is refused by its checksum.
        var tampered = copy.ToArray();
        tampered[^1] ^= 0xFF;
        Assert.Equal(ErrorCode.Conflict, Assert.Throws<GyreException>(() => OnnxPackageLoader.Load(package, tampered)).Code);
    }

    [Fact]
    public async Task ImportOptions_AreCheckedAgainstTheGraph_BeforeAnythingIsRecorded()
    {
        var name = Unique.Name("wine");
        var wine = await File.ReadAllBytesAsync(Path.Combine(Onnx, "wine_mlp.onnx"));
        var detail = await ProblemAssert.IsAsync(await PostAsync(name, wine, "?task=multiclass&feature_columns=a,b,c&classes=x,y&output=prob"),
            HttpStatusCode.BadRequest, "invalid_argument");
        Assert.Contains("feature_columns: 'features' takes 13 columns, 3 were named", detail, StringComparison.Ordinal);
        Assert.Contains("output: 'prob' is not an output of the model; its outputs are score", detail, StringComparison.Ordinal);

        var regression = await ProblemAssert.IsAsync(await PostAsync(name, wine, "?task=regression"), HttpStatusCode.BadRequest, "invalid_argument");
        Assert.Contains("a regression's output is one value per row", regression, StringComparison.Ordinal);
        await ProblemAssert.IsAsync(await PostAsync(name, wine, "?task=clustering"), HttpStatusCode.BadRequest, "invalid_argument", "task: expected one of binary, multiclass, regression, got 'clustering'");
        await ProblemAssert.IsAsync(await PostAsync(name, "not a model"u8.ToArray(), ""), HttpStatusCode.BadRequest, "invalid_argument", "model: not an ONNX model");
        await ProblemAssert.IsAsync(await PostAsync(name, [], ""), HttpStatusCode.BadRequest, "invalid_argument", "body: the model file is empty");
        await ProblemAssert.IsAsync(await PostAsync(name, wine, "", "text/csv"), HttpStatusCode.UnsupportedMediaType, "unsupported_media_type", "application/onnx");
        // None of the refused imports made the model.
        await ProblemAssert.IsAsync(await fixture.Server.Http.GetAsync($"/api/v1/models/{name}"), HttpStatusCode.NotFound, "not_found");

        var created = await PostAsync(name, wine, "?task=multiclass&classes=class_0,class_1,class_2");
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var package = await Models.GetPackageAsync(name, 1);
        Assert.Equal(["class_0", "class_1", "class_2"], package.Classes!);
        Assert.Equal(Enumerable.Range(0, 13).Select(i => $"f{i}"), package.FeatureColumns);
        Assert.Equal(ModelTasks.Probabilities, package.OutputMeaning);
    }
}
