using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Gyre.Core.Data;
using Gyre.Core.Json;
using Gyre.Core.Learning.Training;
using Gyre.Core.Models;

namespace Gyre.Server.Tests.Api;

public sealed class ModelPackageArchiveTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private static readonly string Onnx = Path.Combine(AppContext.BaseDirectory, "Fixtures", "onnx");

    private Gyre.Client.GyreClient Client => fixture.Server.Client;

    private Task<HttpResponseMessage> PostZipAsync(string name, byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/zip");
        return fixture.Server.Http.PostAsync($"/api/v1/models/{name}/versions", content);
    }

    private async Task<byte[]> DownloadAsync(string name, long version)
    {
        using var buffer = new MemoryStream();
        await Client.Models.DownloadPackageAsync(name, version, buffer);
        return buffer.ToArray();
    }

    private async Task<string> TrainedModelAsync()
    {
        var random = new Random(3);
        var csv = new StringBuilder("tenure,plan,churned\n");
        for (var i = 0; i < 300; i++)
        {
            var tenure = random.Next(72);
            var plan = random.Next(2) == 0 ? "basic" : "pro";
            csv.Append(System.Globalization.CultureInfo.InvariantCulture, $"{tenure},{plan},{(tenure < 20 ^ random.NextDouble() < 0.1 ? "true" : "false")}\n");
        }
        var dataset = Unique.Name("archive");
        await using (var stream = new MemoryStream(Encoding.UTF8.GetBytes(csv.ToString())))
        {
            await Client.Datasets.AddAsync(dataset, stream, DatasetFormat.Csv);
        }
        var response = await fixture.Server.Http.PostAsJsonAsync("/api/v1/trainings",
            new TrainingRequest(dataset, Task: "binary", Label: "churned", Register: dataset + "-model"), GyreJson.Options);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return dataset + "-model";
    }

    private static byte[] Zip(params (string Name, byte[] Content)[] entries)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, content) in entries)
            {
                using var stream = zip.CreateEntry(name).Open();
                stream.Write(content);
            }
        }
        return buffer.ToArray();
    }

    private static Dictionary<string, byte[]> Unzip(byte[] archive)
    {
        using var zip = new ZipArchive(new MemoryStream(archive), ZipArchiveMode.Read);
        return zip.Entries.ToDictionary(e => e.FullName, e =>
        {
            using var stream = e.Open();
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            return copy.ToArray();
        });
    }

    [Fact]
    public async Task ATrainedPackage_DownloadedAndUploaded_IsTheSameModelUnderAnotherName()
    {
        var trained = await TrainedModelAsync();
        var archive = await DownloadAsync(trained, 1);
        var entries = Unzip(archive);
        Assert.Equal(["gyre-model.json", "model.zip"], entries.Keys.Order());

        var copy = Unique.Name("copy");
        await using (var stream = new MemoryStream(archive))
        {
            var version = await Client.Models.UploadPackageAsync(copy, stream);
            Assert.Equal((copy, 1L, "model"), (version.Name, version.Version, version.ArtifactPath));
        }
        var original = await Client.Models.GetPackageAsync(trained, 1);
        var uploaded = await Client.Models.GetPackageAsync(copy, 1);
        Assert.Equal(JsonSerializer.Serialize(original, GyreJson.Options), JsonSerializer.Serialize(uploaded, GyreJson.Options));
        Assert.Equal((ModelPackage.MlNet, "churned", 2), (uploaded.Flavor, uploaded.Label, uploaded.FeatureColumns.Count));

        var lineage = await Client.Models.GetLineageAsync(copy, 1);
        Assert.Contains(lineage.Run!.Tags, t => t is { Key: "gyre.source", Value: "upload" });
        await using var stored = await Client.Runs.DownloadArtifactAsync(lineage.Run.RunId, "model/model.zip");
        using var bytes = new MemoryStream();
        await stored.CopyToAsync(bytes);
        Assert.Equal(entries["model.zip"], bytes.ToArray());
    }

    [Fact]
    public async Task AnImportedOnnxPackage_RoundTrips()
    {
        var name = Unique.Name("wine");
        await using (var stream = File.OpenRead(Path.Combine(Onnx, "wine_mlp.onnx")))
        {
            await Client.Models.ImportOnnxAsync(name, stream, new ImportOptions("multiclass", OutputMeaning: "score"));
        }
        var response = await PostZipAsync(name, await DownloadAsync(name, 1));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var (first, second) = (await Client.Models.GetPackageAsync(name, 1), await Client.Models.GetPackageAsync(name, 2));
        Assert.Equal(JsonSerializer.Serialize(first, GyreJson.Options), JsonSerializer.Serialize(second, GyreJson.Options));
        Assert.Equal(("features", 13L, ModelTasks.Score), (second.FeatureInput, second.Signature.Inputs[0].Shape[1], second.OutputMeaning));
    }

    [Fact]
    public async Task BadArchives_AreRefusedWithTheirReason_AndRecordNothing()
    {
        var trained = await TrainedModelAsync();
        var entries = Unzip(await DownloadAsync(trained, 1));
        var manifest = entries["gyre-model.json"];
        var model = entries["model.zip"];
        var name = Unique.Name("bad");

        await ProblemAssert.IsAsync(await PostZipAsync(name, "not a zip"u8.ToArray()), HttpStatusCode.BadRequest, "invalid_argument", "body: not a zip archive");
        await ProblemAssert.IsAsync(await PostZipAsync(name, Zip(("model.zip", model))), HttpStatusCode.BadRequest, "invalid_argument",
            "body: the archive holds no gyre-model.json; its entries are 'model.zip'");
        await ProblemAssert.IsAsync(await PostZipAsync(name, Zip(("gyre-model.json", manifest), ("model.zip", model), ("../../evil.sh", "rm -rf /"u8.ToArray()))),
            HttpStatusCode.BadRequest, "invalid_argument", "it also holds '../../evil.sh'");
        await ProblemAssert.IsAsync(await PostZipAsync(name, Zip(("gyre-model.json", manifest))), HttpStatusCode.BadRequest, "invalid_argument",
            "the manifest names the model file model.zip, which the archive does not hold");
        await ProblemAssert.IsAsync(await PostZipAsync(name, Zip(("gyre-model.json", "{\"flavor\": "u8.ToArray()), ("model.zip", model))),
            HttpStatusCode.BadRequest, "invalid_argument", "gyre-model.json: not a package manifest");

        // A manifest that is not one Gyre would write: every problem is named.
        var json = JsonSerializer.Deserialize<ModelPackage>(manifest, GyreJson.Options)!;
        var wrong = json with { Flavor = "pickle", ModelFile = "../model.zip" };
        await ProblemAssert.IsAsync(await PostZipAsync(name, Zip(("gyre-model.json", JsonSerializer.SerializeToUtf8Bytes(wrong, GyreJson.Options)), ("model.zip", model))),
            HttpStatusCode.BadRequest, "invalid_argument", "flavor: expected onnx or mlnet, got 'pickle'");
        var lying = json with { OutputMeaning = "score", Classes = ["a", "b", "c"] };
        var detail = await ProblemAssert.IsAsync(await PostZipAsync(name, Zip(("gyre-model.json", JsonSerializer.SerializeToUtf8Bytes(lying, GyreJson.Options)), ("model.zip", model))),
            HttpStatusCode.BadRequest, "invalid_argument");
        Assert.Contains("output_meaning: an ML.NET binary model gives probability, the manifest says 'score'", detail, StringComparison.Ordinal);
        Assert.Contains("classes: the output has 2 classes, 3 were named", detail, StringComparison.Ordinal);

        // A model file that is not the one the manifest was made for.
        var changed = (byte[])model.Clone();
        changed[^10] ^= 0xFF;
        await ProblemAssert.IsAsync(await PostZipAsync(name, Zip(("gyre-model.json", manifest), ("model.zip", changed))), HttpStatusCode.Conflict, "conflict",
            "the file was changed");
        // A manifest whose signature the model does not read.
        var swapped = json with { Signature = json.Signature with { Inputs = [json.Signature.Inputs[0] with { DataType = "BYTES" }, json.Signature.Inputs[1]] } };
        await ProblemAssert.IsAsync(await PostZipAsync(name, Zip(("gyre-model.json", JsonSerializer.SerializeToUtf8Bytes(swapped, GyreJson.Options)), ("model.zip", model))),
            HttpStatusCode.BadRequest, "invalid_argument", "input 'tenure' is BYTES in the manifest, but the model's column f0 is Single");
        // A manifest that unpacks far beyond its size: read only up to the limit.
        await ProblemAssert.IsAsync(await PostZipAsync(name, Zip(("gyre-model.json", new byte[3 << 20]), ("model.zip", model))), HttpStatusCode.RequestEntityTooLarge,
            "payload_too_large", "gyre-model.json unpacks to more than the limit");

        var missing = await fixture.Server.Http.GetAsync($"/api/v1/models/{name}");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }
}
