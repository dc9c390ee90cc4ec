using Amazon.S3;
using Amazon.S3.Model;
using Azure.Storage.Blobs;
using Gyre.Tests.Shared;

namespace Gyre.Cli.Tests;

/// <summary>A test's own look into a bucket or container, through the stores' SDKs rather than Gyre.</summary>
internal static class BucketContents
{
    public static async Task PutAsync(string kind, string bucket, string key, string text)
    {
        if (kind == "s3")
        {
            using var client = new AmazonS3Client(new AmazonS3Config { ForcePathStyle = true });
            await client.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, ContentBody = text, UseChunkEncoding = false });
            return;
        }
        await new BlobContainerClient(TestObjectStores.RequireAzure(), bucket).GetBlobClient(key).UploadAsync(BinaryData.FromString(text));
    }

    public static async Task<List<string>> KeysAsync(string kind, string bucket)
    {
        if (kind == "s3")
        {
            using var client = new AmazonS3Client(new AmazonS3Config { ForcePathStyle = true });
            return [.. (await client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket })).S3Objects.Select(o => o.Key)];
        }
        var keys = new List<string>();
        await foreach (var blob in new BlobContainerClient(TestObjectStores.RequireAzure(), bucket).GetBlobsAsync())
        {
            keys.Add(blob.Name);
        }
        return keys;
    }
}
