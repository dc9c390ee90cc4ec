using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Gyre.Core.Errors;

namespace Gyre.Storage.Artifacts.Objects;

/// <summary>
/// An S3 bucket (or an S3-compatible store's) through AWSSDK.S3. An upload that fits in one part is
/// one PutObject carrying its digest as metadata. A larger one streams part by part into a multipart
/// upload (<see cref="PartPipeline"/>: two parts on their way while the next is read), and its digest, known only at the end (S3 takes an
/// object's metadata when the upload begins), is then tagged on the object together with the ETag
/// the upload produced: a reader trusts the tag only for that ETag, so a concurrent upload of the
/// same key can never pair its bytes with another's digest. An upload that fails is aborted and
/// leaves nothing.
/// </summary>
internal sealed class S3Bucket(IAmazonS3 client, string bucket, S3Settings settings) : ObjectBucket
{
    /// <summary>
    /// The part size: S3 takes parts of 5 MiB to 5 GiB (the last one may be smaller) and at most
    /// 10,000 of them, so one artifact sent through the server holds up to 78 GiB; with
    /// <see cref="PartPipeline.InFlight"/> parts on their way and one being read, an upload holds 24 MiB.
    /// </summary>
    public const int PartSize = 8 << 20;

    /// <summary>The tag that names the ETag a multipart object's digest tag belongs to.</summary>
    private const string EtagTag = "sha256-etag";

    public override string Location => $"s3://{bucket}";

    /// <summary>
    /// A client configured from the SDK's environment (endpoint, region, credentials) and the URL's
    /// settings. Its retries are bounded so that a store that is away is a 503 within a couple of
    /// seconds rather than after the SDK's longer default backoff; throttling is retried within them.
    /// </summary>
    public static AmazonS3Client Client(S3Settings settings, AWSCredentials? credentials = null, string? serviceUrl = null)
    {
        var config = new AmazonS3Config
        {
            ForcePathStyle = settings.PathStyle,
            RetryMode = RequestRetryMode.Standard,
            MaxErrorRetry = 3,
            Timeout = TimeSpan.FromSeconds(100),
        };
        if (serviceUrl is not null)
        {
            config.ServiceURL = serviceUrl;
        }
        if (settings.ChecksumsWhenRequired)
        {
            config.RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED;
            config.ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED;
        }
        return credentials is null ? new AmazonS3Client(config) : new AmazonS3Client(credentials, config);
    }

