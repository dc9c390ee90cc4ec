using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Gyre.Core.Data;
using Gyre.Core.Data.Schemas;
using Gyre.Core.Data.Validation;
using Gyre.Core.Errors;
using Gyre.Core.Json;

namespace Gyre.Cli.Commands;

/// <summary><c>gyre data add|list|versions|show|profile|validate</c>: content-addressed dataset versions, profiles and validation.</summary>
internal static class DataCommands
{
    private static readonly JsonSerializerOptions Indented = new(GyreJson.Options) { WriteIndented = true };

    public static Command Build()
    {
        var command = new Command("data", "Add and inspect dataset versions (CSV and Parquet)");
        command.Subcommands.Add(Add());
        command.Subcommands.Add(List());
        command.Subcommands.Add(Delete());
        command.Subcommands.Add(Versions());
        command.Subcommands.Add(Show());
        command.Subcommands.Add(Profile());
        command.Subcommands.Add(Validate());
        command.Subcommands.Add(Suggest());
        command.Subcommands.Add(DataSchemaCommands.Schema());
        command.Subcommands.Add(DataSchemaCommands.Check());
        command.Subcommands.Add(DataSplitCommands.Split());
        command.Subcommands.Add(DataSplitCommands.Splits());
        command.Subcommands.Add(DataSplitCommands.Reference());
        command.Subcommands.Add(DataDriftCommand.Build());
        command.Subcommands.Add(DataBiasCommand.Build());
        return command;
    }

    /// <summary>
    /// A version, then what a person must know about it: the malformed rows skipped, and its
    /// schema mismatches, which fail the command (exit 1) since nothing may train on the version.
    /// </summary>
    internal static void Print(Printer printer, DatasetVersion v)
    {
        printer.Object(v,
            ("dataset", $"{v.Name}@{v.Version}"), ("digest", v.Digest), ("format", Printer.Wire(v.Format)), ("rows", v.Rows),
            ("size", $"{v.SizeBytes:N0} bytes"), ("status", v.Status), ("source", v.Source), ("created", Printer.Time(v.CreationTime)),
            ("derived from", v.DerivedFrom is { } d ? $"{d.Part} part of {d.Split} of {d.Dataset}@{d.Version}" : null),
            ("skipped rows", v.SkippedRows is { Count: > 0 } s ? $"{s.Count:N0} malformed (first on line {s.Examples[0].Line}: {s.Examples[0].Error})" : null),
            ("columns", string.Join(", ", v.Columns.Select(c =>
                $"{c.Name}: {Printer.Wire(c.Type)}{(c.Nullable ? "?" : "")}{(c.Role == ColumnRole.Feature ? "" : $" ({Printer.Wire(c.Role)})")}"))));
        if (v.SchemaMismatches is { Count: > 0 } mismatches)
        {
            if (!printer.IsJson)
            {
                printer.List(mismatches, null, "",
                    ("COLUMN", m => m.Column), ("MISMATCH", m => m.Kind), ("EXPECTED", m => m.Expected), ("FOUND", m => m.Found));
            }
            throw GyreException.Conflict($"{v.Name}@{v.Version} does not match the declared schema ({mismatches.Count} mismatch(es)); the version is marked failed");
        }
    }

