using System.Buffers;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Text;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using Gyre.Core.Errors;

namespace Gyre.Storage.Artifacts.Objects;

/// <summary>
/// An Azure Blob Storage container through Azure.Storage.Blobs. An upload is staged block by block
/// (one block in memory at a time) and committed with its digest as the blob's metadata in one
/// step, so a blob is never seen half written or without its digest; blocks of an upload that
/// fails are never committed, and the service drops them. A commit drops every other upload's
/// uncommitted blocks, so of concurrent uploads of one blob the first to commit wins and the
/// others are told so (409): the blob always holds one upload whole.
/// </summary>
internal sealed class AzureBlobBucket(BlobContainerClient container) : ObjectBucket
{
    /// <summary>The block size: a blob holds at most 50,000 blocks, so this allows blobs of up to about 400 GiB; an upload holds <see cref="PartPipeline.InFlight"/> + 1 of them.</summary>
    public const int BlockSize = 8 << 20;

    public override string Location => $"azblob://{container.Name}";

    /// <summary>A container client whose retries are bounded (exponential from 200 ms, four at most), so that a store that is away is a 503 within seconds.</summary>
    public static BlobContainerClient Client(string connectionString, string container)
    {
        var options = new BlobClientOptions();
        options.Retry.Mode = Azure.Core.RetryMode.Exponential;
        options.Retry.MaxRetries = 4;
        options.Retry.Delay = TimeSpan.FromMilliseconds(200);
        options.Retry.MaxDelay = TimeSpan.FromSeconds(2);
        options.Retry.NetworkTimeout = TimeSpan.FromSeconds(100);
        try
        {
            return new BlobContainerClient(connectionString, container, options);
        }
        catch (FormatException e)
        {
            throw GyreException.Invalid($"$AZURE_STORAGE_CONNECTION_STRING: not a storage connection string ({e.Message.TrimEnd('.')})");
        }
    }

