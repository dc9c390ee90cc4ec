using System.Security.Cryptography;
using System.Text;
using Gyre.Core.Artifacts;
using Gyre.Core.Errors;

namespace Gyre.Storage.Tests.Artifacts;

/// <summary>
/// What every artifact store does, whether files on a disk, objects in S3 or blobs in Azure: bytes
/// come back exactly at every size around the stores' part and block boundaries, listings show a
/// directory's direct children in order, a file and a directory never share a name, an oversized
/// or refused upload leaves nothing, roots are confined, and deleting a root takes only that root.
/// </summary>
public abstract class ArtifactStoreContract : IDisposable
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly ArtifactPath Top = ArtifactPath.Parse("", allowEmpty: true);

    protected TempHome Home { get; } = new();

    /// <summary>The store under test, on a location of its own.</summary>
    protected abstract IArtifactStore Store { get; }

    /// <summary>Whether the server under test replaces an object atomically when uploads of one key overlap (S3 does; s3rver does not).</summary>
    protected virtual bool ServerReplacesAtomically => true;

    public virtual void Dispose()
    {
        Home.Dispose();
        GC.SuppressFinalize(this);
    }

    protected static MemoryStream Text(string text) => new(Encoding.UTF8.GetBytes(text));

    protected static async Task<string> ReadTextAsync(IArtifactStore store, string root, string path)
    {
        await using var read = await store.OpenReadAsync(root, ArtifactPath.Parse(path), None);
        return await new StreamReader(read).ReadToEndAsync();
    }

    [SkippableTheory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData((5 << 20) - 1)]
    [InlineData((5 << 20) + 1)]
    [InlineData((16 << 20) + 12_345)] // past S3's part and Azure's block size, with a short last part
    [InlineData(64 << 20)]
    public async Task Bytes_RoundTripExactly_AtEverySize(int size)
    {
        var content = new byte[size];
        new Random(size).NextBytes(content);
        var written = await Store.WriteAsync("1/run/artifacts", ArtifactPath.Parse("model/weights.bin"), new MemoryStream(content), long.MaxValue, None);
        Assert.Equal(new ArtifactInfo("model/weights.bin", false, size), written);

        await using var read = await Store.OpenReadAsync("1/run/artifacts", ArtifactPath.Parse("model/weights.bin"), None);
        Assert.Equal(Convert.ToHexString(SHA256.HashData(content)), Convert.ToHexString(await SHA256.HashDataAsync(read)));
        Assert.Equal([new ArtifactInfo("model/weights.bin", false, size)], await Store.ListAsync("1/run/artifacts", ArtifactPath.Parse("model"), None));
    }

    /// <summary>A download reads any range without reading what comes before it: the first byte, the last, across a part boundary, and none past the end.</summary>
    [SkippableFact]
    public async Task Downloads_ReadRangesAtTheEdges_AndTagTheContent()
    {
        var size = (5 << 20) + 1;
        var content = new byte[size];
        new Random(7).NextBytes(content);
        var path = ArtifactPath.Parse("d/blob.bin");
        await Store.WriteAsync("r", path, new MemoryStream(content), long.MaxValue, None);

        string etag;
        var download = await Store.OpenDownloadAsync("r", path, None);
        await using (download.Content)
        {
            Assert.Equal(size, download.Length);
            Assert.True(download.Content.CanSeek);
            Assert.Equal(content[..1], await ReadRangeAsync(download.Content, 0, 1));
            Assert.Equal(content[^1..], await ReadRangeAsync(download.Content, size - 1, 1));
            Assert.Equal(content[((5 << 20) - 3)..((5 << 20) + 1)], await ReadRangeAsync(download.Content, (5 << 20) - 3, 4));
            Assert.Equal(content[1000..2000], await ReadRangeAsync(download.Content, 1000, 1000));
            Assert.Empty(await ReadRangeAsync(download.Content, size, 10));
            etag = download.ETag;
            Assert.StartsWith("\"", etag, StringComparison.Ordinal);
        }
        var whole = await Store.OpenDownloadAsync("r", path, None);
        await using (whole.Content)
        {
            Assert.Equal(etag, whole.ETag);
            Assert.Equal(Convert.ToHexString(SHA256.HashData(content)), Convert.ToHexString(await SHA256.HashDataAsync(whole.Content)));
        }
        content[0] ^= 0xff;
        await Store.WriteAsync("r", path, new MemoryStream(content), long.MaxValue, None);
        var replaced = await Store.OpenDownloadAsync("r", path, None);
        await using (replaced.Content)
        {
            Assert.NotEqual(etag, replaced.ETag);
        }
        var missing = await Assert.ThrowsAsync<GyreException>(() => Store.OpenDownloadAsync("r", ArtifactPath.Parse("d/none.bin"), None));
        Assert.Equal(ErrorCode.NotFound, missing.Code);
    }

    private static async Task<byte[]> ReadRangeAsync(Stream stream, long offset, int count)
    {
        stream.Seek(offset, SeekOrigin.Begin);
        var buffer = new byte[count];
        var total = 0;
        int read;
        while (total < count && (read = await stream.ReadAsync(buffer.AsMemory(total))) > 0)
        {
            total += read;
        }
        return buffer[..total];
    }

    /// <summary>The deep listing walks every root (or one), with sizes, at any depth.</summary>
    [SkippableFact]
    public async Task TheWholeStore_IsListedDeep()
    {
        await Store.WriteAsync("1/r1/artifacts", ArtifactPath.Parse("a/b/c.txt"), Text("abc"), 10, None);
        await Store.WriteAsync("1/r2/artifacts", ArtifactPath.Parse("d.txt"), Text("d"), 10, None);
        await Store.WriteAsync("pipelines/7", ArtifactPath.Parse("logs/train.log"), Text("log"), 10, None);

        var all = new List<StoredArtifact>();
        await foreach (var file in Store.ListAllAsync(null, None))
        {
            all.Add(file);
        }
        Assert.Equal([("1/r1/artifacts/a/b/c.txt", 3L), ("1/r2/artifacts/d.txt", 1L), ("pipelines/7/logs/train.log", 3L)],
            all.Select(f => (f.Key, f.Size)).Order());
        Assert.All(all, f => Assert.InRange(f.LastModified, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(5)));
        var one = new List<string>();
        await foreach (var file in Store.ListAllAsync("1/r1/artifacts", None))
        {
            one.Add(file.Key);
        }
        Assert.Equal(["1/r1/artifacts/a/b/c.txt"], one);
    }

    [SkippableFact]
    public async Task Listings_ShowADirectorysDirectChildren_InOrder()
    {
        foreach (var path in new[] { "report.json", "model/m.bin", "model/conda/env.yaml", "a b/ü.txt", "Zeta.txt" })
        {
            await Store.WriteAsync("1/run/artifacts", ArtifactPath.Parse(path), Text(path), 100, None);
        }
        Assert.Equal(
            [new ArtifactInfo("Zeta.txt", false, 8), new ArtifactInfo("a b", true, null), new ArtifactInfo("model", true, null), new ArtifactInfo("report.json", false, 11)],
            await Store.ListAsync("1/run/artifacts", Top, None));
        Assert.Equal([new ArtifactInfo("model/conda", true, null), new ArtifactInfo("model/m.bin", false, 11)],
            await Store.ListAsync("1/run/artifacts", ArtifactPath.Parse("model"), None));
        Assert.Equal("a b/ü.txt", await ReadTextAsync(Store, "1/run/artifacts", "a b/ü.txt"));
        Assert.Empty(await Store.ListAsync("1/run/artifacts", ArtifactPath.Parse("nothing-here"), None));
        Assert.Empty(await Store.ListAsync("2/other/artifacts", Top, None));
        var file = await Assert.ThrowsAsync<GyreException>(() => Store.ListAsync("1/run/artifacts", ArtifactPath.Parse("report.json"), None));
        Assert.Equal(ErrorCode.InvalidArgument, file.Code);
    }

    /// <summary>More entries than S3 returns in one page (1,000): the listing walks every page.</summary>
    [SkippableFact]
    public async Task ALargeDirectory_IsListedWhole()
    {
        var store = Store;
        var names = Enumerable.Range(0, 1_005).Select(i => $"f{i:D4}.txt").ToList();
        await Parallel.ForEachAsync(names, new ParallelOptions { MaxDegreeOfParallelism = 8 },
            async (name, ct) => await store.WriteAsync("r", ArtifactPath.Parse($"many/{name}"), Text(name), 100, ct));
        await store.WriteAsync("r", ArtifactPath.Parse("many/sub/x.txt"), Text("x"), 100, None);
        var listed = await store.ListAsync("r", ArtifactPath.Parse("many"), None);
        Assert.Equal(names.Select(n => $"many/{n}").Append("many/sub"), listed.Select(f => f.Path));
        Assert.All(listed.Take(names.Count), f => Assert.Equal(9, f.FileSize));
    }

    [SkippableFact]
    public async Task AFileAndADirectory_NeverShareAName()
    {
        await Store.WriteAsync("r", ArtifactPath.Parse("model/m.bin"), Text("m"), 10, None);
        var overDirectory = await Assert.ThrowsAsync<GyreException>(() => Store.WriteAsync("r", ArtifactPath.Parse("model"), Text("x"), 10, None));
        Assert.Equal(ErrorCode.Conflict, overDirectory.Code);
        var underFile = await Assert.ThrowsAsync<GyreException>(() => Store.WriteAsync("r", ArtifactPath.Parse("model/m.bin/inner"), Text("x"), 10, None));
        Assert.Equal(ErrorCode.Conflict, underFile.Code);
        Assert.Equal([new ArtifactInfo("model/m.bin", false, 1)], await Store.ListAsync("r", ArtifactPath.Parse("model"), None));
        Assert.True(await Store.ExistsAsync("r", ArtifactPath.Parse("model"), None));
        Assert.True(await Store.ExistsAsync("r", ArtifactPath.Parse("model/m.bin"), None));
        Assert.False(await Store.ExistsAsync("r", ArtifactPath.Parse("mode"), None));
    }

    [SkippableFact]
    public async Task AnOversizedUpload_LeavesNothing_AndKeepsWhatWasThere()
    {
        var path = ArtifactPath.Parse("data.bin");
        await Store.WriteAsync("r", path, Text("old"), 10, None);
        var error = await Assert.ThrowsAsync<GyreException>(() => Store.WriteAsync("r", path, Text(new string('x', 100)), 10, None));
        Assert.Equal(ErrorCode.PayloadTooLarge, error.Code);
        var large = await Assert.ThrowsAsync<GyreException>(() => Store.WriteAsync("r", ArtifactPath.Parse("big.bin"), new MemoryStream(new byte[20 << 20]), 17 << 20, None));
        Assert.Equal(ErrorCode.PayloadTooLarge, large.Code);
        Assert.Equal([new ArtifactInfo("data.bin", false, 3)], await Store.ListAsync("r", Top, None));
        Assert.Equal("old", await ReadTextAsync(Store, "r", "data.bin"));
    }

    [SkippableFact]
    public async Task MissingFiles_AreNotFound_AndRootsThatEscape_AreRefused()
    {
        Assert.Equal(ErrorCode.NotFound, (await Assert.ThrowsAsync<GyreException>(() => Store.OpenReadAsync("r", ArtifactPath.Parse("nope"), None))).Code);
        Assert.False(await Store.ExistsAsync("r", ArtifactPath.Parse("nope"), None));
        foreach (var root in new[] { "../outside", "r/../../x", "/abs" })
        {
            var error = await Assert.ThrowsAsync<GyreException>(() => Store.WriteAsync(root, ArtifactPath.Parse("x"), Text("x"), 10, None));
            Assert.Equal(ErrorCode.InvalidArgument, error.Code);
        }
        foreach (var path in new[] { "../x", "a/../../x", "a//b", "a/./b" })
        {
            Assert.Equal(ErrorCode.InvalidArgument, Assert.Throws<GyreException>(() => ArtifactPath.Parse(path)).Code);
        }
    }

    [SkippableFact]
    public async Task DeletingARoot_TakesThatRootOnly()
    {
        await Store.WriteAsync("1/r1/artifacts", ArtifactPath.Parse("a/b.txt"), Text("b"), 10, None);
        await Store.WriteAsync("1/r1/artifacts", ArtifactPath.Parse("c.txt"), Text("c"), 10, None);
        await Store.WriteAsync("1/r10/artifacts", ArtifactPath.Parse("c.txt"), Text("kept"), 10, None);
        await Store.DeleteRootAsync("1/r1/artifacts", None);
        Assert.Empty(await Store.ListAsync("1/r1/artifacts", Top, None));
        Assert.False(await Store.ExistsAsync("1/r1/artifacts", ArtifactPath.Parse("c.txt"), None));
        Assert.Equal("kept", await ReadTextAsync(Store, "1/r10/artifacts", "c.txt"));
        await Store.DeleteRootAsync("1/never-written/artifacts", None); // nothing to delete is not an error
    }

    /// <summary>
    /// Every writer succeeds or is told of a conflict (Azure: another upload committed first), and the
    /// file holds one successful writer's content, whole.
    /// </summary>
    [SkippableFact]
    public async Task ConcurrentWriters_OfOnePath_LeaveOneWholeVersion()
    {
        var store = Store;
        var versions = Enumerable.Range(0, 8).Select(i => new string((char)('a' + i), 100_000 + i)).ToList();
        using var turns = new SemaphoreSlim(ServerReplacesAtomically ? versions.Count : 1);
        var outcomes = await Task.WhenAll(versions.Select(v => Task.Run(async () =>
        {
            await turns.WaitAsync();
            try
            {
                await store.WriteAsync("r", ArtifactPath.Parse("same.txt"), Text(v), long.MaxValue, None);
                return v;
            }
            catch (GyreException e) when (e.Code == ErrorCode.Conflict)
            {
                return null;
            }
            finally
            {
                turns.Release();
            }
        })));
        Assert.Contains(await ReadTextAsync(store, "r", "same.txt"), outcomes.OfType<string>());
        Assert.Single(await store.ListAsync("r", Top, None));
    }
}
