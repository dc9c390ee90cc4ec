using Gyre.Core.Artifacts;
using Gyre.Core.Errors;
using Gyre.Storage.Artifacts;
using Gyre.Storage.Artifacts.Objects;

namespace Gyre.Storage;

/// <summary>
/// Where run artifacts and model packages live: the home's folder (the default, or any folder as
/// <c>file:///path</c>), an S3 bucket (<c>s3://bucket/prefix</c>) or an Azure Blob Storage container
/// (<c>azblob://container/prefix</c>). S3's endpoint, region and credentials come from the AWS SDK's
/// standard environment and profiles (<c>AWS_ENDPOINT_URL_S3</c>, <c>AWS_REGION</c>,
/// <c>AWS_ACCESS_KEY_ID</c>…), Azure's from <c>AZURE_STORAGE_CONNECTION_STRING</c>.
/// </summary>
/// <param name="Url">The store (<c>--artifacts</c>, <c>$GYRE_ARTIFACTS</c>); null for the home's folder.</param>
public sealed record ArtifactStoreOptions(string? Url = null)
{
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

    /// <summary>Opens the chosen store; a setting that cannot work is refused first, naming its option.</summary>
    internal IArtifactStore Open(GyreHome home)
    {
        GyreException.ThrowIfAny(Problems());
        if (Url is null)
        {
            return new FileSystemArtifactStore(home.ArtifactsPath);
        }
        var uri = new Uri(Url);
        var prefix = Uri.UnescapeDataString(uri.AbsolutePath).Trim('/');
        switch (uri.Scheme)
        {
            case "file":
                return new FileSystemArtifactStore(Uri.UnescapeDataString(uri.AbsolutePath));
            case "s3":
                var query = Query(uri).ToDictionary(q => q.Name, q => q.Value);
                var settings = new S3Settings(
                    PathStyle: query.GetValueOrDefault("path_style") == "true",
                    ChunkEncoding: query.GetValueOrDefault("chunk_encoding") != "false",
                    ChecksumsWhenRequired: query.GetValueOrDefault("checksum") == "when_required");
                return new ObjectArtifactStore(new S3Bucket(S3Bucket.Client(settings), uri.Host, settings), prefix);
            default:
                var container = AzureBlobBucket.Client(Environment.GetEnvironmentVariable("AZURE_STORAGE_CONNECTION_STRING")!, uri.Host);
                return new ObjectArtifactStore(new AzureBlobBucket(container), prefix);
        }
    }

    private static IEnumerable<(string Name, string Value)> Query(Uri uri) =>
        uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair => pair.Split('=', 2))
            .Select(parts => (Uri.UnescapeDataString(parts[0]), parts.Length > 1 ? Uri.UnescapeDataString(parts[1]) : ""));
}
