using System.CommandLine;
using Gyre.Core.Data.Schemas;
using Gyre.Core.Errors;

namespace Gyre.Cli.Commands;

/// <summary><c>gyre data schema set|show|delete</c> and <c>gyre data check</c>: declared schemas and the comparison of versions with them.</summary>
internal static class DataSchemaCommands
{
    public static Command Schema()
    {
        var command = new Command("schema", "Declare a dataset's column types and roles (feature, label, id, timestamp, sensitive, ignore) in a YAML file");
        command.Subcommands.Add(Set());
        command.Subcommands.Add(Show());
        command.Subcommands.Add(Delete());
        return command;
    }

    /// <summary>A text file's content, or an invalid_argument naming the option when it does not exist.</summary>
    public static async Task<string> ReadFileAsync(FileInfo file, string option, CancellationToken ct) =>
        file.Exists ? await File.ReadAllTextAsync(file.FullName, ct) : throw GyreException.Invalid($"{option}: '{file.FullName}' does not exist");

    private static Command Set()
    {
        var name = new Argument<string>("name") { Description = "The dataset's name (it need not have versions yet)" };
        var file = new Argument<FileInfo>("file") { Description = "A YAML schema: columns: {churned: {role: label, type: boolean}, ...}" };
        var command = new Command("set", "Declare the schema; versions added from now on are checked against it") { name, file };
        command.WithClient(async (parse, client, printer, ct) =>
        {
            var schema = await client.Datasets.SetSchemaAsync(parse.GetValue(name)!, await ReadFileAsync(parse.GetValue(file)!, "file", ct), ct);
            Print(printer, schema);
        });
        return command;
    }

    private static Command Show()
    {
        var name = new Argument<string>("name");
        var command = new Command("show", "Show a dataset's declared schema") { name };
        command.WithClient(async (parse, client, printer, ct) => Print(printer, await client.Datasets.GetSchemaAsync(parse.GetValue(name)!, ct)));
        return command;
    }

    private static Command Delete()
    {
        var name = new Argument<string>("name");
        var command = new Command("delete", "Remove a dataset's declared schema") { name };
        command.WithClient(async (parse, client, printer, ct) =>
        {
            await client.Datasets.DeleteSchemaAsync(parse.GetValue(name)!, ct);
            printer.Done($"Removed the schema of {parse.GetValue(name)}.");
        });
        return command;
    }

    public static Command Check()
    {
        var reference = new Argument<string>("dataset") { Description = "NAME, NAME@VERSION or NAME@latest" };
        var command = new Command("check", "Compare a version with the declared schema as it is now; exits 1 on a mismatch") { reference };
        command.WithClient(async (parse, client, printer, ct) =>
        {
            var (name, version) = DatasetReference.Parse(parse.GetValue(reference)!);
            DataCommands.Print(printer, await client.Datasets.CheckSchemaAsync(name, version, ct));
        });
        return command;
    }

    private static void Print(Printer printer, DatasetSchema schema) =>
        printer.List(schema.Columns.ToList(), schema, "The schema declares no columns.",
            ("COLUMN", c => c.Key), ("TYPE", c => c.Value.Type is { } t ? Printer.Wire(t) : "(inferred)"),
            ("ROLE", c => Printer.Wire(c.Value.Role ?? ColumnRole.Feature)),
            ("NULLABLE", c => c.Value.Nullable is { } n ? (n ? "yes" : "no") : ""),
            ("VALUES", c => c.Value.Values is { } v ? string.Join(", ", v) : ""));
}
