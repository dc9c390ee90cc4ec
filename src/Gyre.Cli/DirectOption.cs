using System.CommandLine;
using Gyre.Core.Errors;
using Spectre.Console;

namespace Gyre.Cli;

/// <summary>
/// <c>--direct auto|always|never</c> on the commands that upload files: whether a file goes straight to
/// the server's object store over pre-signed URLs, under a progress bar when a person is watching,
/// or through the server. In auto, files of 64 MiB or more go straight when the server's store offers it.
/// </summary>
internal static class DirectOption
{
    /// <summary>Below this, a file goes through the server even in auto: a few requests more cost more than they save.</summary>
    public const long Threshold = 64L << 20;

    public static Option<string> Create()
    {
        var option = new Option<string>("--direct")
        {
            DefaultValueFactory = _ => "auto",
            Description = "Send the file straight to the server's object store over pre-signed URLs: auto (files of 64 MiB or more, when the server's store offers it), always, or never",
        };
        option.AcceptOnlyFromAmong("auto", "always", "never");
        return option;
    }

    /// <summary>The upload made straight to the store, or null when it should go through the server instead.</summary>
    public static async Task<T?> TryAsync<T>(string mode, long size, Printer printer, Func<IProgress<long>?, Task<T>> upload) where T : class
    {
        if (mode == "never" || mode == "auto" && size < Threshold)
        {
            return null;
        }
        try
        {
            return await WithProgressAsync(printer, size, upload);
        }
        catch (GyreException e) when (e.Code == ErrorCode.NotImplemented && mode == "auto")
        {
            return null; // the server keeps its files on its own disk
        }
    }

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

    /// <summary>Adds the bytes each part reports to the bar; parts report from several threads at once, which the task's own lock allows.</summary>
    private sealed class Sent(ProgressTask task) : IProgress<long>
    {
        public void Report(long value) => task.Increment(value);
    }
}
