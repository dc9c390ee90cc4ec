using System.CommandLine;
using Gyre.Storage;
using Spectre.Console;

namespace Gyre.Cli.Commands;

/// <summary><c>gyre home move</c>: carries a home's metadata into PostgreSQL and its files into an object store, leaving the home as it was.</summary>
internal static class HomeCommands
{
    public static Command Build()
    {
        var command = new Command("home", "Work on a Gyre home folder directly");
        command.Subcommands.Add(Move());
        return command;
    }

    private static Command Move()
    {
        var home = CliOptions.Home();
        var to = new Option<string?>("--to")
        {
            Description = "The empty PostgreSQL database to move the metadata into, postgresql://USER@HOST:PORT/DB",
        };
        var passwordFile = new Option<string?>("--database-password-file") { Description = "A file holding the database password, when the URL has none (else $PGPASSWORD)" };
        var artifactsTo = new Option<string?>("--artifacts-to")
        {
            Description = "The object store to copy the home's files into, s3://BUCKET/PREFIX[?…] or azblob://CONTAINER/PREFIX; every copy is read back and checked, then the home uses the store",
        };
        var command = new Command("move", "Copy the home's metadata into an empty PostgreSQL database (--to: in one transaction; safe to run again, then every table compared), "
            + "and/or its files into an object store (--artifacts-to). Nothing is deleted from the home") { home, to, passwordFile, artifactsTo };
        command.WithoutClient(async (parse, printer, ct) =>
        {
            var folder = GyreHome.Resolve(parse.GetValue(home));
            if (parse.GetValue(to) is null && parse.GetValue(artifactsTo) is null)
            {
                throw Core.Errors.GyreException.Invalid("home move: give --to (a PostgreSQL database), --artifacts-to (an object store), or both");
            }
            // One JSON object: the metadata move's fields at the top (as before there were files to move), the files' under "files".
            var json = new Dictionary<string, object?> { ["home"] = folder.Root };
            if (parse.GetValue(to) is { } database)
            {
                var metadata = await MoveMetadataAsync(folder, new DatabaseOptions(database, PasswordFile: parse.GetValue(passwordFile)), printer,
                    filesMoveToo: parse.GetValue(artifactsTo) is not null, ct);
                foreach (var (key, value) in metadata)
                {
                    json[key] = value;
                }
            }
            if (parse.GetValue(artifactsTo) is { } store)
            {
                var report = await HomeFilesMover.MoveAsync(folder, new ArtifactStoreOptions(store), ct);
                if (!printer.IsJson)
                {
                    Console.Out.WriteLine($"Copied to {report.Store} and read back, every SHA-256 the same: {(report.Kinds.Count == 0 ? "no files" : report.Summary)}. "
                        + "The home now uses the store; its artifacts folder is left as it was, and its datasets folder is the store's read cache from now on.");
                }
                json["files"] = new { store = report.Store, kinds = report.Kinds.Select(k => new { kind = k.Kind, files = k.Files, bytes = k.Bytes }) };
            }
            if (printer.IsJson)
            {
                printer.Done("", json);
            }
        }, json: true);
        return command;
    }

    private static async Task<Dictionary<string, object?>> MoveMetadataAsync(GyreHome folder, DatabaseOptions target, Printer printer, bool filesMoveToo, CancellationToken ct)
    {
        var (alreadyMoved, tables) = await HomeMover.MoveAsync(folder, target, ct);
        var mismatched = tables.Where(t => !t.Matches).Select(t => t.Table).ToList();
        if (!printer.IsJson)
        {
            var table = new Table().Border(TableBorder.Rounded).AddColumn("table").AddColumn("rows in the home", c => c.RightAligned())
                .AddColumn("rows in the database", c => c.RightAligned()).AddColumn("content");
            foreach (var t in tables)
            {
                table.AddRow(t.Table, t.HomeRows.ToString("N0", System.Globalization.CultureInfo.InvariantCulture),
                    t.DatabaseRows.ToString("N0", System.Globalization.CultureInfo.InvariantCulture), t.Matches ? $"same ({t.HomeDigest[..12]})" : "DIFFERS");
            }
            CliConsole.Out.Write(table);
            Console.Out.WriteLine(mismatched.Count > 0 ? ""
                : $"{(alreadyMoved ? "Already moved" : "Moved")}: {tables.Sum(t => t.HomeRows):N0} rows in {tables.Count} tables, every one the same on both sides. "
                    + $"Start servers with --home {folder.Root} --database {target.Describe(folder)}"
                    + (filesMoveToo ? "." : "; the home's files are used from where they are."));
        }
        if (mismatched.Count > 0)
        {
            throw Core.Errors.GyreException.Conflict($"the copy differs from the home in {string.Join(", ", mismatched)}");
        }
        return new()
        {
            ["database"] = target.Describe(folder),
            ["already_moved"] = alreadyMoved,
            ["tables"] = tables.Select(t => new { table = t.Table, home_rows = t.HomeRows, database_rows = t.DatabaseRows, digest = t.HomeDigest, matches = t.Matches }),
        };
    }
}
