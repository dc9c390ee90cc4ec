using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using Gyre.Storage;
using Gyre.Tests.Shared;

namespace Gyre.Server.Tests.Api;

/// <summary>
/// Direct uploads over HTTP, as a client other than Gyre's would make them: begin, PUT each part's
/// bytes to its pre-signed URL at the store (no Gyre token), complete with the file's SHA-256. The
/// server checks the digest itself as it writes the file into place: a wrong one discards the upload
/// and leaves the artifact as it was. A server whose artifacts are on its own disk says it does not offer them.
/// </summary>
public sealed class DirectUploadTests
{
    [SkippableTheory]
    [InlineData("s3")]
    [InlineData("azblob")]
    public async Task PartsSentStraightToTheStore_BecomeTheArtifact_OnlyWithTheRightDigest(string kind)
    {
        var url = kind == "s3" ? TestObjectStores.NewS3Url() : TestObjectStores.NewAzureUrl();
        await using var server = await TestServer.StartAsync(o => o with { Artifacts = new ArtifactStoreOptions(url) });
        var run = await NewRunAsync(server);
        Assert.Equal(HttpStatusCode.Created, (await server.Http.PutAsync($"/api/v1/runs/{run}/artifacts/model/big.bin", new StringContent("held before"))).StatusCode);
        var content = new byte[(20 << 20) + 5];
        new Random(11).NextBytes(content);
        var sha256 = Convert.ToHexStringLower(SHA256.HashData(content));
        using var store = new HttpClient();

        var begun = await server.Http.PostAsJsonAsync($"/api/v1/runs/{run}/artifact-uploads", new { path = "model/big.bin", size = content.Length });
        Assert.Equal(HttpStatusCode.Created, begun.StatusCode);
        var upload = (await TestServer.JsonAsync(begun)).Clone();
        var parts = upload.GetProperty("parts").EnumerateArray().ToList();
        Assert.Equal(8 << 20, upload.GetProperty("part_size").GetInt64());
        Assert.Equal([0L, 8L << 20, 16L << 20], parts.Select(p => p.GetProperty("offset").GetInt64()));
        Assert.Equal((4 << 20) + 5, parts[2].GetProperty("size").GetInt64());
        var sent = new List<object>();
        foreach (var part in parts)
        {
            var (offset, size) = ((int)part.GetProperty("offset").GetInt64(), (int)part.GetProperty("size").GetInt64());
            var put = await store.PutAsync(part.GetProperty("url").GetString(), new ByteArrayContent(content, offset, size));
            Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());
            sent.Add(new { number = part.GetProperty("number").GetInt32(), etag = put.Headers.TryGetValues("ETag", out var tags) ? tags.First() : null });
        }
        var id = upload.GetProperty("upload_id").GetString();

        var wrong = await server.Http.PostAsJsonAsync($"/api/v1/runs/{run}/artifact-uploads/{id}/complete",
            new { path = "model/big.bin", sha256 = new string('0', 64), parts = sent });
        await ProblemAssert.IsAsync(wrong, HttpStatusCode.BadRequest, "invalid_argument");
        // The check comes before the write into place is committed: the artifact keeps what it held.
        Assert.Equal("held before", await server.Http.GetStringAsync($"/api/v1/runs/{run}/artifacts/model/big.bin"));

