using System.CommandLine;
using Gyre.Storage;

namespace Gyre.Cli.Commands;

/// <summary><c>gyre migrate</c>: brings the metadata database's schema up to this Gyre's; safe to run from several places at once.</summary>
internal static class MigrateCommand
{
    public static Command Build()
    {
        var home = CliOptions.Home();
        var database = new DatabaseArguments();
        var command = new Command("migrate", "Apply pending schema migrations to the metadata database (--database, else the home's SQLite file)") { home };
        database.AddTo(command);
        command.WithoutClient(async (parse, printer, ct) =>
        {
            var options = database.Read(parse);
            using var storage = GyreStorage.Create(GyreHome.Resolve(parse.GetValue(home)), database: options);
            var before = await storage.SchemaVersionAsync(ct);
            await storage.MigrateAsync(ct);
            var after = await storage.SchemaVersionAsync(ct);
            printer.Done(before == after
                    ? $"The database {storage.DatabaseLocation} is at schema version {after}; nothing to apply."
                    : $"The database {storage.DatabaseLocation} went from schema version {before} to {after}.",
                new { database = storage.DatabaseLocation, from_version = before, to_version = after });
        }, json: true);
        return command;
    }
}
