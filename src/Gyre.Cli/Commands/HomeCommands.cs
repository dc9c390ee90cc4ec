using System.CommandLine;
using Gyre.Storage;
using Spectre.Console;

namespace Gyre.Cli.Commands;

/// <summary><c>gyre home move</c>: carries a home's metadata into PostgreSQL, leaving the home as it was.</summary>
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
        var to = new Option<string>("--to")
        {
            Required = true,
            Description = "The empty PostgreSQL database to move the metadata into, postgresql://USER@HOST:PORT/DB",
        };
        var passwordFile = new Option<string?>("--database-password-file") { Description = "A file holding the database password, when the URL has none (else $PGPASSWORD)" };
        var command = new Command("move", "Copy the home's metadata into an empty PostgreSQL database (in one transaction; safe to run again), then compare every table. "
            + "Artifacts, datasets and the prediction log stay in the home: start servers with --home and --database") { home, to, passwordFile };
        command.WithoutClient(async (parse, printer, ct) =>
        {
            var target = new DatabaseOptions(parse.GetValue(to), PasswordFile: parse.GetValue(passwordFile));
            var folder = GyreHome.Resolve(parse.GetValue(home));
            var (alreadyMoved, tables) = await HomeMover.MoveAsync(folder, target, ct);
            var mismatched = tables.Where(t => !t.Matches).Select(t => t.Table).ToList();
            if (printer.IsJson)
            {
                printer.Done("", new
                {
                    home = folder.Root,
                    database = target.Describe(folder),
                    already_moved = alreadyMoved,
                    tables = tables.Select(t => new { table = t.Table, home_rows = t.HomeRows, database_rows = t.DatabaseRows, digest = t.HomeDigest, matches = t.Matches }),
                });
            }
            else
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
                        + $"Start servers with --home {folder.Root} --database {target.Describe(folder)}; the home's files are used from where they are.");
            }
            if (mismatched.Count > 0)
            {
                throw Core.Errors.GyreException.Conflict($"the copy differs from the home in {string.Join(", ", mismatched)}");
            }
        }, json: true);
        return command;
    }
}
