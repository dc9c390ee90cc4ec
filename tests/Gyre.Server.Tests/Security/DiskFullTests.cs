using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Gyre.Server.Tests.Api;

namespace Gyre.Server.Tests.Security;

/// <summary>
/// A server whose home is on a disk that fills up answers uploads with a 503 to retry later (never a
/// 500), says nothing of where its files are, and keeps its databases working.
/// </summary>
public sealed class DiskFullTests
{
    private const int Megabytes = 12;

    private static ByteArrayContent Bytes(int megabytes, string mediaType)
    {
        var content = new ByteArrayContent(new byte[megabytes << 20]);
        content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        return content;
    }

    [SkippableFact]
    public async Task Uploads_OnAFullDisk_Are503s_ThatNameNoPath_AndTheServerGoesOn()
    {
        using var disk = SmallDisk.Mount(Megabytes);
        var home = Path.Combine(disk.Path, "home");
        await using var server = await TestServer.StartAsync(home: home);
        var run = (await TestServer.JsonAsync(await server.Http.PostAsJsonAsync("/api/v1/runs", new { experiment_id = "0" }))).GetProperty("run_id").GetString();

        var artifact = await server.Http.PutAsync($"/api/v1/runs/{run}/artifacts/big.bin", Bytes(2 * Megabytes, "application/octet-stream"));
        var detail = await ProblemAssert.IsAsync(artifact, HttpStatusCode.ServiceUnavailable, "unavailable", "disk is full");
        Assert.DoesNotContain(disk.Path, detail, StringComparison.Ordinal);
        Assert.Equal("5", artifact.Headers.RetryAfter!.ToString());

        var csv = new StringContent("a,b\n" + string.Concat(Enumerable.Repeat("1,2\n", Megabytes << 19)));
        csv.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        var dataset = await server.Http.PostAsync($"/api/v1/datasets/{Unique.Name("big")}/versions", csv);
        detail = await ProblemAssert.IsAsync(dataset, HttpStatusCode.ServiceUnavailable, "unavailable", "disk is full");
        Assert.DoesNotContain(disk.Path, detail, StringComparison.Ordinal);

        // Nothing half-written is listed, and the metadata still answers and takes writes.
        Assert.Empty((await server.Client.Runs.ListArtifactsAsync(new Core.Tracking.RunId(run!))).Files);
        Assert.Empty((await server.Client.Datasets.ListAsync()).Items);
        var created = await server.Http.PostAsJsonAsync("/api/v1/experiments", new { name = Unique.Name("after") });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
    }
}
