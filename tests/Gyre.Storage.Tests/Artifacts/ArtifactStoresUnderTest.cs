using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Gyre.Core.Artifacts;
using Gyre.Tests.Shared;

namespace Gyre.Storage.Tests.Artifacts;

// The artifact store contract on each store: the home's folder, S3 (s3rver) and Azure Blob (Azurite),
// each opened from an --artifacts URL as a server opens it.

public sealed class FileSystemArtifactStoreTests : ArtifactStoreContract
{
    private IArtifactStore? _store;

    protected override IArtifactStore Store => _store ??= new ArtifactStoreOptions().Open(Home.Home).Artifacts;
}

public sealed class S3ArtifactStoreTests : ObjectArtifactStoreContract
{
    private string? _url;
    private IArtifactStore? _store;

    private string Url => _url ??= TestObjectStores.NewS3Url();

    protected override IArtifactStore Store => _store ??= Open(Url);

    /// <summary>s3rver writes an object's bytes and its MD5 as two files, so overlapping uploads of one key can leave them apart; S3 replaces an object whole.</summary>
    protected override bool ServerReplacesAtomically => false;

    protected override IArtifactStore Beside(string prefix) => Open(Url.Replace("/gyre?", $"/{prefix}?", StringComparison.Ordinal));

    /// <summary>s3rver keeps an object's bytes in a file of its own: one byte changed there is what a failing disk does (the object's ETag stays).</summary>
    protected override async Task TamperAsync(string key)
    {
        var folder = Environment.GetEnvironmentVariable("GYRE_TEST_OBJECTSTORES_DIR")
            ?? throw new InvalidOperationException("GYRE_TEST_OBJECTSTORES_DIR is not set: .ci/objectstores start exports it");
        var file = Path.Combine(folder, "s3", new Uri(Url).Host, key + "._S3rver_object");
        var bytes = await File.ReadAllBytesAsync(file);
        bytes[bytes.Length / 2] ^= 0x20;
        await File.WriteAllBytesAsync(file, bytes);
    }
}

public sealed class AzureBlobArtifactStoreTests : ObjectArtifactStoreContract
{
    private string? _url;
    private IArtifactStore? _store;

    private string Url => _url ??= TestObjectStores.NewAzureUrl();

    protected override IArtifactStore Store => _store ??= Open(Url);

    protected override IArtifactStore Beside(string prefix) => Open(Url.Replace("/gyre", $"/{prefix}", StringComparison.Ordinal));

    /// <summary>Azurite keeps blobs in extents of its own: the blob is written again through the SDK, one byte changed, with the metadata Gyre recorded.</summary>
    protected override async Task TamperAsync(string key)
    {
        var blob = new BlobContainerClient(TestObjectStores.RequireAzure(), new Uri(Url).Host).GetBlobClient(key);
        var recorded = (await blob.GetPropertiesAsync()).Value.Metadata;
        var bytes = (await blob.DownloadContentAsync()).Value.Content.ToArray();
        bytes[bytes.Length / 2] ^= 0x20;
        await blob.UploadAsync(new BinaryData(bytes), new BlobUploadOptions { Metadata = recorded });
    }
}
