using System.CommandLine;
using Gyre.Core.Registry;
using Gyre.Core.Tracking;

namespace Gyre.Cli.Commands;

/// <summary>Model versions, aliases and lineage under <c>gyre models</c>.</summary>
internal static class ModelVersionsCommands
{
    internal static void Print(Printer printer, ModelVersion v) => printer.Object(v,
        ("name", v.Name), ("version", v.Version), ("status", Printer.Wire(v.Status)), ("source", v.Source), ("run_id", v.RunId),
        ("aliases", string.Join(", ", v.Aliases)), ("description", v.Description),
        ("gate", GateLine(v)),
        ("tags", string.Join(", ", v.Tags.Where(t => !t.Key.StartsWith("gyre.gate", StringComparison.Ordinal)).Select(t => $"{t.Key}={t.Value}"))),
        ("created", Printer.Time(v.CreationTime)));

    /// <summary>The stored gate verdict in one line: passed or failed, and the reasons of what failed.</summary>
    private static string? GateLine(ModelVersion v)
    {
        var json = v.Tags.FirstOrDefault(t => t.Key == Core.Learning.Gate.ModelGate.VerdictJsonTag)?.Value;
        if (json is null)
        {
            return null;
        }
        var verdict = System.Text.Json.JsonSerializer.Deserialize<Core.Learning.Gate.GateVerdict>(json, Core.Json.GyreJson.Options)!;
        var failed = verdict.Checks.Where(c => !c.Passed).Select(c => c.Reason).ToList();
        return verdict.Passed
            ? $"passed against {(verdict.Baseline is { } b ? $"version {b}" : "no baseline")} on {verdict.TestDataset}: {string.Join("; ", verdict.Checks.Select(c => c.Reason))}"
            : $"FAILED: {string.Join("; ", failed)}";
    }

