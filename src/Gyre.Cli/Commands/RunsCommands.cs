using System.CommandLine;
using System.Globalization;
using Gyre.Core.Api;
using Gyre.Core.Errors;
using Gyre.Core.Tracking;

namespace Gyre.Cli.Commands;

/// <summary><c>gyre runs create|show|search|log|end|delete|restore|metric|inputs|artifacts</c>.</summary>
internal static class RunsCommands
{
    public static Command Build()
    {
        var command = new Command("runs", "Create, log to, search and manage runs");
        command.Subcommands.Add(Create());
        command.Subcommands.Add(Show());
        command.Subcommands.Add(Search());
        command.Subcommands.Add(Log());
        command.Subcommands.Add(End());
        command.Subcommands.Add(Delete());
        command.Subcommands.Add(Restore());
        command.Subcommands.Add(MetricHistory());
        command.Subcommands.Add(Input());
        command.Subcommands.Add(RunArtifactsCommands.Build());
        return command;
    }

    internal static void Print(Printer printer, Run r) => printer.Object(r,
        ("run_id", r.RunId), ("name", r.RunName), ("experiment_id", r.ExperimentId), ("status", Printer.Wire(r.Status)),
        ("started", Printer.Time(r.StartTime)), ("ended", Printer.Time(r.EndTime)), ("lifecycle_stage", Printer.Wire(r.LifecycleStage)),
        ("parent_run_id", r.ParentRunId), ("artifact_uri", r.ArtifactUri),
        ("params", string.Join(", ", r.Params.Select(p => $"{p.Key}={p.Value}"))),
        ("metrics", string.Join(", ", r.Metrics.Select(m => $"{m.Key}={m.Value.ToString("G6", CultureInfo.InvariantCulture)}"))),
        ("tags", string.Join(", ", r.Tags.Select(t => $"{t.Key}={t.Value}"))),
        ("inputs", string.Join(", ", r.Inputs.Select(i => $"{i.Name}@{i.Digest[..Math.Min(12, i.Digest.Length)]}{(i.Context is null ? "" : $" ({i.Context})")}"))));