    private static Command Add()
    {
        var file = new Argument<FileInfo>("file") { Description = "A .csv or .parquet file" };
        var name = new Option<string>("--name") { Required = true, Description = "The dataset's name" };
        var format = new Option<string?>("--format") { Description = "csv or parquet (default: from the file's extension)" };
        var source = new Option<string?>("--source") { Description = "Where the data came from (default: the file's path)" };
        var schema = new Option<FileInfo?>("--schema") { Description = "A YAML schema file to declare for the dataset before adding" };
        var badRows = new Option<string>("--on-bad-rows") { Description = "fail (default) on a malformed CSV row, or skip malformed rows and count them", DefaultValueFactory = _ => "fail" };
        var direct = DirectOption.Create();
        var command = new Command("add", "Add a file as a dataset version; the same content again gives the existing version") { file, name, format, source, schema, badRows, direct };
        command.WithClient(async (parse, client, printer, ct) =>
        {
            var path = parse.GetValue(file)!;
            if (!path.Exists)
            {
                throw GyreException.Invalid($"file: '{path.FullName}' does not exist");
            }
            var kind = parse.GetValue(format)?.ToLowerInvariant() switch
            {
                null => DatasetFormats.FromFileName(path.Name),
                "csv" => DatasetFormat.Csv,
                "parquet" => DatasetFormat.Parquet,
                var other => throw GyreException.Invalid($"--format: expected csv or parquet, got '{other}'"),
            };
            var policy = parse.GetValue(badRows)!.ToLowerInvariant() switch
            {
                "fail" => BadRowPolicy.Fail,
                "skip" => BadRowPolicy.Skip,
                var other => throw GyreException.Invalid($"--on-bad-rows: expected fail or skip, got '{other}'"),
            };
            if (parse.GetValue(schema) is { } schemaFile)
            {
                await client.Datasets.SetSchemaAsync(parse.GetValue(name)!, await DataSchemaCommands.ReadFileAsync(schemaFile, "--schema", ct), ct);
            }
            var origin = parse.GetValue(source) ?? path.FullName;
            var version = await DirectOption.TryAsync(parse.GetValue(direct)!, path.Length, printer,
                sent => client.Datasets.AddDirectAsync(parse.GetValue(name)!, path, kind, origin, policy, sent, ct));
            if (version is null)
            {
                await using var stream = path.OpenRead();
                version = await client.Datasets.AddAsync(parse.GetValue(name)!, stream, kind, origin, policy, ct);
            }
            Print(printer, version);
        });
        return command;
    }

    private static Command List()
    {
        var command = new Command("list", "List datasets");
        command.WithClient(async (_, client, printer, ct) =>
        {
            var page = await client.Datasets.ListAsync(ct: ct);
            printer.List(page.Items, page, "No datasets. Add one with `gyre data add FILE --name NAME`.",
                ("NAME", d => d.Name), ("LATEST", d => d.LatestVersion), ("DIGEST", d => d.LatestDigest), ("CREATED", d => Printer.Time(d.CreationTime)));
        });
        return command;
    }

    private static Command Delete()
    {
        var name = new Argument<string>("name") { Description = "The dataset to delete, with all its versions" };
        var command = new Command("delete", "Delete a dataset and its versions (their files go when no other dataset holds the same content)") { name };
        command.WithClient(async (parse, client, printer, ct) =>
        {
            await client.Datasets.DeleteAsync(parse.GetValue(name)!, ct);
            printer.Done($"deleted dataset {parse.GetValue(name)}");
        });
        return command;
    }

    private static Command Versions()
    {
        var name = new Argument<string>("name");
        var command = new Command("versions", "List the versions of a dataset, newest first") { name };
        command.WithClient(async (parse, client, printer, ct) =>
        {
            var page = await client.Datasets.ListVersionsAsync(parse.GetValue(name)!, ct: ct);
            printer.List(page.Items, page, "No versions.",
                ("VERSION", v => v.Version), ("ROWS", v => v.Rows), ("COLUMNS", v => v.Columns.Count), ("DIGEST", v => v.Digest[..Math.Min(19, v.Digest.Length)]),
                ("CREATED", v => Printer.Time(v.CreationTime)));
        });
        return command;
    }

    private static Command Show()
    {
        var reference = new Argument<string>("dataset") { Description = "NAME, NAME@VERSION or NAME@latest" };
        var command = new Command("show", "Show a dataset version with its schema") { reference };
        command.WithClient(async (parse, client, printer, ct) =>
        {
            var (name, version) = DatasetReference.Parse(parse.GetValue(reference)!);
            Print(printer, await client.Datasets.GetVersionAsync(name, version, ct));
        });
        return command;
    }

