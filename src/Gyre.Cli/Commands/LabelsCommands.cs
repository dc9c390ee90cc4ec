using System.CommandLine;
using System.Globalization;
using Gyre.Core.Errors;
using Gyre.Core.Labelling;

namespace Gyre.Cli.Commands;

/// <summary><c>gyre labels queue create|list|show|delete</c>, <c>review</c>, <c>resolve</c>, <c>export</c>: human labelling of sampled predictions.</summary>
internal static class LabelsCommands
{
    public static Command Build()
    {
        var queue = new Command("queue", "Labelling queues: predictions sampled from an endpoint's log for people to label");
        queue.Subcommands.Add(Create());
        queue.Subcommands.Add(List());
        queue.Subcommands.Add(Show());
        queue.Subcommands.Add(Delete());
        var command = new Command("labels", "Human labelling: queues, their review, and their labels as Parquet") { queue };
        command.Subcommands.Add(Review());
        command.Subcommands.Add(Resolve());
        command.Subcommands.Add(Export());
        return command;
    }

    private static Command Create()
    {
        var name = new Argument<string>("name");
        var endpoint = new Option<string>("--endpoint") { Required = true, Description = "The endpoint whose predictions are sampled" };
        var strategy = new Option<string>("--strategy") { Required = true, Description = "random, uncertainty, disagreement, slice or drift" };
        var rate = new Option<string>("--rate") { Required = true, Description = "At most this many items, N/second|minute|hour|day (50/hour), or a share of each window's predictions, N% (2%)" };
        var window = new Option<string?>("--window") { Description = "The window a choice is made in, 30s, 10m, 1h (default 10m)" };
        var twice = new Option<double?>("--double") { Description = "The share of items labelled by two people, 0 to 1 (default 0)" };
        var prefer = new Option<string?>("--prefer") { Description = "Whose ground truth wins when the application sends feedback too: application (default) or human" };
        var slice = new Option<string?>("--slice") { Description = "The slice strategy's column: each of its values gets --quota items a window" };
        var quota = new Option<int?>("--quota") { Description = "Items per value of --slice and window (default 1)" };
        var since = new Option<string?>("--since") { Description = "Sample traffic from this time (ISO 8601) or this long ago (2h); default: from now on" };
        var seed = new Option<int?>("--seed") { Description = "Seeds the sampler's draws, for repeatable picks" };
        var tolerance = new Option<double?>("--tolerance") { Description = "A regression's two labels agree within this (default 0)" };
        var description = new Option<string?>("--description") { Description = "What the queue is for" };
        var command = new Command("create", "Open a labelling queue on an endpoint") { name, endpoint, strategy, rate, window, twice, prefer, slice, quota, since, seed, tolerance, description };
        command.WithClient(async (parse, client, printer, ct) =>
        {
            var column = parse.GetValue(slice);
            if (column is null && parse.GetValue(quota) is not null)
            {
                throw GyreException.Invalid("--quota: goes with --slice COLUMN");
            }
            var created = await client.Labels.CreateQueueAsync(new LabelQueueRequest(parse.GetValue(name)!, parse.GetValue(endpoint)!, parse.GetValue(strategy)!,
                parse.GetValue(rate)!, parse.GetValue(window) is { } w ? (long)Duration("--window", w).TotalSeconds : null, parse.GetValue(twice), parse.GetValue(prefer),
                column is null ? null : new SliceQuota(column, parse.GetValue(quota) ?? 1), parse.GetValue(since) is { } s ? Since(s) : null,
                parse.GetValue(seed), parse.GetValue(tolerance), parse.GetValue(description)), ct);
            printer.Done($"Opened the labelling queue '{created.Name}' on '{created.Endpoint}': {created.Strategy}, up to {created.Rate}, a choice every {created.WindowSeconds} s of traffic"
                + (created.Choices is { } choices ? $"; labels: {string.Join(", ", choices)}" : "; labels: numbers"), created);
        });
        return command;
    }

    private static Command List()
    {
        var command = new Command("list", "List labelling queues");
        command.WithClient(async (_, client, printer, ct) =>
        {
            var page = await client.Labels.ListQueuesAsync(ct);
            printer.List(page.Items, page, "No labelling queues. Open one with `gyre labels queue create NAME --endpoint E --strategy uncertainty --rate 50/hour`.",
                ("NAME", s => s.Queue.Name), ("ENDPOINT", s => s.Queue.Endpoint), ("STRATEGY", s => s.Queue.Strategy), ("RATE", s => s.Queue.Rate),
                ("OPEN", s => s.Items[LabelItemStates.Open]), ("REVIEW", s => s.Items[LabelItemStates.Review]), ("DONE", s => s.Items[LabelItemStates.Done]),
                ("KAPPA", s => Printer.Number(s.Agreement.Kappa, 3)));
        });
        return command;
    }