    private static Command Create()
    {
        var experiment = new Option<string>("--experiment", "-e") { Description = "The experiment, by id or name", DefaultValueFactory = _ => "0" };
        var name = new Option<string?>("--name") { Description = "The run's name (default: generated)" };
        var parent = new Option<string?>("--parent") { Description = "The parent run id, for a nested run" };
        var tags = new Option<string[]>("--tag") { Description = "A tag KEY=VALUE (repeatable)" };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "Print the run id alone, for scripts: run=$(gyre runs create -q)" };
        var command = new Command("create", "Start a run") { experiment, name, parent, tags, quiet };
        command.WithClient(async (parse, client, printer, ct) =>
        {
            var run = await client.Runs.CreateAsync(await ExperimentAsync(client, parse.GetValue(experiment)!, ct), parse.GetValue(name),
                parse.GetValue(parent) is { } p ? new RunId(p) : null,
                KeyValues.Parse(parse.GetValue(tags), "--tag").Select(kv => new Tag(kv.Key, kv.Value)).ToList(), ct);
            if (parse.GetValue(quiet))
            {
                Console.Out.WriteLine(run.RunId.Value);
                return;
            }
            Print(printer, run);
        });
        return command;
    }

    private static Command Show()
    {
        var id = new Argument<string>("run-id");
        var command = new Command("show", "Show a run with its params, latest metrics, tags and inputs") { id };
        command.WithClient(async (parse, client, printer, ct) => Print(printer, await client.Runs.GetAsync(new RunId(parse.GetValue(id)!), ct)));
        return command;
    }

    private static Command Search()
    {
        var experiments = new Option<string[]>("--experiment", "-e") { Description = "Experiments to search, by id or name (repeatable; default 0)" };
        var filter = new Option<string?>("--filter") { Description = "e.g. \"metrics.rmse < 1 AND (params.model = 'LR' OR tags.team = 'a')\"" };
        var orderBy = new Option<string[]>("--order-by") { Description = "e.g. \"metrics.rmse DESC\" (repeatable)" };
        var view = new Option<ViewType>("--view") { DefaultValueFactory = _ => ViewType.ActiveOnly, CustomParser = ViewTypes.Parse, Description = "active_only, deleted_only or all" };
        var max = new Option<int>("--max-results") { DefaultValueFactory = _ => 100 };
        var page = new Option<string?>("--page-token");
        var command = new Command("search", "Search runs with the filter language") { experiments, filter, orderBy, view, max, page };
        command.Aliases.Add("list");
        command.WithClient(async (parse, client, printer, ct) =>
        {
            var ids = new List<ExperimentId>();
            foreach (var given in parse.GetValue(experiments) is { Length: > 0 } named ? named : ["0"])
            {
                ids.Add(await ExperimentAsync(client, given, ct));
            }
            var result = await client.Runs.SearchAsync(new SearchRunsRequest(
                ids, parse.GetValue(filter), parse.GetValue(view), parse.GetValue(orderBy), parse.GetValue(max), parse.GetValue(page)), ct);
            printer.List(result.Items, result, "No runs match.",
                ("RUN ID", r => r.RunId), ("NAME", r => r.RunName), ("STATUS", r => Printer.Wire(r.Status)), ("STARTED", r => Printer.Time(r.StartTime)),
                ("METRICS", r => string.Join(", ", r.Metrics.Take(4).Select(m => $"{m.Key}={m.Value.ToString("G4", CultureInfo.InvariantCulture)}"))));
            if (!printer.IsJson && result.NextPageToken is not null)
            {
                Console.Out.WriteLine($"More: --page-token {result.NextPageToken}");
            }
        });
        return command;
    }

    private static Command Log()
    {
        var id = new Argument<string>("run-id");
        var metrics = new Option<string[]>("--metric", "-m") { Description = "KEY=VALUE[@STEP] (repeatable; VALUE may be NaN, Infinity, -Infinity)" };
        var parameters = new Option<string[]>("--param", "-p") { Description = "KEY=VALUE (repeatable; params are write-once)" };
        var tags = new Option<string[]>("--tag", "-t") { Description = "KEY=VALUE (repeatable)" };
        var command = new Command("log", "Log metrics, params and tags to a run in one batch") { id, metrics, parameters, tags };
        command.WithClient(async (parse, client, printer, ct) =>
        {
            var points = KeyValues.Parse(parse.GetValue(metrics), "--metric").Select(kv => ParseMetric(kv.Key, kv.Value)).ToList();
            var ps = KeyValues.Parse(parse.GetValue(parameters), "--param").Select(kv => new Param(kv.Key, kv.Value)).ToList();
            var ts = KeyValues.Parse(parse.GetValue(tags), "--tag").Select(kv => new Tag(kv.Key, kv.Value)).ToList();
            if (points.Count + ps.Count + ts.Count == 0)
            {
                throw GyreException.Invalid("nothing to log: give --metric, --param or --tag");
            }
            await client.Runs.LogBatchAsync(new RunId(parse.GetValue(id)!), points, ps, ts, ct);
            printer.Done($"Logged {points.Count} metric(s), {ps.Count} param(s), {ts.Count} tag(s).");
        });
        return command;
    }

    private static MetricInput ParseMetric(string key, string text)
    {
        var at = text.LastIndexOf('@');
        var valueText = at >= 0 ? text[..at] : text;
        long step = 0;
        if (at >= 0 && !long.TryParse(text[(at + 1)..], NumberStyles.Integer, CultureInfo.InvariantCulture, out step))
        {
            throw GyreException.Invalid($"--metric: expected an integer step after '@' in '{key}={text}'");
        }
        if (!double.TryParse(valueText, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
        {
            throw GyreException.Invalid($"--metric: expected a number for '{key}', got '{valueText}'");
        }
        return new MetricInput(key, value, step);
    }

    private static Command End()
    {
        var id = new Argument<string>("run-id");
        var status = new Option<string>("--status") { DefaultValueFactory = _ => "FINISHED", Description = "FINISHED, FAILED or KILLED" };
        var command = new Command("end", "End a run with a terminal status") { id, status };
        command.WithClient(async (parse, client, printer, ct) =>
        {
            var text = parse.GetValue(status)!;
            if (!RunStatuses.TryParse(text, out var parsed) || !parsed.IsTerminal())
            {
                throw GyreException.Invalid($"--status: expected FINISHED, FAILED or KILLED, got '{text}'");
            }
            Print(printer, await client.Runs.EndAsync(new RunId(parse.GetValue(id)!), parsed, ct));
        });
        return command;
    }

    private static Command Delete()
    {
        var id = new Argument<string>("run-id");
        var permanent = new Option<bool>("--permanent") { Description = "Purge an already deleted run and its artifacts (admin)" };
        var command = new Command("delete", "Delete a run (restorable unless --permanent)") { id, permanent };
        command.WithClient(async (parse, client, printer, ct) =>
        {
            await client.Runs.DeleteAsync(new RunId(parse.GetValue(id)!), parse.GetValue(permanent), ct);
            printer.Done($"Run {parse.GetValue(id)} deleted{(parse.GetValue(permanent) ? " permanently" : "")}.");
        });
        return command;
    }

    private static Command Restore()
    {
        var id = new Argument<string>("run-id");
        var command = new Command("restore", "Restore a deleted run") { id };
        command.WithClient(async (parse, client, printer, ct) => Print(printer, await client.Runs.RestoreAsync(new RunId(parse.GetValue(id)!), ct)));
        return command;
    }

    private static Command MetricHistory()
    {
        var id = new Argument<string>("run-id");
        var key = new Argument<string>("key");
        var command = new Command("metric", "Show every point of one metric, in step order") { id, key };
        command.WithClient(async (parse, client, printer, ct) =>
        {
            var points = await client.Runs.GetMetricHistoryAsync(new RunId(parse.GetValue(id)!), parse.GetValue(key)!, ct);
            printer.List(points, new MetricHistory(parse.GetValue(key)!, points), "No points logged for this metric.",
                ("STEP", m => m.Step), ("VALUE", m => m.Value), ("TIME", m => Printer.Time(m.Timestamp)));
        });
        return command;
    }

    private static Command Input()
    {
        var id = new Argument<string>("run-id");
        var name = new Option<string>("--name") { Required = true, Description = "The dataset's name" };
        var digest = new Option<string>("--digest") { Required = true, Description = "The digest of the dataset's content" };
        var source = new Option<string?>("--source") { Description = "Where the data came from" };
        var context = new Option<string?>("--context") { Description = "How the run used it, e.g. train or eval" };
        var command = new Command("input", "Record a dataset that a run read") { id, name, digest, source, context };
        command.WithClient(async (parse, client, printer, ct) =>
        {
            await client.Runs.LogInputsAsync(new RunId(parse.GetValue(id)!),
                [new DatasetInput(parse.GetValue(name)!, parse.GetValue(digest)!, parse.GetValue(source), parse.GetValue(context))], ct);
            printer.Done("Dataset input recorded.");
        });
        return command;
    }

    /// <summary>An experiment named by its id (digits) or its name.</summary>
    internal static async Task<ExperimentId> ExperimentAsync(Gyre.Client.GyreClient client, string idOrName, CancellationToken ct) =>
        idOrName.All(char.IsAsciiDigit) ? new ExperimentId(idOrName) : (await client.Experiments.GetByNameAsync(idOrName, ct)).ExperimentId;
}
