using System.CommandLine;
using Gyre.Core.Registry;
using Gyre.Core.Tracking;

namespace Gyre.Cli.Commands;

/// <summary><c>gyre models create|list|show|rename|describe|delete|tag|register|versions|version|alias|lineage</c>.</summary>
internal static class ModelsCommands
{
    public static Command Build()
    {
        var command = new Command("models", "The model registry: models, versions, aliases and lineage");
        command.Subcommands.Add(Create());
        command.Subcommands.Add(List());
        command.Subcommands.Add(Show());
        command.Subcommands.Add(Rename());
        command.Subcommands.Add(Describe());
        command.Subcommands.Add(Delete());
        command.Subcommands.Add(Tag());
        command.Subcommands.Add(ModelVersionsCommands.Register());
        command.Subcommands.Add(ModelVersionsCommands.Import());
        command.Subcommands.Add(ModelVersionsCommands.Upload());
        command.Subcommands.Add(ModelVersionsCommands.Download());
        command.Subcommands.Add(ModelVersionsCommands.Package());
        command.Subcommands.Add(ModelVersionsCommands.Gate());
        command.Subcommands.Add(ModelVersionsCommands.Versions());
        command.Subcommands.Add(ModelVersionsCommands.Version());
        command.Subcommands.Add(ModelVersionsCommands.Alias());
        command.Subcommands.Add(ModelVersionsCommands.Lineage());
        return command;
    }

    internal static void Print(Printer printer, RegisteredModel m) => printer.Object(m,
        ("name", m.Name), ("description", m.Description), ("latest_version", m.LatestVersion),
        ("aliases", string.Join(", ", m.Aliases.Select(a => $"{a.Alias}→{a.Version}"))),
        ("tags", string.Join(", ", m.Tags.Select(t => $"{t.Key}={t.Value}"))),
        ("created", Printer.Time(m.CreationTime)), ("updated", Printer.Time(m.LastUpdatedTime)));

    private static Command Create()
    {
        var name = new Argument<string>("name");
        var description = new Option<string?>("--description");
        var tags = new Option<string[]>("--tag") { Description = "A tag KEY=VALUE (repeatable)" };
        var command = new Command("create", "Register a model name") { name, description, tags };
        command.WithClient(async (parse, client, printer, ct) => Print(printer, await client.Models.CreateAsync(
            parse.GetValue(name)!, parse.GetValue(description), KeyValues.Parse(parse.GetValue(tags), "--tag").Select(kv => new Tag(kv.Key, kv.Value)).ToList(), ct)));
        return command;
    }

    private static Command List()
    {
        var filter = new Option<string?>("--filter") { Description = "e.g. \"name LIKE 'churn%' AND tags.team = 'growth'\"" };
        var max = new Option<int>("--max-results") { DefaultValueFactory = _ => 100 };
        var page = new Option<string?>("--page-token");
        var command = new Command("list", "List or search registered models") { filter, max, page };
        command.WithClient(async (parse, client, printer, ct) =>
        {
            var result = await client.Models.SearchAsync(new ModelSearch(parse.GetValue(filter), null, parse.GetValue(max), parse.GetValue(page)), ct);
            printer.List(result.Items, result, "No models. Register one with `gyre models create NAME`.",
                ("NAME", m => m.Name), ("LATEST", m => m.LatestVersion), ("ALIASES", m => string.Join(", ", m.Aliases.Select(a => $"{a.Alias}→{a.Version}"))),
                ("UPDATED", m => Printer.Time(m.LastUpdatedTime)));
        });
        return command;
    }

    private static Command Show()
    {
        var name = new Argument<string>("name");
        var command = new Command("show", "Show a registered model") { name };
        command.WithClient(async (parse, client, printer, ct) => Print(printer, await client.Models.GetAsync(parse.GetValue(name)!, ct)));
        return command;
    }

    private static Command Rename()
    {
        var name = new Argument<string>("name");
        var newName = new Argument<string>("new-name");
        var command = new Command("rename", "Rename a registered model") { name, newName };
        command.WithClient(async (parse, client, printer, ct) => Print(printer, await client.Models.UpdateAsync(parse.GetValue(name)!, parse.GetValue(newName), null, ct)));
        return command;
    }

    private static Command Describe()
    {
        var name = new Argument<string>("name");
        var description = new Argument<string>("description");
        var command = new Command("describe", "Set a registered model's description") { name, description };
        command.WithClient(async (parse, client, printer, ct) => Print(printer, await client.Models.UpdateAsync(parse.GetValue(name)!, null, parse.GetValue(description), ct)));
        return command;
    }

    private static Command Delete()
    {
        var name = new Argument<string>("name");
        var command = new Command("delete", "Delete a registered model with its versions and aliases") { name };
        command.WithClient(async (parse, client, printer, ct) =>
        {
            await client.Models.DeleteAsync(parse.GetValue(name)!, ct);
            printer.Done($"Model {parse.GetValue(name)} deleted.");
        });
        return command;
    }

    private static Command Tag()
    {
        var name = new Argument<string>("name");
        var tag = new Argument<string>("key=value");
        var command = new Command("tag", "Set a tag on a registered model") { name, tag };
        command.WithClient(async (parse, client, printer, ct) =>
        {
            var kv = KeyValues.Parse([parse.GetValue(tag)!], "key=value")[0];
            await client.Models.SetTagAsync(parse.GetValue(name)!, kv.Key, kv.Value, ct);
            printer.Done($"Tag {kv.Key} set on {parse.GetValue(name)}.");
        });
        return command;
    }
}
