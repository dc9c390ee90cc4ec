using System.CommandLine;
using Gyre.Core.Errors;
using Gyre.Core.Monitoring.Policies;

namespace Gyre.Cli.Commands;

/// <summary><c>gyre policies apply|list|show|firings|delete</c>: policies that act when monitoring finds a problem.</summary>
internal static class PoliciesCommands
{
    public static Command Build()
    {
        var command = new Command("policies", "Policies: conditions on an endpoint (drift, online metric, errors, no traffic) that retrain, notify or roll back");
        var file = new Argument<FileInfo>("file");
        var apply = new Command("apply", "Create or replace a policy from a YAML file") { file };
        apply.WithClient(async (parse, client, printer, ct) =>
        {
            var path = parse.GetValue(file)!;
            if (!path.Exists)
            {
                throw GyreException.Invalid($"file: '{path.FullName}' does not exist");
            }
            var info = await client.Policies.ApplyAsync(await File.ReadAllTextAsync(path.FullName, ct), ct);
            printer.Done($"Applied policy {info.Name} on endpoint {info.Endpoint}: {Describe(info.Definition)}", info);
        });
        command.Subcommands.Add(apply);

        var list = new Command("list", "List policies");
        list.WithClient(async (parse, client, printer, ct) =>
        {
            var page = await client.Policies.ListAsync(ct);
            printer.List(page.Items, page, "No policies yet. Apply one with `gyre policies apply FILE`.",
                ("NAME", p => p.Name), ("ENDPOINT", p => p.Endpoint), ("RULE", p => Describe(p.Definition)), ("LAST FIRED", p => Printer.Time(p.LastFiring)));
        });
        command.Subcommands.Add(list);

        var name = new Argument<string>("name");
        var firings = new Command("firings", "A policy's firings, newest first, with their evidence and what each action did") { name };
        firings.WithClient(async (parse, client, printer, ct) =>
        {
            var page = await client.Policies.FiringsAsync(parse.GetValue(name)!, ct: ct);
            printer.List(page.Items, page, "It has not fired.", ("FIRING", f => f.Id), ("TIME", f => Printer.Time(f.Time)),
                ("EVIDENCE", f => string.Join("; ", f.Evidence)), ("ACTIONS", f => string.Join("; ", f.Actions.Select(a => $"{a.Kind} {(a.Ok ? "ok" : "FAILED")}: {a.Detail}"))));
        });
        command.Subcommands.Add(firings);

        var deleteName = new Argument<string>("name");
        var delete = new Command("delete", "Delete a policy (its firings are kept)") { deleteName };
        delete.WithClient(async (parse, client, printer, ct) =>
        {
            await client.Policies.DeleteAsync(parse.GetValue(deleteName)!, ct);
            printer.Done($"Deleted policy {parse.GetValue(deleteName)}");
        });
        command.Subcommands.Add(delete);
        return command;
    }

    private static string Describe(PolicyDefinition definition) =>
        $"when {(definition.All ? "all of" : "any of")} {string.Join(", ", definition.Conditions.Select(c => c.Kind))} then {string.Join(", ", definition.Actions.Select(a => a.Target is null ? a.Kind : $"{a.Kind} {a.Target}"))}";
}
