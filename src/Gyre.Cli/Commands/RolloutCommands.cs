using System.CommandLine;
using Gyre.Client;
using Gyre.Core.Errors;
using Gyre.Core.Serving.Rollouts;

namespace Gyre.Cli.Commands;

/// <summary><c>gyre endpoints rollout start|status|list|abort|promote</c>: move an endpoint's traffic to a new version.</summary>
internal static class RolloutCommands
{
    public static Command Build()
    {
        var command = new Command("rollout", "Move an endpoint's traffic to another model version: blue-green, canary, shadow or A/B");
        command.Subcommands.Add(Start());
        command.Subcommands.Add(Status());
        command.Subcommands.Add(List());
        command.Subcommands.Add(Act("abort", "Stop the running rollout: all traffic back on the stable version", (c, n, id, ct) => c.Endpoints.AbortRolloutAsync(n, id, ct)));
        command.Subcommands.Add(Act("promote", "End the running rollout with the candidate serving all traffic", (c, n, id, ct) => c.Endpoints.PromoteRolloutAsync(n, id, ct)));
        return command;
    }

    private static Command Start()
    {
        var name = new Argument<string>("endpoint");
        var model = new Option<string?>("--model") { Description = "NAME/VERSION or NAME@ALIAS (default: what the endpoint's alias points at now)" };
        var strategy = new Option<string>("--strategy") { Description = "canary (default), blue_green, shadow or ab", DefaultValueFactory = _ => RolloutStrategies.Canary };
        var steps = new Option<string?>("--steps") { Description = "Canary steps in percent, comma-separated (default 10,25,50,100)" };
        var bake = new Option<double?>("--bake-seconds") { Description = "How long each canary step runs before its analysis (default 300)" };
        var minRequests = new Option<int?>("--min-requests") { Description = "Canary requests a step needs before it is judged (default 20)" };
        var share = new Option<int?>("--shadow-percent") { Description = "Share of requests copied to a shadow (default 100)" };
        var weight = new Option<int?>("--candidate-weight") { Description = "The candidate's share in an A/B test (default 50)" };
        var retention = new Option<double?>("--retention-seconds") { Description = "How long blue stays loaded for rollback after a blue-green switch (default 600)" };
        var duration = new Option<double?>("--duration-seconds") { Description = "How long a shadow runs (default 3600)" };
        var minStable = new Option<int?>("--min-stable-requests") { Description = "Stable requests a step needs to compare with (default: --min-requests)" };
        var extensions = new Option<int?>("--max-extensions") { Description = "Extra bake periods a step without enough evidence may take (default 3)" };
        var inconclusive = new Option<string?>("--on-inconclusive") { Description = "fail (default) or pass (with a warning) when a step still lacks evidence" };
        var command = new Command("start", "Start a rollout; the candidate is loaded and answers a sample row before it gets traffic")
        {
            name, model, strategy, steps, bake, minRequests, minStable, extensions, inconclusive, share, weight, retention, duration,
        };
        command.WithClient(async (parse, client, printer, ct) =>
        {
            List<int>? stepList = null;
            if (parse.GetValue(steps) is { } text)
            {
                stepList = [.. text.Split(',', StringSplitOptions.TrimEntries).Select(s => int.TryParse(s, out var v) ? v : throw GyreException.Invalid($"--steps: expected percentages like 10,25,50,100, got '{text}'"))];
            }
            var request = new RolloutRequest(parse.GetValue(model), parse.GetValue(strategy), stepList, parse.GetValue(bake), parse.GetValue(minRequests),
                ShadowPercent: parse.GetValue(share), CandidateWeight: parse.GetValue(weight), RetentionSeconds: parse.GetValue(retention), DurationSeconds: parse.GetValue(duration),
                MinStableRequests: parse.GetValue(minStable), MaxExtensions: parse.GetValue(extensions), OnInconclusive: parse.GetValue(inconclusive));
            Print(printer, await client.Endpoints.StartRolloutAsync(parse.GetValue(name)!, request, ct));
        });
        return command;
    }

    private static Command Status()
    {
        var name = new Argument<string>("endpoint");
        var id = new Option<long?>("--id") { Description = "The rollout (default: the latest)" };
        var command = new Command("status", "Show a rollout with its transitions and analyses") { name, id };
        command.WithClient(async (parse, client, printer, ct) =>
            Print(printer, await FindAsync(client, parse.GetValue(name)!, parse.GetValue(id), running: false, ct)));
        return command;
    }

    private static Command List()
    {
        var name = new Argument<string>("endpoint");
        var command = new Command("list", "List an endpoint's rollouts, newest first") { name };
        command.WithClient(async (parse, client, printer, ct) =>
        {
            var page = await client.Endpoints.ListRolloutsAsync(parse.GetValue(name)!, ct);
            printer.List(page.Items, page, "No rollouts yet. Start one with `gyre endpoints rollout start ENDPOINT --model NAME/VERSION`.",
                ("ID", r => r.Id), ("STRATEGY", r => r.Strategy), ("STATE", r => r.State), ("FROM", r => $"{r.Stable.ModelName}/{r.Stable.ModelVersion}"),
                ("TO", r => $"{r.Candidate.ModelName}/{r.Candidate.ModelVersion}"), ("WEIGHT", r => $"{RolloutPlan.CandidateWeight(r)}%"),
                ("STARTED", r => Printer.Time(r.StartTime)), ("LAST", r => r.Transitions[^1].Reason));
        });
        return command;
    }

    private static Command Act(string verb, string description, Func<GyreClient, string, long, CancellationToken, Task<Rollout>> act)
    {
        var name = new Argument<string>("endpoint");
        var id = new Option<long?>("--id") { Description = "The rollout (default: the running one)" };
        var command = new Command(verb, description) { name, id };
        command.WithClient(async (parse, client, printer, ct) =>
        {
            var rollout = await FindAsync(client, parse.GetValue(name)!, parse.GetValue(id), running: true, ct);
            Print(printer, await act(client, rollout.Endpoint, rollout.Id, ct));
        });
        return command;
    }

    private static async Task<Rollout> FindAsync(GyreClient client, string endpoint, long? id, bool running, CancellationToken ct)
    {
        if (id is { } chosen)
        {
            return await client.Endpoints.GetRolloutAsync(endpoint, chosen, ct);
        }
        var rollouts = (await client.Endpoints.ListRolloutsAsync(endpoint, ct)).Items;
        return (running ? rollouts.FirstOrDefault(r => r.State == RolloutStates.Running) : rollouts.Count > 0 ? rollouts[0] : null)
            ?? throw GyreException.NotFound($"endpoint '{endpoint}' has no {(running ? "running " : "")}rollout");
    }

    private static void Print(Printer printer, Rollout r)
    {
        printer.Object(r, ("rollout", r.Id), ("endpoint", r.Endpoint), ("strategy", r.Strategy), ("state", r.State),
            ("from", $"{r.Stable.ModelName}/{r.Stable.ModelVersion}"), ("to", $"{r.Candidate.ModelName}/{r.Candidate.ModelVersion}"),
            ("candidate weight", $"{RolloutPlan.CandidateWeight(r)}%"), ("started", Printer.Time(r.StartTime)));
        if (!printer.IsJson)
        {
            foreach (var t in r.Transitions)
            {
                Console.Out.WriteLine($"  {Printer.Time(t.Time)}  {t.State,-9} {t.CandidateWeight,3}%  {t.Reason}");
            }
        }
    }
}
