using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Gyre.Core.Data;
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
        command.Subcommands.Add(Versions());
        command.Subcommands.Add(Show());
        command.Subcommands.Add(Profile());
        command.Subcommands.Add(Validate());
        command.Subcommands.Add(Suggest());
        return command;
    }

    private static void Print(Printer printer, DatasetVersion v)
    {
        printer.Object(v,
            ("dataset", $"{v.Name}@{v.Version}"), ("digest", v.Digest), ("format", Printer.Wire(v.Format)), ("rows", v.Rows),
            ("size", $"{v.SizeBytes:N0} bytes"), ("status", v.Status), ("source", v.Source), ("created", Printer.Time(v.CreationTime)),
            ("columns", string.Join(", ", v.Columns.Select(c => $"{c.Name}: {Printer.Wire(c.Type)}{(c.Nullable ? "?" : "")}"))));
    }

    private static Command Add()
    {
        var file = new Argument<FileInfo>("file") { Description = "A .csv or .parquet file" };
        var name = new Option<string>("--name") { Required = true, Description = "The dataset's name" };
        var format = new Option<string?>("--format") { Description = "csv or parquet (default: from the file's extension)" };
        var source = new Option<string?>("--source") { Description = "Where the data came from (default: the file's path)" };
        var command = new Command("add", "Add a file as a dataset version; the same content again gives the existing version") { file, name, format, source };
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
            await using var stream = path.OpenRead();
            Print(printer, await client.Datasets.AddAsync(parse.GetValue(name)!, stream, kind, parse.GetValue(source) ?? path.FullName, ct));
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
            var (name, version) = Reference(parse.GetValue(reference)!);
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
            var (name, version) = Reference(parse.GetValue(reference)!);
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
        var suiteFile = new Option<FileInfo>("--suite") { Required = true, Description = "A JSON suite: {\"constraints\": [{\"type\": \"is_complete\", \"column\": \"x\"}, ...]}" };
        var command = new Command("validate", "Check a suite of constraints against a version; exits 1 when an error constraint fails") { reference, suiteFile };
        command.WithClient(async (parse, client, printer, ct) =>
        {
            var (name, version) = Reference(parse.GetValue(reference)!);
            var file = parse.GetValue(suiteFile)!;
            if (!file.Exists)
            {
                throw GyreException.Invalid($"--suite: '{file.FullName}' does not exist");
            }
            ValidationSuite suite;
            try
            {
                suite = JsonSerializer.Deserialize<ValidationSuite>(await File.ReadAllTextAsync(file.FullName, ct), GyreJson.Options)
                    ?? throw GyreException.Invalid("--suite: the file holds no suite");
            }
            catch (JsonException e)
            {
                throw GyreException.Invalid($"--suite: not a suite at {e.Path ?? "$"}: {e.Message.Split('.')[0]}");
            }
            var report = await client.Datasets.ValidateAsync(name, version, suite, ct);
            printer.List(report.Results, report, "The suite has no constraints.",
                ("#", r => r.Index), ("CONSTRAINT", r => r.Type), ("COLUMN", r => r.Column), ("LEVEL", r => Printer.Wire(r.Severity)),
                ("OBSERVED", r => r.Observed), ("EXPECTED", r => r.Expectation), ("RESULT", r => r.Passed ? "passed" : "FAILED"));
            if (report.Status == "failed")
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
            var (name, version) = Reference(parse.GetValue(reference)!);
            var suite = await client.Datasets.SuggestSuiteAsync(name, version, ct);
            // Always JSON: the output is meant to be saved and passed to `gyre data validate --suite`.
            Console.Out.WriteLine(JsonSerializer.Serialize(suite, Indented));
        });
        return command;
    }

    /// <summary>NAME, NAME@latest (null version) or NAME@N.</summary>
    private static (string Name, long? Version) Reference(string text)
    {
        var at = text.LastIndexOf('@');
        if (at < 0 || text[(at + 1)..] == "latest")
        {
            return (at < 0 ? text : text[..at], null);
        }
        return long.TryParse(text[(at + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0
            ? (text[..at], n)
            : throw GyreException.Invalid($"dataset: expected NAME@VERSION with a positive number, got '{text}'");
    }
}
