using System.CommandLine;
using System.Globalization;
using Gyre.Cli.Output;
using Gyre.Client;
using Gyre.Core.Errors;
using Gyre.Core.Pipelines;
using Gyre.Core.Pipelines.Runs;

namespace Gyre.Cli.Commands;

/// <summary><c>gyre pipelines run|validate|create|list|runs|show|logs|cancel|resume|delete</c>: pipelines through the server.</summary>
internal static class PipelinesCommands
{
    public static Command Build()
    {
        var command = new Command("pipelines", "Run declarative ML pipelines (YAML), follow their runs, read step logs");
        command.Subcommands.Add(Run());
        command.Subcommands.Add(Validate());
        command.Subcommands.Add(Create());
        command.Subcommands.Add(List());
        command.Subcommands.Add(Runs());
        command.Subcommands.Add(Show());
        command.Subcommands.Add(Logs());
        command.Subcommands.Add(Cancel());
        command.Subcommands.Add(Resume());
        command.Subcommands.Add(Delete());
        return command;
    }

    private static Command Run()
    {
        var file = new Argument<FileInfo>("file") { Description = "The pipeline file (YAML)" };
        var parameters = new Option<string[]>("--param", "-p") { Description = "Set a declared parameter for this run: NAME=VALUE (repeatable)" };
        var noCache = new Option<bool>("--no-cache") { Description = "Run every step, even those whose inputs and parameters have not changed" };
        var detach = new Option<bool>("--detach", "-d") { Description = "Start the run and return at once, without following it" };
        var command = new Command("run", "Save the pipeline file on the server and run it, following its steps until it ends") { file, parameters, noCache, detach };
        command.WithClient(async (parse, client, printer, ct) =>
        {
            var saved = await SaveAsync(client, parse.GetValue(file)!, dryRun: false, ct);
            var values = KeyValues.Parse(parse.GetValue(parameters), "--param").ToDictionary(p => p.Key, p => p.Value);
            var run = await client.Pipelines.StartRunAsync(saved.Name, new StartRunRequest(values, parse.GetValue(noCache)), ct);
            await FinishAsync(client, printer, run, parse.GetValue(detach), ct);
        });
        return command;
    }

    private static Command Validate()
    {
        var file = new Argument<FileInfo>("file");
        var command = new Command("validate", "Check a pipeline file without saving or running it; every problem is listed with its line") { file };
        command.WithClient(async (parse, client, printer, ct) =>
        {
            var info = await SaveAsync(client, parse.GetValue(file)!, dryRun: true, ct);
            printer.Done($"{parse.GetValue(file)!.Name}: pipeline '{info.Name}' is valid ({info.Steps.Count} steps)", info);
        });
        return command;
    }

    private static Command Create()
    {
        var file = new Argument<FileInfo>("file");
        var command = new Command("create", "Save (or update) a pipeline file on the server without running it; its triggers start watching") { file };
        command.WithClient(async (parse, client, printer, ct) => Print(printer, await SaveAsync(client, parse.GetValue(file)!, dryRun: false, ct)));
        return command;
    }

    private static Command List()
    {
        var command = new Command("list", "List the pipelines the server knows");
        command.WithClient(async (parse, client, printer, ct) =>
        {
            var page = await client.Pipelines.ListAsync(ct);
            printer.List(page.Items, page, "No pipelines yet. Run one with `gyre pipelines run FILE` (see examples/).",
                ("NAME", p => p.Name), ("STEPS", p => p.Steps.Count), ("TRIGGERS", p => Triggers(p)), ("CONCURRENCY", p => p.Concurrency),
                ("UPDATED", p => Printer.Time(p.LastUpdateTime)));
        });
        return command;
    }

    private static Command Runs()
    {
        var name = new Argument<string?>("pipeline") { Arity = ArgumentArity.ZeroOrOne, Description = "Only this pipeline's runs" };
        var max = new Option<int>("--max-results") { DefaultValueFactory = _ => 50 };
        var command = new Command("runs", "List pipeline runs, newest first") { name, max };
        command.WithClient(async (parse, client, printer, ct) =>
        {
            var page = await client.Pipelines.ListRunsAsync(parse.GetValue(name), parse.GetValue(max), ct);
            printer.List(page.Items, page, "No runs yet. Start one with `gyre pipelines run FILE`.",
                ("RUN", r => r.Id), ("PIPELINE", r => r.Pipeline), ("STATE", r => r.State), ("TRIGGER", r => Trigger(r.Trigger)),
                ("STEPS", r => Counts(r)), ("STARTED", r => Printer.Time(r.StartTime ?? r.CreationTime)), ("ERROR", r => r.Error));
        });
        return command;
    }

    private static Command Show()
    {
        var target = new Argument<string>("target") { Description = "A run number, or a pipeline's name" };
        var command = new Command("show", "Show a run with its steps, or a pipeline") { target };
        command.WithClient(async (parse, client, printer, ct) =>
        {
            var text = parse.GetValue(target)!;
            if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            {
                PrintRun(printer, await client.Pipelines.GetRunAsync(id, ct));
            }
            else
            {
                Print(printer, await client.Pipelines.GetAsync(text, ct));
            }
        });
        return command;
    }

