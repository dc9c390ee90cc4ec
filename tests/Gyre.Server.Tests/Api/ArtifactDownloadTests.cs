using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Gyre.Storage;
using Gyre.Tests.Shared;

namespace Gyre.Server.Tests.Api;

/// <summary>
/// Downloading a run's artifact over HTTP from each store: the whole file with its length and
/// entity tag, a byte range as 206 with its Content-Range, a range past the end as 416, and a
/// revalidation with the tag as 304.
/// </summary>
public sealed class ArtifactDownloadTests
{
    [SkippableTheory]
    [InlineData("file")]
    [InlineData("s3")]
    [InlineData("azblob")]
    public async Task Downloads_GiveLengthAndETag_AndAnswerRanges(string kind)
    {
        var url = kind switch
        {
            "s3" => TestObjectStores.NewS3Url(),
            "azblob" => TestObjectStores.NewAzureUrl(),
            _ => null,
        };
        await using var server = await TestServer.StartAsync(o => o with { Artifacts = new ArtifactStoreOptions(url) });
        var run = (await TestServer.JsonAsync(await server.Http.PostAsJsonAsync("/api/v1/runs", new { experiment_id = "0" }))).GetProperty("run_id").GetString()!;
        var payload = new byte[(6 << 20) + 17];
        new Random(3).NextBytes(payload);
        var path = $"/api/v1/runs/{run}/artifacts/model/weights.bin";
        Assert.Equal(HttpStatusCode.Created, (await server.Http.PutAsync(path, new ByteArrayContent(payload))).StatusCode);

        using var whole = await server.Http.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, whole.StatusCode);
        Assert.Equal(payload.Length, whole.Content.Headers.ContentLength);
        Assert.Equal("bytes", whole.Headers.AcceptRanges.Single());
        var etag = whole.Headers.ETag ?? throw new Xunit.Sdk.XunitException("no ETag");
        Assert.Equal(payload, await whole.Content.ReadAsByteArrayAsync());

        using var ranged = new HttpRequestMessage(HttpMethod.Get, path);
        ranged.Headers.Range = new RangeHeaderValue((5 << 20) - 2, (5 << 20) + 1);
        using var part = await server.Http.SendAsync(ranged);
        Assert.Equal(HttpStatusCode.PartialContent, part.StatusCode);
        Assert.Equal($"bytes {(5 << 20) - 2}-{(5 << 20) + 1}/{payload.Length}", part.Content.Headers.ContentRange!.ToString());
        Assert.Equal(payload[((5 << 20) - 2)..((5 << 20) + 2)], await part.Content.ReadAsByteArrayAsync());

        using var tail = new HttpRequestMessage(HttpMethod.Get, path);
        tail.Headers.Range = new RangeHeaderValue(null, 3);
        using var last = await server.Http.SendAsync(tail);
        Assert.Equal(payload[^3..], await last.Content.ReadAsByteArrayAsync());

        using var beyond = new HttpRequestMessage(HttpMethod.Get, path);
        beyond.Headers.Range = new RangeHeaderValue(payload.Length, null);
        Assert.Equal(HttpStatusCode.RequestedRangeNotSatisfiable, (await server.Http.SendAsync(beyond)).StatusCode);

        using var again = new HttpRequestMessage(HttpMethod.Get, path);
        again.Headers.IfNoneMatch.Add(etag);
        Assert.Equal(HttpStatusCode.NotModified, (await server.Http.SendAsync(again)).StatusCode);
    }
}