        // Again, with the right digest.
        upload = (await TestServer.JsonAsync(await server.Http.PostAsJsonAsync($"/api/v1/runs/{run}/artifact-uploads", new { path = "model/big.bin", size = content.Length }))).Clone();
        sent.Clear();
        foreach (var part in upload.GetProperty("parts").EnumerateArray())
        {
            var (offset, size) = ((int)part.GetProperty("offset").GetInt64(), (int)part.GetProperty("size").GetInt64());
            var put = await store.PutAsync(part.GetProperty("url").GetString(), new ByteArrayContent(content, offset, size));
            sent.Add(new { number = part.GetProperty("number").GetInt32(), etag = put.Headers.TryGetValues("ETag", out var tags) ? tags.First() : null });
        }
        var done = await server.Http.PostAsJsonAsync($"/api/v1/runs/{run}/artifact-uploads/{upload.GetProperty("upload_id").GetString()}/complete",
            new { path = "model/big.bin", sha256, parts = sent });
        Assert.True(done.StatusCode == HttpStatusCode.Created, await done.Content.ReadAsStringAsync());
        Assert.Equal(content.Length, (await TestServer.JsonAsync(done)).GetProperty("file_size").GetInt64());
        using var download = await server.Http.GetAsync($"/api/v1/runs/{run}/artifacts/model/big.bin");
        Assert.Equal($"\"{sha256}\"", download.Headers.ETag!.Tag);
        Assert.Equal(content, await download.Content.ReadAsByteArrayAsync());
    }

    [SkippableFact]
    public async Task BadRequests_AreRefusedNamingTheField()
    {
        await using var server = await TestServer.StartAsync(o => o with { Artifacts = new ArtifactStoreOptions(TestObjectStores.NewS3Url()), MaxArtifactBytes = 1 << 30 });
        var run = await NewRunAsync(server);
        var cases = new (object Body, HttpStatusCode Status, string Text)[]
        {
            (new { path = "a.bin" }, HttpStatusCode.BadRequest, "size: required"),
            (new { path = "a.bin", size = -1 }, HttpStatusCode.BadRequest, "size: expected 0 or more bytes, got -1"),
            (new { path = "a.bin", size = 2L << 30 }, HttpStatusCode.RequestEntityTooLarge, "size: the file is larger than the limit of 1073741824 bytes"),
            (new { path = "../a.bin", size = 1 }, HttpStatusCode.BadRequest, "path"),
        };
        foreach (var (body, status, text) in cases)
        {
            var response = await server.Http.PostAsJsonAsync($"/api/v1/runs/{run}/artifact-uploads", body);
            Assert.Equal(status, response.StatusCode);
            Assert.Contains(text, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        var upload = await TestServer.JsonAsync(await server.Http.PostAsJsonAsync($"/api/v1/runs/{run}/artifact-uploads", new { path = "a.bin", size = 10 }));
        var complete = $"/api/v1/runs/{run}/artifact-uploads/{upload.GetProperty("upload_id").GetString()}/complete";
        var sha = new string('a', 64);
        // (A part listed but never sent is S3's InvalidPart, a 400 here too; s3rver cannot be asked: it crashes on it.)
        var completions = new (object Body, string Text)[]
        {
            (new { path = "a.bin", sha256 = "ABC", parts = new[] { new { number = 1, etag = "x" } } }, "sha256: expected the file's SHA-256 as 64 lower-case hex digits, got 'ABC'"),
            (new { path = "a.bin", sha256 = sha, parts = Array.Empty<object>() }, "parts: expected the parts sent"),
            (new { path = "a.bin", sha256 = sha, parts = new[] { new { number = 2, etag = "x" } } }, "parts[0].number: expected 1"),
            (new { path = "a.bin", sha256 = sha, parts = new[] { new { number = 1, etag = (string?)null } } }, "parts: part 1 has no etag"),
        };
        foreach (var (body, text) in completions)
        {
            var response = await server.Http.PostAsJsonAsync(complete, body);
            var answer = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, answer);
            Assert.True(answer.Contains(text, StringComparison.Ordinal), answer);
        }
    }

    [Fact]
    public async Task AServerWithArtifactsOnItsDisk_SaysItDoesNotOfferThem()
    {
        await using var server = await TestServer.StartAsync();
        var run = await NewRunAsync(server);
        var response = await server.Http.PostAsJsonAsync($"/api/v1/runs/{run}/artifact-uploads", new { path = "a.bin", size = 10 });
        await ProblemAssert.IsAsync(response, HttpStatusCode.NotImplemented, "not_implemented");
    }

    private static async Task<string> NewRunAsync(TestServer server) =>
        (await TestServer.JsonAsync(await server.Http.PostAsJsonAsync("/api/v1/runs", new { experiment_id = "0" }))).GetProperty("run_id").GetString()!;
}
