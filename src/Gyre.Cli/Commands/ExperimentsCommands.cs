using System.CommandLine;
using Gyre.Core.Tracking;

namespace Gyre.Cli.Commands;

/// <summary><c>gyre experiments create|list|show|rename|delete|restore</c>.</summary>
internal static class ExperimentsCommands
{
    public static Command Build()
    {
        var command = new Command("experiments", "Create, list and manage experiments");
        command.Subcommands.Add(Create());
        command.Subcommands.Add(List());
        command.Subcommands.Add(Show());
        command.Subcommands.Add(Rename());
        command.Subcommands.Add(Delete());
        command.Subcommands.Add(Restore());
        return command;
    }

    internal static void Print(Printer printer, Experiment e) => printer.Object(e,
        ("experiment_id", e.ExperimentId), ("name", e.Name), ("lifecycle_stage", Printer.Wire(e.LifecycleStage)),
        ("artifact_location", e.ArtifactLocation), ("created", Printer.Time(e.CreationTime)), ("updated", Printer.Time(e.LastUpdateTime)),
        ("tags", string.Join(", ", e.Tags.Select(t => $"{t.Key}={t.Value}"))));

    private static Command Create()
    {
        var name = new Argument<string>("name") { Description = "The experiment's name" };
        var tags = new Option<string[]>("--tag") { Description = "A tag KEY=VALUE (repeatable)" };
        var command = new Command("create", "Create an experiment") { name, tags };
        command.WithClient(async (parse, client, printer, ct) =>
            Print(printer, await client.Experiments.CreateAsync(parse.GetValue(name)!, KeyValues.Parse(parse.GetValue(tags), "--tag").Select(kv => new Tag(kv.Key, kv.Value)).ToList(), ct)));
        return command;
    }

    private static Command List()
    {
        var filter = new Option<string?>("--filter") { Description = "A filter such as \"name LIKE 'churn%'\"" };
        var view = new Option<ViewType>("--view") { Description = "active_only, deleted_only or all", DefaultValueFactory = _ => ViewType.ActiveOnly, CustomParser = ViewTypes.Parse };
        var max = new Option<int>("--max-results") { DefaultValueFactory = _ => 1000 };
        var page = new Option<string?>("--page-token");
        var command = new Command("list", "List or search experiments") { filter, view, max, page };
        command.WithClient(async (parse, client, printer, ct) =>
        {
            var result = await client.Experiments.SearchAsync(new ExperimentSearch(parse.GetValue(filter), parse.GetValue(view), null, parse.GetValue(max), parse.GetValue(page)), ct);
            printer.List(result.Items, result, "No experiments match. Create one with `gyre experiments create NAME`.",
                ("ID", e => e.ExperimentId), ("NAME", e => e.Name), ("STAGE", e => Printer.Wire(e.LifecycleStage)), ("CREATED", e => Printer.Time(e.CreationTime)));
            if (!printer.IsJson && result.NextPageToken is not null)
            {
                Console.Out.WriteLine($"More: --page-token {result.NextPageToken}");
            }
        });
        return command;
    }

    private static Command Show()
    {
        var id = new Argument<string>("id") { Description = "The experiment id, or its name with --by-name" };
        var byName = new Option<bool>("--by-name") { Description = "Treat the argument as a name" };
        var command = new Command("show", "Show one experiment") { id, byName };
        command.WithClient(async (parse, client, printer, ct) =>
        {
            var value = parse.GetValue(id)!;
            Print(printer, parse.GetValue(byName)
                ? await client.Experiments.GetByNameAsync(value, ct)
                : await client.Experiments.GetAsync(new ExperimentId(value), ct));
        });
        return command;
    }

    private static Command Rename()
    {
        var id = new Argument<string>("id");
        var name = new Argument<string>("new-name");
        var command = new Command("rename", "Rename an experiment") { id, name };
        command.WithClient(async (parse, client, printer, ct) =>
            Print(printer, await client.Experiments.RenameAsync(new ExperimentId(parse.GetValue(id)!), parse.GetValue(name)!, ct)));
        return command;
    }

    private static Command Delete()
    {
        var id = new Argument<string>("id");
        var permanent = new Option<bool>("--permanent") { Description = "Purge an already deleted experiment, its runs and artifacts (admin)" };
        var command = new Command("delete", "Delete an experiment (restorable unless --permanent)") { id, permanent };
        command.WithClient(async (parse, client, printer, ct) =>
        {
            await client.Experiments.DeleteAsync(new ExperimentId(parse.GetValue(id)!), parse.GetValue(permanent), ct);
            printer.Done(parse.GetValue(permanent) ? $"Experiment {parse.GetValue(id)} deleted permanently." : $"Experiment {parse.GetValue(id)} deleted (restore with `gyre experiments restore {parse.GetValue(id)}`).");
        });
        return command;
    }

    private static Command Restore()
    {
        var id = new Argument<string>("id");
        var command = new Command("restore", "Restore a deleted experiment") { id };
        command.WithClient(async (parse, client, printer, ct) =>
            Print(printer, await client.Experiments.RestoreAsync(new ExperimentId(parse.GetValue(id)!), ct)));
        return command;
    }
}
