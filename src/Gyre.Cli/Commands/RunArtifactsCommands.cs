using System.CommandLine;
using Gyre.Core.Artifacts;
using Gyre.Core.Errors;
using Gyre.Core.Tracking;
using Spectre.Console;

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

    /// <summary>Files from this size up go straight to the server's object store when it offers that (--direct auto).</summary>
    private const long DirectThreshold = 64L << 20;

    private static Command Upload()
    {
        var id = new Argument<string>("run-id");
        var file = new Argument<FileInfo>("file") { Description = "The local file to upload" };
        var path = new Option<string?>("--path") { Description = "The artifact path (default: the file's name)" };
        var direct = new Option<string>("--direct")
        {
            DefaultValueFactory = _ => "auto",
            Description = "Send the file straight to the server's object store over pre-signed URLs: auto (files of 64 MiB or more, when the server's store offers it), always, or never",
        };
        direct.AcceptOnlyFromAmong("auto", "always", "never");
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
            var mode = parse.GetValue(direct);
            ArtifactInfo? info = null;
            var how = "through the server";
            if (mode == "always" || mode == "auto" && source.Length >= DirectThreshold)
            {
                try
                {
                    info = await WithProgressAsync(printer, source.Length, sent => client.Runs.UploadArtifactDirectAsync(run, artifact, source, sent, ct));
                    how = "straight to the object store";
                }
                catch (GyreException e) when (e.Code == ErrorCode.NotImplemented && mode == "auto")
                {
                    // The server keeps artifacts on its own disk: the file goes through it.
                }
            }
            if (info is null)
            {
                await using var stream = source.OpenRead();
                info = await client.Runs.UploadArtifactAsync(run, artifact, stream, ct);
            }
            printer.Object(info, ("path", info.Path), ("size", info.FileSize), ("sent", how));
        });
        return command;
    }

    /// <summary>Runs an upload under a progress bar when a person is watching (a terminal, not --json).</summary>
    private static async Task<T> WithProgressAsync<T>(Printer printer, long size, Func<IProgress<long>?, Task<T>> upload)
    {
        if (printer.IsJson || Console.IsOutputRedirected)
        {
            return await upload(null);
        }
        T result = default!;
        await CliConsole.Out.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new TransferSpeedColumn(), new RemainingTimeColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask("uploading", maxValue: Math.Max(size, 1));
                result = await upload(new Sent(task));
            });
        return result;
    }

    /// <summary>Adds the bytes each part reports to the bar; parts report from several threads at once.</summary>
    private sealed class Sent(ProgressTask task) : IProgress<long>
    {
        public void Report(long value) => task.Increment(value);
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
