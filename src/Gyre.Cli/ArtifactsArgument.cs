using System.CommandLine;
using Gyre.Storage;

namespace Gyre.Cli;

/// <summary><c>--artifacts URL</c> and <c>--cache-size</c>: where a server keeps its files, and how much of an object store's dataset files it keeps at hand.</summary>
internal sealed class ArtifactsArgument
{
    private readonly Option<string?> _url = new("--artifacts")
    {
        Description = "Keep run artifacts, model packages and dataset files in s3://BUCKET/PREFIX[?path_style=true&chunk_encoding=false&checksum=when_required], "
            + "azblob://CONTAINER/PREFIX or file:///PATH (default: $GYRE_ARTIFACTS, else the home's artifacts folder)",
    };

    private readonly Option<string?> _cacheSize = new("--cache-size")
    {
        Description = "The most disk the local cache of an object store's dataset files takes, e.g. 512MiB or 20GiB (default 10GiB)",
    };

    public void AddTo(Command command)
    {
        command.Options.Add(_url);
        command.Options.Add(_cacheSize);
    }

    public ArtifactStoreOptions Read(ParseResult parse) => new(
        parse.GetValue(_url) ?? ArtifactStoreOptions.FromEnvironment(),
        parse.GetValue(_cacheSize) is { } size ? ArtifactStoreOptions.ParseSize("--cache-size", size) : ArtifactStoreOptions.DefaultCacheBytes);
}
