using Gyre.Core.Artifacts;
using Gyre.Core.Data;
using Gyre.Core.Errors;
using Gyre.Storage.Artifacts;
using Gyre.Storage.Artifacts.Objects;
using Gyre.Storage.Data;

namespace Gyre.Storage;

/// <summary>
/// Where Gyre's files live — run artifacts, model packages and dataset files: the home's folders (the default, or any folder as
/// <c>file:///path</c>), an S3 bucket (<c>s3://bucket/prefix</c>) or an Azure Blob Storage container
/// (<c>azblob://container/prefix</c>). S3's endpoint, region and credentials come from the AWS SDK's
/// standard environment and profiles (<c>AWS_ENDPOINT_URL_S3</c>, <c>AWS_REGION</c>,
/// <c>AWS_ACCESS_KEY_ID</c>…), Azure's from <c>AZURE_STORAGE_CONNECTION_STRING</c>.
/// </summary>
/// <param name="Url">The store (<c>--artifacts</c>, <c>$GYRE_ARTIFACTS</c>); null for the one the home recorded when its files were moved, else its folder.</param>
/// <param name="CacheBytes">The most bytes of dataset files an object store's local read cache keeps (<c>--cache-size</c>).</param>
public sealed record ArtifactStoreOptions(string? Url = null, long CacheBytes = ArtifactStoreOptions.DefaultCacheBytes)
{
    /// <summary>10 GiB: a few large training sets, on a disk that holds the home anyway.</summary>
    public const long DefaultCacheBytes = 10L << 30;

    /// <summary>The URL's query parameters an S3 store takes, for what the SDK's environment has no variable for.</summary>
    private static readonly string[] S3Parameters = ["path_style", "chunk_encoding", "checksum"];

    public static string? FromEnvironment() => Environment.GetEnvironmentVariable("GYRE_ARTIFACTS") is { Length: > 0 } url ? url : null;

    /// <summary>Each setting that cannot work, named as the command line names it.</summary>
    public IReadOnlyList<string> Problems()
    {
        if (Url is null)
        {
            return [];
        }
        if (!Uri.TryCreate(Url, UriKind.Absolute, out var uri) || uri.Scheme is not ("file" or "s3" or "azblob"))
        {
            return [$"--artifacts: expected file:///PATH, s3://BUCKET/PREFIX or azblob://CONTAINER/PREFIX, got '{Url}'"];
        }
        var problems = new List<string>();
        if (CacheBytes < 1 << 20)
        {
            problems.Add($"--cache-size: expected at least 1MiB, got {CacheBytes} bytes");
        }
        if (uri.Scheme is "s3" or "azblob" && string.IsNullOrEmpty(uri.Host))
        {
            problems.Add($"--artifacts: '{Url}' names no {(uri.Scheme == "s3" ? "bucket" : "container")}");
        }
        foreach (var (name, value) in Query(uri))
        {
            if (uri.Scheme != "s3" || !S3Parameters.Contains(name))
            {
                problems.Add($"--artifacts: unknown setting '{name}' (an s3:// URL takes {string.Join(", ", S3Parameters)}; file:// and azblob:// take none)");
            }
            else if (name == "checksum" ? value is not ("when_required" or "when_supported") : value is not ("true" or "false"))
            {
                problems.Add($"--artifacts: {name} must be {(name == "checksum" ? "when_required or when_supported" : "true or false")}, got '{value}'");
            }
        }
        if (uri.Scheme == "azblob" && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("AZURE_STORAGE_CONNECTION_STRING")))
        {
            problems.Add("--artifacts: an azblob:// store needs $AZURE_STORAGE_CONNECTION_STRING");
        }
        return problems;
    }

    /// <summary>Opens the chosen stores; a setting that cannot work is refused first, naming its option.</summary>
    internal FileStores Open(GyreHome home)
    {
        if (Url is null && home.RecordedArtifactStore() is { } recorded)
        {
            // Moved by gyre home move --artifacts-to: the home's files are in that store now.
            return (this with { Url = recorded }).Open(home);
        }
        GyreException.ThrowIfAny(Problems());
        var local = new DatasetObjectStore(home.DatasetsPath);
        if (Url is null)
        {
            return new FileStores(new FileSystemArtifactStore(home.ArtifactsPath), local, null, Shared: false);
        }
        var uri = new Uri(Url);
        var prefix = Uri.UnescapeDataString(uri.AbsolutePath).Trim('/');
        ObjectBucket bucket;
        switch (uri.Scheme)
        {
            case "file":
                return new FileStores(new FileSystemArtifactStore(Uri.UnescapeDataString(uri.AbsolutePath)), local, null);
            case "s3":
                var query = Query(uri).ToDictionary(q => q.Name, q => q.Value);
                var settings = new S3Settings(
                    PathStyle: query.GetValueOrDefault("path_style") == "true",
                    ChunkEncoding: query.GetValueOrDefault("chunk_encoding") != "false",
                    ChecksumsWhenRequired: query.GetValueOrDefault("checksum") == "when_required");
                bucket = new S3Bucket(S3Bucket.Client(settings), uri.Host, settings);
                break;
            default:
                bucket = new AzureBlobBucket(AzureBlobBucket.Client(Environment.GetEnvironmentVariable("AZURE_STORAGE_CONNECTION_STRING")!, uri.Host));
                break;
        }
        // The home's dataset folder becomes the read cache of the store's dataset files.
        return new FileStores(new ObjectArtifactStore(bucket, prefix), new ObjectDatasetStore(bucket, prefix, local, CacheBytes), bucket);
    }

    /// <summary>Parses a size as <c>--cache-size</c> takes it: bytes, or a number with KiB, MiB, GiB or TiB.</summary>
    public static long ParseSize(string option, string text)
    {
        var units = new (string Suffix, long Factor)[] { ("TiB", 1L << 40), ("GiB", 1L << 30), ("MiB", 1L << 20), ("KiB", 1L << 10), ("B", 1) };
        var (number, factor) = units.FirstOrDefault(u => text.EndsWith(u.Suffix, StringComparison.Ordinal)) is { Suffix: not null } unit
            ? (text[..^unit.Suffix.Length], unit.Factor)
            : (text, 1L);
        return long.TryParse(number, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value) && value <= long.MaxValue / factor
            ? value * factor
            : throw GyreException.Invalid($"{option}: expected a size such as 512MiB, 10GiB or a number of bytes, got '{text}'");
    }

    private static IEnumerable<(string Name, string Value)> Query(Uri uri) =>
        uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair => pair.Split('=', 2))
            .Select(parts => (Uri.UnescapeDataString(parts[0]), parts.Length > 1 ? Uri.UnescapeDataString(parts[1]) : ""));
}

/// <summary>The stores of Gyre's files, as <see cref="ArtifactStoreOptions"/> chose them, and the object store's bucket when there is one.</summary>
/// <summary>The opened stores; <c>Shared</c> when the artifacts are somewhere other than the home's own folder (where other servers may read them).</summary>
internal sealed record FileStores(IArtifactStore Artifacts, IDatasetObjectStore Datasets, ObjectBucket? Bucket, bool Shared = true);
