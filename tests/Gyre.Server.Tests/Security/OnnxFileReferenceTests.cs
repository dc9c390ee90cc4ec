using System.Net;
using System.Net.Http.Headers;
using Gyre.Core.Models;
using Gyre.Server.Tests.Api;
using Gyre.Server.Tests.Serving;
using Gyre.Tests.Onnx;

namespace Gyre.Server.Tests.Security;

/// <summary>
/// An ONNX model that names a file for its weights (external data) could read any file under the
/// server's working folder, the home among them, and return it in its predictions. Such models are
/// refused at import and when a package holding one is uploaded.
/// </summary>
public sealed class OnnxFileReferenceTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private const int Width = 64;

    /// <summary><c>sum = features + W</c>, W read from <paramref name="location"/> relative to the working folder.</summary>
    private static byte[] LeakingModel(string location) => OnnxProto.Model(graph =>
    {
        graph.Message(1, node => OnnxProto.Node(node, "Add", ["features", "W"], "sum"));
        graph.String(2, "leak");
        graph.Message(5, w => OnnxProto.ExternalFloats(w, "W", 1, Width, location));
        graph.Message(11, input => OnnxProto.Value(input, "features", Width));
        graph.Message(12, output => OnnxProto.Value(output, "sum", Width));
    });

    /// <summary>A file in the server's working folder, as the default home's database would be.</summary>
    private static string PlantSecret()
    {
        var secret = Path.Combine(Environment.CurrentDirectory, $"secret-{Guid.NewGuid():N}.db");
        File.WriteAllBytes(secret, Enumerable.Range(0, Width * 4).Select(i => (byte)(i * 7)).ToArray());
        return secret;
    }

    [Fact]
    public async Task OnnxImport_WithExternalData_IsRefused_AndNothingIsRegistered()
    {
        var secret = PlantSecret();
        try
        {
            var name = Unique.Name("leak");
            var content = new ByteArrayContent(LeakingModel(Path.GetFileName(secret)));
            content.Headers.ContentType = new MediaTypeHeaderValue("application/onnx");
            var response = await fixture.Server.Http.PostAsync($"/api/v1/models/{name}/versions?task=regression&output_meaning=value", content);
            await ProblemAssert.IsAsync(response, HttpStatusCode.BadRequest, "invalid_argument", "model: tensor 'W' keeps its data in another file");
            Assert.Equal(HttpStatusCode.NotFound, (await fixture.Server.Http.GetAsync($"/api/v1/models/{name}/versions/1")).StatusCode);
        }
        finally
        {
            File.Delete(secret);
        }
    }

    [Fact]
    public async Task PackageUpload_WhoseModelHasExternalData_IsRefused()
    {
        var secret = PlantSecret();
        try
        {
            var model = LeakingModel(Path.GetFileName(secret));
            var signature = new ModelSignature([new TensorSpec("features", TensorDataTypes.Fp32, [-1, Width])], [new TensorSpec("sum", TensorDataTypes.Fp32, [-1, Width])]);
            var manifest = ModelPackages.Build(ModelPackage.Onnx, "model.onnx", ModelPackages.Digest(model), signature,
                new ImportOptions(FeatureColumns: [.. Enumerable.Range(0, Width).Select(i => $"f{i}")]), 0);
            using var archive = new MemoryStream();
            await PackageArchive.WriteAsync(archive, manifest, new MemoryStream(model), CancellationToken.None);
            var content = new ByteArrayContent(archive.ToArray());
            content.Headers.ContentType = new MediaTypeHeaderValue(PackageArchive.MediaType);
            var response = await fixture.Server.Http.PostAsync($"/api/v1/models/{Unique.Name("leak")}/versions", content);
            await ProblemAssert.IsAsync(response, HttpStatusCode.BadRequest, "invalid_argument", "keeps its data in another file");
        }
        finally
        {
            File.Delete(secret);
        }
    }

    [Fact]
    public async Task APackageThatExpandsLikeAZipBomb_IsRefused_BeforeItIsUnpacked()
    {
        var model = await File.ReadAllBytesAsync(Path.Combine(ServingModels.Onnx, "breast_cancer_mlp.onnx"));
        using var loaded = Learning.Onnx.OnnxModel.Load(model);
        var signature = loaded.Signature;
        var manifest = ModelPackages.Build(ModelPackage.Onnx, "model.onnx", ModelPackages.Digest(model), signature,
            new ImportOptions("binary", FeatureColumns: ServingModels.BreastCancerFeatures(), OutputMeaning: "score", Classes: ["malignant", "benign"]), 0);
        using var archive = new MemoryStream();
        await PackageArchive.WriteAsync(archive, manifest, new MemoryStream(new byte[64 << 20]), CancellationToken.None);
        Assert.True(archive.Length < 1 << 20, $"the bomb is {archive.Length} bytes");
        var content = new ByteArrayContent(archive.ToArray());
        content.Headers.ContentType = new MediaTypeHeaderValue(PackageArchive.MediaType);
        var response = await fixture.Server.Http.PostAsync($"/api/v1/models/{Unique.Name("bomb")}/versions", content);
        await ProblemAssert.IsAsync(response, HttpStatusCode.BadRequest, "invalid_argument", "refused as a likely zip bomb");
    }
}