    private static Command Logs()
    {
        var run = new Argument<long>("run");
        var step = new Argument<string?>("step") { Arity = ArgumentArity.ZeroOrOne, Description = "One step's log (default: every step's, in order)" };
        var command = new Command("logs", "Print the logs of a run's steps") { run, step };
        command.WithClient(async (parse, client, printer, ct) =>
        {
            var id = parse.GetValue(run);
            var steps = parse.GetValue(step) is { } one ? [one] : (await client.Pipelines.GetRunAsync(id, ct)).Steps.Select(s => s.Id).ToList();
            foreach (var s in steps)
            {
                var text = await client.Pipelines.GetLogsAsync(id, s, ct);
                if (steps.Count > 1)
                {
                    Console.Out.WriteLine($"==> {s} <==");
                }
                Console.Out.Write(text);
            }
        });
        return command;
    }

    private static Command Cancel()
    {
        var run = new Argument<long>("run");
        var command = new Command("cancel", "Cancel a queued or running run (a running command is killed)") { run };
        command.WithClient(async (parse, client, printer, ct) => PrintRun(printer, await client.Pipelines.CancelRunAsync(parse.GetValue(run), ct)));
        return command;
    }

    private static Command Resume()
    {
        var run = new Argument<long>("run");
        var detach = new Option<bool>("--detach", "-d") { Description = "Return at once, without following the run" };
        var command = new Command("resume", "Continue an interrupted, failed or cancelled run from its last finished step") { run, detach };
        command.WithClient(async (parse, client, printer, ct) =>
            await FinishAsync(client, printer, await client.Pipelines.ResumeRunAsync(parse.GetValue(run), ct), parse.GetValue(detach), ct));
        return command;
    }

    private static Command Delete()
    {
        var name = new Argument<string>("name");
        var command = new Command("delete", "Forget a pipeline (its runs and lineage are kept)") { name };
        command.WithClient(async (parse, client, printer, ct) =>
        {
            await client.Pipelines.DeleteAsync(parse.GetValue(name)!, ct);
            printer.Done($"Deleted pipeline {parse.GetValue(name)}");
        });
        return command;
    }

    private static async Task<PipelineInfo> SaveAsync(GyreClient client, FileInfo file, bool dryRun, CancellationToken ct)
    {
        if (!file.Exists)
        {
            throw GyreException.Invalid($"file: '{file.FullName}' does not exist");
        }
        return await client.Pipelines.SaveAsync(await File.ReadAllTextAsync(file.FullName, ct), file.DirectoryName, dryRun, ct);
    }

    /// <summary>Follows the run (unless detached) and fails the command when the run did not succeed.</summary>
    private static async Task FinishAsync(GyreClient client, Printer printer, PipelineRun run, bool detach, CancellationToken ct)
    {
        if (detach)
        {
            printer.Done($"Started run {run.Id} of {run.Pipeline} ({run.State}); follow it with `gyre pipelines show {run.Id}`", run);
            return;
        }
        run = await RunDisplay.FollowAsync(client, run, quiet: printer.IsJson, ct);
        if (printer.IsJson)
        {
            printer.Done("", run);
        }
        else
        {
            Console.Out.WriteLine($"run {run.Id} {run.State} ({Counts(run)})");
        }
        if (run.State != RunStates.Succeeded)
        {
            throw new GyreException(ErrorCode.Conflict, $"run {run.Id} of {run.Pipeline} {run.State}: {run.Error}; see `gyre pipelines logs {run.Id}`");
        }
    }

    private static void Print(Printer printer, PipelineInfo info) =>
        printer.Object(info, ("name", info.Name), ("description", info.Description), ("steps", string.Join(", ", info.Steps.Select(s => $"{s.Id} ({s.Uses})"))),
            ("triggers", Triggers(info)), ("skipped firings", info.TriggerState.Skipped), ("concurrency", info.Concurrency),
            ("max parallel", info.MaxParallel), ("directory", info.Directory), ("digest", info.Digest), ("updated", Printer.Time(info.LastUpdateTime)));

    private static void PrintRun(Printer printer, PipelineRun run)
    {
        if (printer.IsJson)
        {
            printer.Done("", run);
            return;
        }
        printer.Object(run, ("run", run.Id), ("pipeline", run.Pipeline), ("state", run.State), ("trigger", Trigger(run.Trigger)),
            ("params", string.Join(", ", run.Params.Select(p => $"{p.Key}={p.Value}"))), ("attempt", run.Attempt),
            ("started", Printer.Time(run.StartTime)), ("ended", Printer.Time(run.EndTime)), ("error", run.Error));
        printer.List(run.Steps, null, "", ("STEP", s => s.Id), ("USES", s => s.Uses), ("STATE", s => $"{RunDisplay.Symbol(s.State)} {s.State}"),
            ("TRIES", s => s.Attempts), ("TIME", RunDisplay.Duration), ("DETAIL", RunDisplay.Detail));
    }

    private static string Triggers(PipelineInfo info) => string.Join(", ", new[]
    {
        info.Triggers.Schedule is { } s ? $"schedule '{s}'" : null,
        info.Triggers.Dataset is { } d ? $"dataset {d}" : null,
        info.Triggers.FeedbackEndpoint is { } e ? $"{info.Triggers.FeedbackCount} feedback on {e}" : null,
    }.OfType<string>().DefaultIfEmpty("manual"));

    private static string Trigger(RunTrigger trigger) => trigger.Detail is { } detail ? $"{trigger.Type}: {detail}" : trigger.Type;

    private static string Counts(PipelineRun run) =>
        string.Join(", ", run.Steps.GroupBy(s => s.State).Select(g => $"{g.Count()} {g.Key}"));
}
