using Gyre.Core.Data;
using Gyre.Core.Errors;
using Gyre.Storage.Data;
using Gyre.Tests.Shared;

namespace Gyre.Storage.Tests.Artifacts;

/// <summary>
/// Dataset files in an object store (s3rver), read through the local cache: content goes to the
/// store before it is committed, a server with an empty cache fetches it checked against its
/// address, the cache stays within its size by letting go of what was read least recently, and
/// content changed in the store is a data_loss error that leaves nothing in the cache.
/// </summary>
public sealed class ObjectDatasetStoreTests : IDisposable
{
    private const long MiB = 1 << 20;
    private static readonly CancellationToken None = CancellationToken.None;

    private readonly TempHome _writer = new();
    private readonly TempHome _reader = new();
    private readonly List<IDisposable> _buckets = [];

    public void Dispose()
    {
        _buckets.ForEach(b => b.Dispose());
        _writer.Dispose();
        _reader.Dispose();
    }

    [SkippableFact]
    public async Task ContentGoesToTheStore_AndAnotherServerReadsItThroughItsCache_WithinItsSize()
    {
        var url = TestObjectStores.NewS3Url();
        var writer = Open(url, _writer, 100 * MiB);
        var digests = new List<string>();
        foreach (var seed in new[] { 1, 2, 3 })
        {
            digests.Add(await AddAsync(writer, Content(seed)));
        }

        // Another server, with an empty cache of 2.5 MiB: each read fetches, and the third evicts the least recently read.
        var reader = Open(url, _reader, 5 * MiB / 2);
        var first = await reader.LocalPathAsync(digests[0], DatasetFormat.Csv, None);
        Assert.Equal(Content(1), await File.ReadAllBytesAsync(first));
        await Task.Delay(20);
        var second = await reader.LocalPathAsync(digests[1], DatasetFormat.Csv, None);
        await Task.Delay(20);
        Assert.Equal(first, await reader.LocalPathAsync(digests[0], DatasetFormat.Csv, None)); // read again: now the most recent
        await Task.Delay(20);
        var third = await reader.LocalPathAsync(digests[2], DatasetFormat.Csv, None);
        Assert.Equal(Content(3), await File.ReadAllBytesAsync(third));
        Assert.True(File.Exists(first));
        Assert.False(File.Exists(second));
        Assert.Equal(Content(2), await File.ReadAllBytesAsync(await reader.LocalPathAsync(digests[1], DatasetFormat.Csv, None)));

        var missing = "sha256:" + new string('0', 64);
        Assert.Equal(ErrorCode.NotFound, (await Assert.ThrowsAsync<GyreException>(() => reader.LocalPathAsync(missing, DatasetFormat.Csv, None))).Code);
    }

    [SkippableFact]
    public async Task ContentChangedInTheStore_IsADataLossError_AndStaysOutOfTheCache()
    {
        var url = TestObjectStores.NewS3Url();
        var digest = await AddAsync(Open(url, _writer, 100 * MiB), Content(7));
        var hex = digest[7..];
        var file = Path.Combine(Environment.GetEnvironmentVariable("GYRE_TEST_OBJECTSTORES_DIR")!, "s3", new Uri(url).Host,
            $"gyre/datasets/{hex[..2]}/{hex}.csv._S3rver_object");
        var bytes = await File.ReadAllBytesAsync(file);
        bytes[12_345] ^= 0x01;
        await File.WriteAllBytesAsync(file, bytes);

        var reader = Open(url, _reader, 100 * MiB);
        var error = await Assert.ThrowsAsync<GyreException>(() => reader.LocalPathAsync(digest, DatasetFormat.Csv, None));
        Assert.Equal(ErrorCode.DataLoss, error.Code);
        Assert.Empty(Directory.GetFiles(Path.Combine(_reader.Home.DatasetsPath), "*", SearchOption.AllDirectories));
    }

    [SkippableFact]
    public async Task UnreferencedContent_IsKeptWithinItsGrace_ThenDeletedFromTheStore()
    {
        var url = TestObjectStores.NewS3Url();
        var writer = Open(url, _writer, 100 * MiB);
        var digest = await AddAsync(writer, Content(9));
        // Just written (or added again): a deletion within the grace keeps it, for an upload that may refer to it.
        Assert.False(await writer.DeleteUnreferencedAsync(digest, DatasetFormat.Csv, TimeSpan.FromMinutes(10), None));
        Assert.Equal(Content(9), await File.ReadAllBytesAsync(await Open(url, _reader, 100 * MiB).LocalPathAsync(digest, DatasetFormat.Csv, None)));

        Assert.True(await writer.DeleteUnreferencedAsync(digest, DatasetFormat.Csv, TimeSpan.Zero, None));
        using var third = new TempHome();
        var error = await Assert.ThrowsAsync<GyreException>(() => Open(url, third, 100 * MiB).LocalPathAsync(digest, DatasetFormat.Csv, None));
        Assert.Equal(ErrorCode.NotFound, error.Code);
        Assert.False(await writer.DeleteUnreferencedAsync(digest, DatasetFormat.Csv, TimeSpan.Zero, None)); // gone already
    }

    private static byte[] Content(int seed)
    {
        var bytes = new byte[MiB];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private static async Task<string> AddAsync(IDatasetObjectStore store, byte[] content)
    {
        await using var staged = await store.StageAsync(new MemoryStream(content), DatasetFormat.Csv, long.MaxValue, None);
        await staged.CommitAsync(None);
        return staged.Digest;
    }

    private ObjectDatasetStore Open(string url, TempHome home, long cacheBytes)
    {
        var files = new ArtifactStoreOptions(url, cacheBytes).Open(home.Home);
        files.Bucket!.EnsureExistsAsync(None).GetAwaiter().GetResult();
        _buckets.Add(files.Bucket);
        return (ObjectDatasetStore)files.Datasets;
    }
}
