using System.CommandLine;
using Gyre.Storage;

namespace Gyre.Cli;

/// <summary><c>--artifacts URL</c>: where a server keeps run artifacts and model packages.</summary>
internal sealed class ArtifactsArgument
{
    private readonly Option<string?> _url = new("--artifacts")
    {
        Description = "Keep run artifacts and model packages in s3://BUCKET/PREFIX[?path_style=true&chunk_encoding=false&checksum=when_required], "
            + "azblob://CONTAINER/PREFIX or file:///PATH (default: $GYRE_ARTIFACTS, else the home's artifacts folder)",
    };

    public void AddTo(Command command) => command.Options.Add(_url);

    public ArtifactStoreOptions Read(ParseResult parse) => new(parse.GetValue(_url) ?? ArtifactStoreOptions.FromEnvironment());
}