    public static Command Gate()
    {
        var reference = new Argument<string>("model") { Description = "NAME/VERSION of the candidate" };
        var metric = new Option<string>("--metric") { Required = true, Description = "The metric compared, e.g. auc or rmse" };
        var threshold = new Option<double?>("--threshold") { Description = "The value the candidate must reach" };
        var absolute = new Option<double?>("--min-absolute-change") { Description = "How much the candidate must beat the baseline by" };
        var relative = new Option<double?>("--min-relative-change") { Description = "The same, as a fraction of the baseline's value" };
        var baseline = new Option<string?>("--baseline") { Description = "The alias of the baseline (default champion)" };
        var dataset = new Option<string?>("--dataset") { Description = "Test data NAME@VERSION (default: the candidate's own test part)" };
        var slice = new Option<string?>("--slice") { Description = "A column whose every slice must not get worse" };
        var drop = new Option<double?>("--max-slice-drop") { Description = "How much worse a slice may get" };
        var maxDppl = new Option<double?>("--max-abs-dppl") { Description = "Fairness: the largest difference in predicted favourable proportions between a group of the sensitive column and the others" };
        var minDi = new Option<double?>("--min-disparate-impact") { Description = "Fairness: the smallest disparate impact allowed (0.8 is the four-fifths rule)" };
        var sensitive = new Option<string?>("--sensitive") { Description = "With a fairness bound: the column whose groups are compared (default: the column with role sensitive)" };
        var favourable = new Option<string?>("--favourable") { Description = "With a fairness bound: the favourable class (default: a binary model's positive class)" };
        var command = new Command("gate", "Compare a version with the champion on the same test data; exits 1 when it fails")
        {
            reference, metric, threshold, absolute, relative, baseline, dataset, slice, drop, maxDppl, minDi, sensitive, favourable,
        };
        command.WithClient(async (parse, client, printer, ct) =>
        {
            var version = await client.Models.ResolveAsync(parse.GetValue(reference)!, ct);
            var (data, dataVersion) = parse.GetValue(dataset) is { } d ? DatasetReference.Parse(d) : (null, null);
            var request = new Core.Learning.Gate.GateRequest(
                [new Core.Learning.Gate.MetricThreshold(parse.GetValue(metric), parse.GetValue(threshold), parse.GetValue(absolute), parse.GetValue(relative))],
                data, dataVersion, null, parse.GetValue(baseline), parse.GetValue(slice), parse.GetValue(drop),
                parse.GetValue(maxDppl) is null && parse.GetValue(minDi) is null && parse.GetValue(sensitive) is null && parse.GetValue(favourable) is null ? null
                    : new Core.Learning.Gate.BiasBounds(parse.GetValue(sensitive), parse.GetValue(favourable), parse.GetValue(maxDppl), parse.GetValue(minDi)));
            var verdict = await client.Models.GateAsync(version.Name, version.Version, request, ct);
            printer.List(verdict.Checks, verdict, "No check applied.",
                ("CHECK", c => c.Check), ("METRIC", c => c.Metric), ("CANDIDATE", c => GateValue(c.Value)), ("BASELINE", c => c.Against is { } a ? GateValue(a) : ""),
                ("RESULT", c => c.Passed ? "passed" : "FAILED"));
            if (!printer.IsJson && verdict.CandidateBias is { } bias)
            {
                Console.Out.WriteLine($"Bias of {verdict.Model}/{verdict.Candidate} by {bias.Sensitive} (favourable {bias.Label} = {bias.Favourable}), each group against the others:");
                printer.List(bias.Facets, null, "", ("GROUP", f => f.Facet), ("ROWS", f => f.Rows),
                    ("PREDICTED FAVOURABLE", f => Printer.Number(f.PredictedPositiveShare, 4)), ("OTHERS", f => Printer.Number(f.OtherPredictedPositiveShare, 4)),
                    ("DPPL", f => Printer.Number(f.Posttraining?.Dppl, 4)), ("DI", f => Printer.Number(f.Posttraining?.Di, 4)),
                    ("DCACC", f => Printer.Number(f.Posttraining?.Dcacc, 4)), ("RD", f => Printer.Number(f.Posttraining?.Rd, 4)),
                    ("AD", f => Printer.Number(f.Posttraining?.Ad, 4)), ("TE", f => Printer.Number(f.Posttraining?.Te, 4)));
            }
            if (!verdict.Passed)
            {
                throw Core.Errors.GyreException.Conflict($"{verdict.Model}/{verdict.Candidate} failed the gate: {string.Join("; ", verdict.Checks.Where(c => !c.Passed).Select(c => c.Reason))}");
            }
        });
        return command;
    }

    private static string GateValue(double value) => value.ToString("0.######", System.Globalization.CultureInfo.InvariantCulture);

    public static Command Register()
    {
        var name = new Argument<string>("name");
        var run = new Option<string>("--run") { Required = true, Description = "The run whose artifact becomes the version" };
        var path = new Option<string>("--path") { Required = true, Description = "The artifact path inside the run" };
        var description = new Option<string?>("--description");
        var command = new Command("register", "Register a run's artifact as the next version of a model") { name, run, path, description };
        command.WithClient(async (parse, client, printer, ct) => Print(printer, await client.Models.CreateVersionAsync(
            parse.GetValue(name)!, new RunId(parse.GetValue(run)!), parse.GetValue(path)!, parse.GetValue(description), null, ct)));
        return command;
    }

