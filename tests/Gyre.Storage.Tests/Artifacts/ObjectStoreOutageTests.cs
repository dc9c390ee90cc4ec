using Amazon.Runtime;
using Gyre.Core.Artifacts;
using Gyre.Core.Errors;
using Gyre.Storage.Artifacts.Objects;

namespace Gyre.Storage.Tests.Artifacts;

/// <summary>An object store that cannot be reached while a server runs: each call is a 503 naming the store, never a 500.</summary>
public sealed class ObjectStoreOutageTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    private static readonly S3Settings Settings = new(PathStyle: true, ChunkEncoding: false, ChecksumsWhenRequired: true);

    public static TheoryData<string> Stores => ["s3", "azblob"];

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task EveryCall_OnAStoreThatCannotBeReached_IsUnavailable_NamingTheStore(string kind)
    {
        // Port 9 (discard) is closed on loopback: connections are refused at once.
        using ObjectBucket bucket = kind == "s3"
            ? new S3Bucket(S3Bucket.Client(Settings, new BasicAWSCredentials("k", "s"), "http://127.0.0.1:9"), "away", Settings)
            : new AzureBlobBucket(AzureBlobBucket.Client(
                "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=a2V5;BlobEndpoint=http://127.0.0.1:9/devstoreaccount1;", "away"));
        var store = new ObjectArtifactStore(bucket, "gyre");
        var calls = new Func<Task>[]
        {
            () => store.WriteAsync("r", ArtifactPath.Parse("x.txt"), new MemoryStream([1, 2, 3]), 10, None),
            () => store.OpenReadAsync("r", ArtifactPath.Parse("x.txt"), None),
            () => store.ListAsync("r", ArtifactPath.Parse("", allowEmpty: true), None),
            () => store.ExistsAsync("r", ArtifactPath.Parse("x.txt"), None),
            () => store.DeleteRootAsync("r", None),
        };
        foreach (var call in calls)
        {
            var error = await Assert.ThrowsAsync<GyreException>(call);
            Assert.Equal(ErrorCode.Unavailable, error.Code);
            Assert.Contains($"the artifact store {kind}://away is unavailable", error.Message, StringComparison.Ordinal);
        }
    }
}