    public override async Task EnsureExistsAsync(CancellationToken ct)
    {
        try
        {
            await container.CreateIfNotExistsAsync(cancellationToken: ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new GyreException(ErrorCode.Unavailable, $"--artifacts: the container {Location} cannot be reached or created ({Describe(e)})", inner: e);
        }
    }

    public override async Task PutAsync(string key, DigestingStream content, CancellationToken ct)
    {
        var blob = container.GetBlockBlobClient(key);
        var buffer = ArrayPool<byte>.Shared.Rent(BlockSize);
        var filled = await content.FillAsync(buffer.AsMemory(0, BlockSize), ct);
        // Block ids of one length, unique to this upload: another upload of the same key stages its own.
        var upload = Guid.NewGuid().ToString("N");
        var blocks = await PartPipeline.SendAsync(content, buffer, filled, BlockSize, async (number, block, token) =>
        {
            var id = BlockId(upload, number);
            await blob.StageBlockAsync(id, Bytes(block), cancellationToken: token);
            return id;
        }, ct);
        try
        {
            await blob.CommitBlockListAsync(blocks, new CommitBlockListOptions { Metadata = new Dictionary<string, string> { [DigestKey] = content.Digest } }, ct);
        }
        catch (RequestFailedException e) when (e.ErrorCode == "InvalidBlockList")
        {
            throw GyreException.Conflict("path: another upload of the same artifact was committed while this one was sent; the artifact holds that one (send again to replace it)");
        }
    }

    public override Task<(string UploadId, IReadOnlyList<string> Urls)> BeginDirectAsync(string key, int parts, DateTimeOffset expires, CancellationToken ct)
    {
        var blob = container.GetBlockBlobClient(key);
        if (!blob.CanGenerateSasUri)
        {
            throw GyreException.Conflict($"the container {Location} is reached without its account key, so no SAS can be made for a direct upload; send the file through the server");
        }
        // A SAS to write this one staging blob, nothing else; each part is a Put Block of its own id under it.
        var sas = blob.GenerateSasUri(Azure.Storage.Sas.BlobSasPermissions.Write, expires).ToString();
        var upload = Guid.NewGuid().ToString("N");
        IReadOnlyList<string> urls = [.. Enumerable.Range(1, parts).Select(n => $"{sas}&comp=block&blockid={Uri.EscapeDataString(BlockId(upload, n))}")];
        return Task.FromResult((upload, urls));
    }

    public override async Task CommitDirectAsync(string key, string uploadId, IReadOnlyList<Core.Artifacts.UploadedPart> parts, CancellationToken ct)
    {
        try
        {
            await container.GetBlockBlobClient(key).CommitBlockListAsync(parts.Select(p => BlockId(uploadId, p.Number)), cancellationToken: ct);
        }
        catch (RequestFailedException e) when (e.ErrorCode == "InvalidBlockList")
        {
            throw GyreException.Invalid("parts: the store has not got every part listed; send each part before completing");
        }
    }

    /// <remarks>Uncommitted blocks are dropped by the service after a week, or by the next commit of the blob.</remarks>
    public override Task AbortDirectAsync(string key, string uploadId, CancellationToken ct) => Task.CompletedTask;

    /// <summary>A block id of one length for every part of an upload, unique to that upload.</summary>
    private static string BlockId(string upload, int number) => Convert.ToBase64String(Encoding.ASCII.GetBytes($"{upload}-{number:D6}"));

    public override async Task<StoredObject?> GetAsync(string key, CancellationToken ct)
    {
        try
        {
            var response = await container.GetBlobClient(key).DownloadStreamingAsync(cancellationToken: ct);
            var details = response.Value.Details;
            return new StoredObject(response.Value.Content, details.ContentLength, details.Metadata.TryGetValue(DigestKey, out var digest) ? digest : null);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    public override async Task<ObjectHead?> HeadAsync(string key, CancellationToken ct)
    {
        try
        {
            var properties = (await container.GetBlobClient(key).GetPropertiesAsync(cancellationToken: ct)).Value;
            return new ObjectHead(properties.ContentLength, properties.LastModified, properties.Metadata.TryGetValue(DigestKey, out var digest) ? digest : null,
                properties.ETag.ToString());
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    public override async Task<Stream?> OpenAsync(string key, long offset, CancellationToken ct, string? ifMatch = null)
    {
        try
        {
            var options = new BlobDownloadOptions
            {
                Range = new HttpRange(offset),
                Conditions = ifMatch is null ? null : new BlobRequestConditions { IfMatch = new ETag(ifMatch) },
            };
            return (await container.GetBlobClient(key).DownloadStreamingAsync(options, ct)).Value.Content;
        }
        catch (RequestFailedException e) when (e.Status is 404 or 412)
        {
            return null;
        }
    }

    public override async IAsyncEnumerable<ObjectEntry> ListAllAsync(string prefix, [EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var item in container.GetBlobsAsync(new GetBlobsOptions { Prefix = prefix }, ct))
        {
            yield return new ObjectEntry(item.Name, item.Properties.ContentLength ?? 0, item.Properties.LastModified ?? DateTimeOffset.MinValue);
        }
    }

    public override async Task DeleteAsync(string key, CancellationToken ct) => await container.DeleteBlobIfExistsAsync(key, cancellationToken: ct);

    public override async Task<ObjectListing> ListAsync(string prefix, CancellationToken ct)
    {
        var (objects, prefixes) = (new List<(string, long)>(), new List<string>());
        await foreach (var item in container.GetBlobsByHierarchyAsync(new GetBlobsByHierarchyOptions { Prefix = prefix, Delimiter = "/" }, ct))
        {
            if (item.IsPrefix)
            {
                prefixes.Add(item.Prefix);
            }
            else
            {
                objects.Add((item.Blob.Name, item.Blob.Properties.ContentLength ?? 0));
            }
        }
        return new ObjectListing(objects, prefixes);
    }

    public override async Task<bool> AnyUnderAsync(string prefix, CancellationToken ct)
    {
        await foreach (var _ in container.GetBlobsAsync(new GetBlobsOptions { Prefix = prefix }, ct))
        {
            return true;
        }
        return false;
    }

    public override GyreException? Unavailable(Exception e) => e switch
    {
        RequestFailedException { Status: 0 or 500 or 502 or 503 or 504 or 429 } or HttpRequestException or SocketException or IOException or AggregateException =>
            new GyreException(ErrorCode.Unavailable, $"the artifact store {Location} is unavailable ({Describe(e)}); retry", inner: e),
        _ => null,
    };

    public override void Dispose()
    {
        // The container client holds no connections of its own: the SDK's shared pipeline does.
    }
}