    public static Command Import()
    {
        var file = new Argument<FileInfo>("file") { Description = "An .onnx model file" };
        var name = new Option<string>("--name") { Required = true, Description = "The registered model (created if needed)" };
        var task = new Option<string?>("--task") { Description = "binary, multiclass or regression" };
        var input = new Option<string?>("--feature-input") { Description = "The [batch, n] input that takes the features (default: the first)" };
        var features = new Option<string?>("--features") { Description = "The names of the feature columns, comma-separated, in the input's order" };
        var output = new Option<string?>("--output") { Description = "The output that is the prediction (default: the first)" };
        var meaning = new Option<string?>("--output-meaning") { Description = "probability, probabilities, score or value" };
        var classes = new Option<string?>("--classes") { Description = "The class labels, comma-separated, in the output's order" };
        var command = new Command("import", "Import an ONNX model as the next version; its signature is read from the graph")
        {
            file, name, task, input, features, output, meaning, classes,
        };
        command.WithClient(async (parse, client, printer, ct) =>
        {
            var path = parse.GetValue(file)!;
            if (!path.Exists)
            {
                throw Core.Errors.GyreException.Invalid($"file: '{path.FullName}' does not exist");
            }
            static List<string>? Split(string? text) => text is null ? null : [.. text.Split(',', StringSplitOptions.TrimEntries)];
            var options = new Core.Models.ImportOptions(parse.GetValue(task), parse.GetValue(input), Split(parse.GetValue(features)),
                parse.GetValue(output), parse.GetValue(meaning), Split(parse.GetValue(classes)));
            await using var stream = path.OpenRead();
            Print(printer, await client.Models.ImportOnnxAsync(parse.GetValue(name)!, stream, options, ct));
        });
        return command;
    }

    public static Command Upload()
    {
        var file = new Argument<FileInfo>("file") { Description = "A package archive (.zip with gyre-model.json and the model file), as `gyre models download` writes" };
        var name = new Option<string>("--name") { Required = true, Description = "The registered model (created if needed)" };
        var command = new Command("upload", "Register a package archive as the next version; its checksum and signature are checked by loading it") { file, name };
        command.WithClient(async (parse, client, printer, ct) =>
        {
            var path = parse.GetValue(file)!;
            if (!path.Exists)
            {
                throw Core.Errors.GyreException.Invalid($"file: '{path.FullName}' does not exist");
            }
            await using var stream = path.OpenRead();
            Print(printer, await client.Models.UploadPackageAsync(parse.GetValue(name)!, stream, ct));
        });
        return command;
    }

    public static Command Download()
    {
        var reference = new Argument<string>("model") { Description = "NAME/VERSION or NAME@ALIAS" };
        var output = new Option<FileInfo>("--output", "-o") { Required = true, Description = "The archive to write (.zip); an existing file is not overwritten" };
        var command = new Command("download", "Write a version's package (manifest and model file) as one zip archive") { reference, output };
        command.WithClient(async (parse, client, printer, ct) =>
        {
            var path = parse.GetValue(output)!;
            var version = await client.Models.ResolveAsync(parse.GetValue(reference)!, ct);
            if (path.Exists)
            {
                throw Core.Errors.GyreException.Invalid($"--output: '{path.FullName}' exists; choose another file");
            }
            var size = await Downloads.WriteAsync(path, stream => client.Models.DownloadPackageAsync(version.Name, version.Version, stream, ct));
            printer.Done($"Wrote {version.Name}/{version.Version} to {path.FullName} ({size} bytes)", new { path = path.FullName, name = version.Name, version = version.Version });
        });
        return command;
    }

    public static Command Package()
    {
        var reference = new Argument<string>("model") { Description = "NAME/VERSION or NAME@ALIAS" };
        var command = new Command("package", "Show a version's package: flavor, checksum, signature, task, features and output") { reference };
        command.WithClient(async (parse, client, printer, ct) =>
        {
            var version = await client.Models.ResolveAsync(parse.GetValue(reference)!, ct);
            var p = await client.Models.GetPackageAsync(version.Name, version.Version, ct);
            printer.Object(p, ("flavor", p.Flavor), ("file", p.ModelFile), ("checksum", p.Sha256), ("task", p.Task),
                ("inputs", string.Join("; ", p.Signature.Inputs.Select(t => $"{t.Name} {t.DataType} [{string.Join(", ", t.Shape)}]"))),
                ("outputs", string.Join("; ", p.Signature.Outputs.Select(t => $"{t.Name} {t.DataType} [{string.Join(", ", t.Shape)}]"))),
                ("features", string.Join(", ", p.FeatureColumns)), ("prediction", $"{p.Output} ({p.OutputMeaning ?? "unspecified"})"),
                ("classes", p.Classes is { } c ? string.Join(", ", c) : null));
        });
        return command;
    }