    private static Command Profile()
    {
        var reference = new Argument<string>("dataset") { Description = "NAME, NAME@VERSION or NAME@latest" };
        var command = new Command("profile", "Show a version's profile: per-column counts, missing, distinct, statistics, top values") { reference };
        command.WithClient(async (parse, client, printer, ct) =>
        {
            var (name, version) = DatasetReference.Parse(parse.GetValue(reference)!);
            var profile = await client.Datasets.GetProfileAsync(name, version, ct);
            printer.List(profile.Columns, profile, "The dataset has no columns.",
                ("COLUMN", c => c.Name), ("TYPE", c => Printer.Wire(c.Type)), ("COUNT", c => c.Count), ("MISSING", c => c.Missing),
                ("DISTINCT", c => c.DistinctApproximate ? $"~{c.Distinct}" : c.Distinct.ToString(CultureInfo.InvariantCulture)),
                ("MIN", c => c.Min ?? (object?)c.First), ("MEAN", c => c.Mean), ("STD", c => c.Stddev), ("MAX", c => c.Max ?? (object?)c.Last),
                ("TOP", c => c.TopValues is { Count: > 0 } top ? $"{top[0].Value} ({top[0].Count})" : null));
            if (!printer.IsJson)
            {
                Console.Out.WriteLine($"{profile.Rows:N0} rows, {profile.DuplicateRows:N0} duplicate rows. STD is the sample standard deviation (n - 1).");
            }
        });
        return command;
    }

    private static Command Validate()
    {
        var reference = new Argument<string>("dataset") { Description = "NAME, NAME@VERSION or NAME@latest" };
        var suiteFile = new Option<FileInfo>("--suite") { Required = true, Description = "A suite, JSON or YAML: {constraints: [{type: is_complete, column: x}, ...]}" };
        var command = new Command("validate", "Check a suite of constraints against a version; exits 1 when an error constraint fails") { reference, suiteFile };
        command.WithClient(async (parse, client, printer, ct) =>
        {
            var (name, version) = DatasetReference.Parse(parse.GetValue(reference)!);
            var file = parse.GetValue(suiteFile)!;
            if (!file.Exists)
            {
                throw GyreException.Invalid($"--suite: '{file.FullName}' does not exist");
            }
            var suite = SuiteFiles.Parse(await File.ReadAllTextAsync(file.FullName, ct), file.Name, "--suite");
            var report = await client.Datasets.ValidateAsync(name, version, suite, ct);
            printer.List(report.Results, report, "The suite has no constraints.",
                ("#", r => r.Index), ("CONSTRAINT", r => r.Type), ("COLUMN", r => r.Column), ("LEVEL", r => Printer.Wire(r.Severity)),
                ("OBSERVED", r => r.Observed), ("EXPECTED", r => r.Expectation), ("RESULT", r => r.Passed ? "passed" : "FAILED"));
            if (report.Status == ValidationStatuses.Failed)
            {
                throw new GyreException(ErrorCode.Conflict,
                    $"validation failed: {report.Results.Count(r => !r.Passed && r.Severity == ConstraintSeverity.Error)} error constraint(s) failed; {name}@{report.Version} is marked failed");
            }
        });
        return command;
    }

    private static Command Suggest()
    {
        var reference = new Argument<string>("dataset") { Description = "NAME, NAME@VERSION or NAME@latest" };
        var command = new Command("suggest", "Propose a validation suite from a version's profile (Deequ's rules); prints JSON for --suite") { reference };
        command.WithClient(async (parse, client, _, ct) =>
        {
            var (name, version) = DatasetReference.Parse(parse.GetValue(reference)!);
            var suite = await client.Datasets.SuggestSuiteAsync(name, version, ct);
            // Always JSON: the output is meant to be saved and passed to `gyre data validate --suite`.
            Console.Out.WriteLine(JsonSerializer.Serialize(suite, Indented));
        });
        return command;
    }
}
