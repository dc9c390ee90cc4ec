using System.CommandLine;
using System.Globalization;
using Gyre.Storage;
using Spectre.Console;

namespace Gyre.Cli.Commands;

/// <summary><c>gyre gc</c>: removes files in the artifact store that no metadata names any more, older than a grace period, and says what it removed.</summary>
internal static class GcCommand
{
    private const double MaxGraceHours = 87_600;

    public static Command Build()
    {
        var home = CliOptions.Home();
        var database = new DatabaseArguments();
        var artifacts = new ArtifactsArgument();
        var grace = new Option<double>("--grace-hours")
        {
            DefaultValueFactory = _ => 24,
            Description = "Keep unnamed files written within this many hours: an upload writes its file before the row that names it (default 24)",
        };
        var dryRun = new Option<bool>("--dry-run") { Description = "Say what would be removed, removing nothing" };
        var command = new Command("gc", "Remove run artifacts, step logs, step outputs and dataset contents that no run, pipeline run, lineage record or dataset version names") { home, grace, dryRun };
        database.AddTo(command);
        artifacts.AddTo(command);
        command.WithoutClient(async (parse, printer, ct) =>
        {
            var hours = parse.GetValue(grace);
            if (!(hours is >= 0 and <= MaxGraceHours))
            {
                throw Core.Errors.GyreException.Invalid($"--grace-hours: expected a number of hours from 0 to {MaxGraceHours} (ten years), got {hours.ToString(CultureInfo.InvariantCulture)}");
            }
            using var storage = await LocalStorage.OpenAsync(parse.GetValue(home), database.Read(parse), ct, artifacts.Read(parse));
            var report = await new StoreCollector(storage).CollectAsync(TimeSpan.FromHours(hours), parse.GetValue(dryRun), ct);
            var bytes = report.Removed.Sum(f => f.Size);
            var verb = report.DryRun ? "Would remove" : "Removed";
            if (!printer.IsJson && report.Removed.Count > 0)
            {
                var table = new Table().Border(TableBorder.Rounded).AddColumn("kind").AddColumn("file").AddColumn("bytes", c => c.RightAligned());
                foreach (var file in report.Removed)
                {
                    table.AddRow(file.Kind, Markup.Escape(file.Location), file.Size.ToString("N0", CultureInfo.InvariantCulture));
                }
                CliConsole.Out.Write(table);
            }
            printer.Done(
                string.Create(CultureInfo.InvariantCulture, $"{verb} {report.Removed.Count:N0} files ({bytes:N0} bytes) that nothing names; kept {report.KeptYoung:N0} written within the last {hours:0.##} hours."),
                new
                {
                    dry_run = report.DryRun,
                    removed = report.Removed.Select(f => new { kind = f.Kind, location = f.Location, size = f.Size }),
                    removed_bytes = bytes,
                    kept_young = report.KeptYoung,
                });
        }, json: true);
        return command;
    }
}