    private static Command Show()
    {
        var name = new Argument<string>("name");
        var command = new Command("show", "Show a labelling queue: its items by state and its labellers' agreement") { name };
        command.WithClient(async (parse, client, printer, ct) =>
        {
            var status = await client.Labels.GetQueueAsync(parse.GetValue(name)!, ct);
            if (printer.IsJson)
            {
                printer.Done("", status);
                return;
            }
            var (queue, agreement) = (status.Queue, status.Agreement);
            Console.Out.WriteLine($"{queue.Name} on {queue.Endpoint}: {queue.Strategy}, up to {queue.Rate} per {queue.WindowSeconds} s window, sampled to {Printer.Time(status.SampledUntil)}");
            Console.Out.WriteLine($"items: {status.Items[LabelItemStates.Open]} open, {status.Items[LabelItemStates.Review]} in review, {status.Items[LabelItemStates.Done]} done");
            Console.Out.WriteLine(agreement.Compared == 0 ? $"agreement: {agreement.Missing}"
                : $"agreement: {agreement.Agreed} of {agreement.Compared} items labelled twice agree; kappa {(agreement.Kappa is { } k ? k.ToString("0.###", CultureInfo.InvariantCulture) : $"— ({agreement.Missing})")}");
            printer.List(agreement.Labellers, null, "Nobody has labelled yet.",
                ("LABELLER", l => l.Labeller), ("LABELS", l => l.Labels), ("SKIPS", l => l.Skips), ("COMPARED", l => l.Compared), ("AGREED", l => l.Agreed),
                ("KAPPA", l => Printer.Number(l.Kappa, 3)));
        });
        return command;
    }

    private static Command Delete()
    {
        var name = new Argument<string>("name");
        var command = new Command("delete", "Delete a labelling queue with its items and labels (the ground truth they gave stays)") { name };
        command.WithClient(async (parse, client, printer, ct) =>
        {
            await client.Labels.DeleteQueueAsync(parse.GetValue(name)!, ct);
            printer.Done($"Deleted the labelling queue '{parse.GetValue(name)}'");
        });
        return command;
    }

    private static Command Review()
    {
        var name = new Argument<string>("name");
        var command = new Command("review", "List the items whose two labels differ, waiting for a reviewer") { name };
        command.WithClient(async (parse, client, printer, ct) =>
        {
            var page = await client.Labels.ListItemsAsync(parse.GetValue(name)!, LabelItemStates.Review, 10_000, ct);
            printer.List(page.Items, page, "No item waits for review.",
                ("PREDICTION", i => i.Item.PredictionId), ("ANSWER", i => i.Item.Outputs),
                ("LABELS", i => string.Join("; ", i.Labels.Where(l => !l.Skipped).Select(l => $"{l.Labeller}: {l.Label}"))));
        });
        return command;
    }

    private static Command Resolve()
    {
        var name = new Argument<string>("name");
        var id = new Argument<string>("prediction-id");
        var label = new Argument<string>("label") { Description = "The final label: a class, or a number for a regression" };
        var command = new Command("resolve", "Give the final label of an item whose labels differ") { name, id, label };
        command.WithClient(async (parse, client, printer, ct) =>
        {
            var text = parse.GetValue(label)!;
            object value = double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number)
                && (await client.Labels.GetQueueAsync(parse.GetValue(name)!, ct)).Queue.Choices is null ? number : text;
            var item = await client.Labels.ResolveAsync(parse.GetValue(name)!, parse.GetValue(id)!, value, ct);
            printer.Done($"{item.PredictionId}: {item.Final}, decided by {item.Reviewer}", item);
        });
        return command;
    }

    private static Command Export()
    {
        var name = new Argument<string>("name");
        var output = new Option<FileInfo>("--output", "-o") { Required = true, Description = "The Parquet file to write; an existing file is not overwritten" };
        var command = new Command("export", "Export a queue's labels as Parquet: a row per label with the item's inputs, prediction, labeller and times") { name, output };
        command.WithClient(async (parse, client, printer, ct) =>
        {
            var path = parse.GetValue(output)!;
            if (path.Exists)
            {
                throw GyreException.Invalid($"--output: '{path.FullName}' exists; choose another file");
            }
            var size = await Downloads.WriteAsync(path, stream => client.Labels.ExportAsync(parse.GetValue(name)!, stream, ct));
            printer.Done($"Wrote {path.FullName} ({size} bytes)", new { path = path.FullName });
        });
        return command;
    }

    /// <summary>An ISO 8601 time, or a duration before now (<c>2h</c>), as ms since the epoch.</summary>
    private static long Since(string text) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time) ? time.ToUnixTimeMilliseconds()
            : (DateTimeOffset.UtcNow - Duration("--since", text)).ToUnixTimeMilliseconds();

    /// <summary><c>30s</c>, <c>10m</c>, <c>2h</c>, <c>1d</c>.</summary>
    private static TimeSpan Duration(string option, string text)
    {
        var unit = text.Length > 1 ? text[^1] : ' ';
        if (long.TryParse(text.AsSpan(0, Math.Max(0, text.Length - 1)), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0)
        {
            switch (unit)
            {
                case 's': return TimeSpan.FromSeconds(n);
                case 'm': return TimeSpan.FromMinutes(n);
                case 'h': return TimeSpan.FromHours(n);
                case 'd': return TimeSpan.FromDays(n);
            }
        }
        throw GyreException.Invalid($"{option}: expected a duration such as 30s, 10m, 2h or 1d{(option == "--since" ? ", or an ISO 8601 time" : "")}, got '{text}'");
    }
}
