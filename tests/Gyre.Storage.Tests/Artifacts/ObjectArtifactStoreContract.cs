using Gyre.Core.Artifacts;
using Gyre.Core.Errors;
using Gyre.Storage.Artifacts.Objects;

namespace Gyre.Storage.Tests.Artifacts;

/// <summary>
/// What an object store adds: the digest recorded with each object is checked as it is read, so
/// bytes changed in the store behind Gyre's back are a data_loss error, never a clean read; and a
/// store's key prefix keeps it apart from another on the same bucket.
/// </summary>
public abstract class ObjectArtifactStoreContract : ArtifactStoreContract
{
    private static readonly CancellationToken None = CancellationToken.None;

    /// <summary>Changes one byte of an object in the store (as a failing disk would), keeping its size and the digest Gyre recorded.</summary>
    protected abstract Task TamperAsync(string key);

    private readonly List<ObjectBucket> _buckets = [];

    /// <summary>Another store on the same bucket or container, under another prefix.</summary>
    protected abstract IArtifactStore Beside(string prefix);

    /// <summary>Opens the store an <c>--artifacts</c> URL names, as a server does, its bucket made if missing.</summary>
    protected IArtifactStore Open(string url)
    {
        var files = new ArtifactStoreOptions(url).Open(Home.Home);
        _buckets.Add(files.Bucket!);
        files.Bucket!.EnsureExistsAsync(None).GetAwaiter().GetResult();
        return files.Artifacts;
    }

    public override void Dispose()
    {
        _buckets.ForEach(b => b.Dispose());
        base.Dispose();
        GC.SuppressFinalize(this);
    }

    [SkippableTheory]
    [InlineData(11)]
    [InlineData((16 << 20) + 1)] // a multipart upload on S3, whose digest is recorded after its last part
    public async Task BytesChangedInTheStore_AreADataLossError_WhenRead(int size)
    {
        var content = new byte[size];
        new Random(size).NextBytes(content);
        await Store.WriteAsync("1/run/artifacts", ArtifactPath.Parse("model/m.bin"), new MemoryStream(content), long.MaxValue, None);
        await using (var intact = await Store.OpenReadAsync("1/run/artifacts", ArtifactPath.Parse("model/m.bin"), None))
        {
            await intact.CopyToAsync(Stream.Null); // read whole, it passes the check
        }
        await TamperAsync("gyre/1/run/artifacts/model/m.bin");

        await using var read = await Store.OpenReadAsync("1/run/artifacts", ArtifactPath.Parse("model/m.bin"), None);
        var error = await Assert.ThrowsAsync<GyreException>(() => read.CopyToAsync(Stream.Null));
        Assert.Equal(ErrorCode.DataLoss, error.Code);
        Assert.Contains("artifact 'model/m.bin'", error.Message, StringComparison.Ordinal);

        // A download reads exactly its length, as an HTTP response does, and is checked all the same.
        var download = await Store.OpenDownloadAsync("1/run/artifacts", ArtifactPath.Parse("model/m.bin"), None);
        await using (download.Content)
        {
            var buffer = new byte[size];
            var downloaded = await Assert.ThrowsAsync<GyreException>(() => download.Content.ReadExactlyAsync(buffer).AsTask());
            Assert.Equal(ErrorCode.DataLoss, downloaded.Code);
        }
    }

    [SkippableFact]
    public async Task StoresUnderOtherPrefixes_OfOneBucket_DoNotSeeEachOther()
    {
        var beside = Beside("elsewhere");
        await Store.WriteAsync("r", ArtifactPath.Parse("x.txt"), Text("mine"), 10, None);
        await beside.WriteAsync("r", ArtifactPath.Parse("y.txt"), Text("theirs"), 10, None);
        Assert.Equal([new ArtifactInfo("x.txt", false, 4)], await Store.ListAsync("r", ArtifactPath.Parse("", allowEmpty: true), None));
        Assert.Equal([new ArtifactInfo("y.txt", false, 6)], await beside.ListAsync("r", ArtifactPath.Parse("", allowEmpty: true), None));
    }
}
