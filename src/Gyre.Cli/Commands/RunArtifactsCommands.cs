using System.CommandLine;
using Gyre.Core.Errors;
using Gyre.Core.Tracking;

namespace Gyre.Cli.Commands;

/// <summary><c>gyre runs artifacts upload|download|list</c>.</summary>
internal static class RunArtifactsCommands
{
    public static Command Build()
    {
        var command = new Command("artifacts", "Upload, download and list a run's artifacts");
        command.Subcommands.Add(Upload());
        command.Subcommands.Add(Download());
        command.Subcommands.Add(List());
        return command;
    }

    private static Command Upload()
    {
        var id = new Argument<string>("run-id");
        var file = new Argument<FileInfo>("file") { Description = "The local file to upload" };
        var path = new Option<string?>("--path") { Description = "The artifact path (default: the file's name)" };
        var direct = DirectOption.Create();
        var command = new Command("upload", "Upload a file as an artifact of a run") { id, file, path, direct };
        command.WithClient(async (parse, client, printer, ct) =>
        {
            var source = parse.GetValue(file)!;
            if (!source.Exists)
            {
                throw GyreException.Invalid($"file: '{source.FullName}' does not exist");
            }
            var run = new RunId(parse.GetValue(id)!);
            var artifact = parse.GetValue(path) ?? source.Name;
            var info = await DirectOption.TryAsync(parse.GetValue(direct)!, source.Length, printer,
                sent => client.Runs.UploadArtifactDirectAsync(run, artifact, source, sent, ct));
            var how = info is null ? "through the server" : "straight to the object store";
            if (info is null)
            {
                await using var stream = source.OpenRead();
                info = await client.Runs.UploadArtifactAsync(run, artifact, stream, ct);
            }
            printer.Object(info, ("path", info.Path), ("size", info.FileSize), ("sent", how));
        });
        return command;
    }

    private static Command Download()
    {
        var id = new Argument<string>("run-id");
        var path = new Argument<string>("path") { Description = "The artifact path" };
        var output = new Option<FileInfo?>("--output", "-o") { Description = "Where to write it (default: the artifact's file name here)" };
        var command = new Command("download", "Download one artifact of a run") { id, path, output };
        command.WithClient(async (parse, client, printer, ct) =>
        {
            var artifact = parse.GetValue(path)!;
            var name = artifact.TrimEnd('/').Split('/')[^1];
            if (name.Length == 0)
            {
                throw GyreException.Invalid($"path: expected the path of a file, got '{artifact}'");
            }
            var target = parse.GetValue(output) ?? new FileInfo(name);
            await using var stream = await client.Runs.DownloadArtifactAsync(new RunId(parse.GetValue(id)!), artifact, ct);
            var size = await Downloads.WriteAsync(target, file => stream.CopyToAsync(file, ct));
            printer.Done($"Wrote {target.FullName} ({size} bytes).", new { path = target.FullName, size });
        });
        return command;
    }

    private static Command List()
    {
        var id = new Argument<string>("run-id");
        var path = new Option<string?>("--path") { Description = "A directory inside the run's artifacts" };
        var command = new Command("list", "List a run's artifacts") { id, path };
        command.WithClient(async (parse, client, printer, ct) =>
        {
            var listing = await client.Runs.ListArtifactsAsync(new RunId(parse.GetValue(id)!), parse.GetValue(path), ct);
            printer.List(listing.Files, listing, "No artifacts.", ("PATH", f => f.Path + (f.IsDir ? "/" : "")), ("SIZE", f => f.FileSize));
        });
        return command;
    }
}