    public override async Task EnsureExistsAsync(CancellationToken ct)
    {
        try
        {
            // A listing needs only the permission Gyre needs anyway; creating is tried only when the bucket is missing.
            await client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, MaxKeys = 1 }, ct);
        }
        catch (AmazonS3Exception e) when (e.ErrorCode == "NoSuchBucket")
        {
            try
            {
                await client.PutBucketAsync(new PutBucketRequest { BucketName = bucket }, ct);
            }
            catch (AmazonS3Exception created) when (created.ErrorCode is "BucketAlreadyOwnedByYou" or "BucketAlreadyExists")
            {
                // made meanwhile by another process
            }
            catch (Exception other) when (other is not OperationCanceledException)
            {
                throw new GyreException(ErrorCode.Unavailable, $"--artifacts: the bucket {Location} does not exist and cannot be created ({Describe(other)})", inner: other);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new GyreException(ErrorCode.Unavailable, $"--artifacts: the bucket {Location} cannot be reached ({Describe(e)})", inner: e);
        }
    }

    public override async Task PutAsync(string key, DigestingStream content, CancellationToken ct)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(PartSize);
        var filled = await content.FillAsync(buffer.AsMemory(0, PartSize), ct);
        if (filled < PartSize)
        {
            try
            {
                var put = new PutObjectRequest
                {
                    BucketName = bucket,
                    Key = key,
                    InputStream = new MemoryStream(buffer, 0, filled, writable: false),
                    AutoCloseStream = false,
                    UseChunkEncoding = settings.ChunkEncoding,
                };
                put.Metadata.Add(DigestKey, content.Digest); // the fill met the end, which gave the digest
                await client.PutObjectAsync(put, ct);
                return;
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
        var etag = await UploadPartsAsync(key, content, buffer, filled, ct);
        await RecordDigestAsync(key, content.Digest, etag, ct);
    }

    /// <summary>Streams the content into a multipart upload at <paramref name="key"/>, whose first part is in the buffer (which this takes); returns the object's ETag.</summary>
    private async Task<string> UploadPartsAsync(string key, DigestingStream content, byte[] buffer, int filled, CancellationToken ct)
    {
        InitiateMultipartUploadResponse upload;
        try
        {
            upload = await client.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = bucket, Key = key }, ct);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
        try
        {
            var parts = await PartPipeline.SendAsync(content, buffer, filled, PartSize, async (number, part, token) =>
            {
                var sent = await client.UploadPartAsync(new UploadPartRequest
                {
                    BucketName = bucket,
                    Key = key,
                    UploadId = upload.UploadId,
                    PartNumber = number,
                    PartSize = part.Count,
                    InputStream = Bytes(part),
                    UseChunkEncoding = settings.ChunkEncoding,
                }, token);
                return new PartETag(number, sent.ETag);
            }, ct);
            var done = await client.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
            {
                BucketName = bucket,
                Key = key,
                UploadId = upload.UploadId,
                PartETags = [.. parts],
            }, ct);
            return Unquoted(done.ETag);
        }
        catch
        {
            await AbortAsync(key, upload.UploadId);
            throw;
        }
    }

    /// <summary>
    /// Gives up an upload's parts. Best effort: the failure that brought us here is what the caller
    /// must hear, and some S3-compatible stores (s3rver) do not implement aborting; a bucket lifecycle
    /// rule (AbortIncompleteMultipartUpload) removes whatever is left.
    /// </summary>
    private async Task AbortAsync(string key, string uploadId)
    {
        try
        {
            await client.AbortMultipartUploadAsync(bucket, key, uploadId, CancellationToken.None);
        }
        catch (AmazonServiceException)
        {
            // the original failure stands
        }
        catch (HttpRequestException)
        {
            // the original failure stands
        }
    }

    private static string Unquoted(string etag) => etag.Trim('"');

    private static DateTimeOffset Utc(DateTime? time) => time is { } t ? new DateTimeOffset(t.ToUniversalTime(), TimeSpan.Zero) : DateTimeOffset.MinValue;

    public override async Task<(string UploadId, IReadOnlyList<string> Urls)> BeginDirectAsync(string key, int parts, DateTimeOffset expires, CancellationToken ct)
    {
        var upload = await client.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = bucket, Key = key }, ct);
        var urls = new List<string>(parts);
        for (var number = 1; number <= parts; number++)
        {
            urls.Add(await client.GetPreSignedURLAsync(new GetPreSignedUrlRequest
            {
                BucketName = bucket,
                Key = key,
                Verb = HttpVerb.PUT,
                UploadId = upload.UploadId,
                PartNumber = number,
                Expires = expires.UtcDateTime,
                Protocol = Protocol,
            }));
        }
        return (upload.UploadId, urls);
    }

    /// <summary>The scheme of the store's endpoint: a local S3-compatible store often speaks plain HTTP, and a pre-signed URL must say so.</summary>
    private Protocol Protocol =>
        (client.Config.ServiceURL ?? Environment.GetEnvironmentVariable("AWS_ENDPOINT_URL_S3") ?? Environment.GetEnvironmentVariable("AWS_ENDPOINT_URL"))
            ?.StartsWith("http://", StringComparison.OrdinalIgnoreCase) == true ? Protocol.HTTP : Protocol.HTTPS;

    public override async Task CommitDirectAsync(string key, string uploadId, IReadOnlyList<Core.Artifacts.UploadedPart> parts, CancellationToken ct)
    {
        if (parts.FirstOrDefault(p => string.IsNullOrEmpty(p.ETag)) is { } missing)
        {
            throw GyreException.Invalid($"parts: part {missing.Number} has no etag; send the ETag header S3 answered for each part");
        }
        try
        {
            await client.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
            {
                BucketName = bucket,
                Key = key,
                UploadId = uploadId,
                PartETags = [.. parts.Select(p => new PartETag(p.Number, p.ETag))],
            }, ct);
        }
        catch (AmazonS3Exception e) when (e.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.NotFound)
        {
            throw GyreException.Invalid($"parts: the store refused to complete the upload ({Describe(e)}); send every part before completing, with the ETag it answered");
        }
    }

    /// <summary>Tags a multipart object with its digest and the ETag it was computed for.</summary>
    private Task RecordDigestAsync(string key, string digest, string committed, CancellationToken ct) =>
        client.PutObjectTaggingAsync(new PutObjectTaggingRequest
        {
            BucketName = bucket,
            Key = key,
            Tagging = new Tagging { TagSet = [new Tag { Key = DigestKey, Value = digest }, new Tag { Key = EtagTag, Value = committed }] },
        }, ct);

    public override Task AbortDirectAsync(string key, string uploadId, CancellationToken ct) => AbortAsync(key, uploadId);

    public override async Task<StoredObject?> GetAsync(string key, CancellationToken ct)
    {
        try
        {
            var response = await client.GetObjectAsync(bucket, key, ct);
            return new StoredObject(response.ResponseStream, response.ContentLength, await DigestAsync(key, response.Metadata[DigestKey], response.ETag, ct));
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    public override async Task<ObjectHead?> HeadAsync(string key, CancellationToken ct)
    {
        try
        {
            var head = await client.GetObjectMetadataAsync(bucket, key, ct);
            return new ObjectHead(head.ContentLength, Utc(head.LastModified), await DigestAsync(key, head.Metadata[DigestKey], head.ETag, ct), head.ETag);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>The digest in the object's metadata (a single put), else its tag, trusted only for the ETag it names (a multipart upload).</summary>
    private async Task<string?> DigestAsync(string key, string? metadataDigest, string etag, CancellationToken ct)
    {
        if (!string.IsNullOrEmpty(metadataDigest))
        {
            return metadataDigest;
        }
        var tags = (await client.GetObjectTaggingAsync(new GetObjectTaggingRequest { BucketName = bucket, Key = key }, ct)).Tagging ?? [];
        var digest = tags.Find(t => t.Key == EtagTag)?.Value == Unquoted(etag) ? tags.Find(t => t.Key == DigestKey)?.Value : null;
        return string.IsNullOrEmpty(digest) ? null : digest;
    }

    public override async Task<Stream?> OpenAsync(string key, long offset, CancellationToken ct, string? ifMatch = null)
    {
        try
        {
            var request = new GetObjectRequest { BucketName = bucket, Key = key, EtagToMatch = ifMatch };
            if (offset > 0)
            {
                request.ByteRange = new ByteRange($"bytes={offset}-");
            }
            return (await client.GetObjectAsync(request, ct)).ResponseStream;
        }
        catch (AmazonS3Exception e) when (e.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.PreconditionFailed)
        {
            return null;
        }
    }

    public override async IAsyncEnumerable<ObjectEntry> ListAllAsync(string prefix, [EnumeratorCancellation] CancellationToken ct)
    {
        var request = new ListObjectsV2Request { BucketName = bucket, Prefix = prefix };
        ListObjectsV2Response page;
        do
        {
            page = await client.ListObjectsV2Async(request, ct);
            foreach (var o in page.S3Objects ?? [])
            {
                yield return new ObjectEntry(o.Key, o.Size ?? 0, Utc(o.LastModified));
            }
            request.ContinuationToken = page.NextContinuationToken;
        }
        while (page.IsTruncated == true);
    }

    public override async Task DeleteAsync(string key, CancellationToken ct) => await client.DeleteObjectAsync(bucket, key, ct);

    public override async Task<ObjectListing> ListAsync(string prefix, CancellationToken ct)
    {
        var (objects, prefixes) = (new List<(string, long)>(), new List<string>());
        var request = new ListObjectsV2Request { BucketName = bucket, Prefix = prefix, Delimiter = "/" };
        ListObjectsV2Response page;
        do
        {
            page = await client.ListObjectsV2Async(request, ct);
            objects.AddRange((page.S3Objects ?? []).Select(o => (o.Key, o.Size ?? 0)));
            prefixes.AddRange(page.CommonPrefixes ?? []);
            request.ContinuationToken = page.NextContinuationToken;
        }
        while (page.IsTruncated == true);
        return new ObjectListing(objects, prefixes);
    }

    public override async Task<bool> AnyUnderAsync(string prefix, CancellationToken ct)
    {
        var page = await client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, Prefix = prefix, MaxKeys = 1 }, ct);
        return page.S3Objects is { Count: > 0 };
    }

    /// <remarks>A thousand keys per call, as S3's batch delete takes them.</remarks>
    public override async Task DeleteUnderAsync(string prefix, CancellationToken ct)
    {
        var keys = new List<string>();
        await foreach (var entry in ListAllAsync(prefix, ct))
        {
            keys.Add(entry.Key);
        }
        foreach (var batch in keys.Chunk(1000))
        {
            await client.DeleteObjectsAsync(new DeleteObjectsRequest { BucketName = bucket, Objects = [.. batch.Select(k => new KeyVersion { Key = k })] }, ct);
        }
    }

    /// <remarks>A service error's own message is the store's answer; what it wraps is the SDK's HTTP plumbing.</remarks>
    protected override bool IsCause(Exception e) => e is AmazonServiceException;

    public override GyreException? Unavailable(Exception e) => e switch
    {
        AmazonServiceException { StatusCode: HttpStatusCode.ServiceUnavailable or HttpStatusCode.InternalServerError or HttpStatusCode.BadGateway
            or HttpStatusCode.GatewayTimeout or HttpStatusCode.TooManyRequests } or HttpRequestException or SocketException or IOException
            or AmazonClientException =>
            new GyreException(ErrorCode.Unavailable, $"the artifact store {Location} is unavailable ({Describe(e)}); retry", inner: e),
        _ => null,
    };

    /// <remarks>The SDK compares a downloaded object with its ETag's MD5 and says so in this one way.</remarks>
    public override bool IsCorruption(Exception e) =>
        e is AmazonClientException && e.Message.Contains("hash not equal to calculated hash", StringComparison.OrdinalIgnoreCase);

    public override void Dispose() => client.Dispose();
}

/// <summary>What an S3-compatible store may need that S3 itself does not (URL query parameters).</summary>
/// <param name="PathStyle">Address the bucket in the path (<c>host/bucket/key</c>) rather than the host name (<c>path_style=true</c>).</param>
/// <param name="ChunkEncoding">Send bodies in aws-chunked encoding (<c>chunk_encoding=false</c> turns it off, for stores that keep the chunk signatures in the object).</param>
/// <param name="ChecksumsWhenRequired">Compute and validate checksums only when an operation requires them (<c>checksum=when_required</c>, for stores without S3's newer checksums).</param>
internal sealed record S3Settings(bool PathStyle, bool ChunkEncoding, bool ChecksumsWhenRequired);