    public static Command Versions()
    {
        var name = new Argument<string>("name");
        var max = new Option<int>("--max-results") { DefaultValueFactory = _ => 100 };
        var command = new Command("versions", "List the versions of a model, newest first") { name, max };
        command.WithClient(async (parse, client, printer, ct) =>
        {
            var page = await client.Models.ListVersionsAsync(parse.GetValue(name)!, parse.GetValue(max), null, ct);
            printer.List(page.Items, page, "No versions yet. Register one with `gyre models register NAME --run RUN_ID --path PATH`.",
                ("VERSION", v => v.Version), ("STATUS", v => Printer.Wire(v.Status)), ("ALIASES", v => string.Join(", ", v.Aliases)), ("SOURCE", v => v.Source),
                ("CREATED", v => Printer.Time(v.CreationTime)));
        });
        return command;
    }

    public static Command Version()
    {
        var reference = new Argument<string>("model") { Description = "NAME/VERSION or NAME@ALIAS" };
        var command = new Command("version", "Show one version, by number or alias") { reference };
        command.WithClient(async (parse, client, printer, ct) => Print(printer, await client.Models.ResolveAsync(parse.GetValue(reference)!, ct)));
        return command;
    }

    public static Command Alias()
    {
        var command = new Command("alias", "Set, show or delete an alias such as champion");
        var setName = new Argument<string>("name");
        var setAlias = new Argument<string>("alias");
        var setVersion = new Argument<long>("version");
        var set = new Command("set", "Point an alias at a version (atomic)") { setName, setAlias, setVersion };
        set.WithClient(async (parse, client, printer, ct) =>
            Print(printer, await client.Models.SetAliasAsync(parse.GetValue(setName)!, parse.GetValue(setAlias)!, parse.GetValue(setVersion), ct)));
        var delName = new Argument<string>("name");
        var delAlias = new Argument<string>("alias");
        var delete = new Command("delete", "Remove an alias") { delName, delAlias };
        delete.WithClient(async (parse, client, printer, ct) =>
        {
            await client.Models.DeleteAliasAsync(parse.GetValue(delName)!, parse.GetValue(delAlias)!, ct);
            printer.Done($"Alias {parse.GetValue(delAlias)} removed from {parse.GetValue(delName)}.");
        });
        command.Subcommands.Add(set);
        command.Subcommands.Add(delete);
        return command;
    }

    public static Command Lineage()
    {
        var reference = new Argument<string>("model") { Description = "NAME/VERSION or NAME@ALIAS" };
        var command = new Command("lineage", "Where a version came from: its run and the datasets that run read") { reference };
        command.WithClient(async (parse, client, printer, ct) =>
        {
            var version = await client.Models.ResolveAsync(parse.GetValue(reference)!, ct);
            var lineage = await client.Models.GetLineageAsync(version.Name, version.Version, ct);
            printer.Object(lineage,
                ("model", $"{version.Name}/{version.Version}"), ("source", version.Source),
                ("run", lineage.Run is { } r ? $"{r.RunId} ({r.RunName}, experiment {r.ExperimentId})" : "(the run was purged)"),
                ("params", lineage.Run is { } rp ? string.Join(", ", rp.Params.Select(p => $"{p.Key}={p.Value}")) : ""),
                ("datasets", string.Join(", ", lineage.Datasets.Select(d => $"{d.Name}@{d.Digest}{(d.Context is null ? "" : $" ({d.Context})")}"))));
        });
        return command;
    }
}
