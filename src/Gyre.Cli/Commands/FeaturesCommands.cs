using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Gyre.Core.Data;
using Gyre.Core.Errors;
using Gyre.Core.Features;

namespace Gyre.Cli.Commands;

/// <summary><c>gyre features create|ingest|list|show|delete|training-set</c>: the feature store.</summary>
internal static class FeaturesCommands
{
    public static Command Build()
    {
        var command = new Command("features", "Feature groups and point-in-time correct training sets");
        command.Subcommands.Add(Create());
        command.Subcommands.Add(Ingest());
        command.Subcommands.Add(List());
        command.Subcommands.Add(Show());
        command.Subcommands.Add(Delete());
        command.Subcommands.Add(Materialize());
        command.Subcommands.Add(Online());
        command.Subcommands.Add(Search());
        command.Subcommands.Add(FeaturesTrainingSetCommand.Build());
        return command;
    }

    private static Command Create()
    {
        var name = new Argument<string>("name");
        var from = new Option<string>("--from") { Required = true, Description = "The dataset version the group starts from, NAME@VERSION (or NAME for the latest)" };
        var entity = new Option<string>("--entity") { Required = true, Description = "The entity key column(s), comma-separated" };
        var eventTime = new Option<string>("--event-time") { Required = true, Description = "The datetime column of each row's event time" };
        var features = new Option<string?>("--features") { Description = "The feature columns, comma-separated (default: every other column)" };
        var ttl = new Option<long?>("--ttl-seconds") { Description = "Values older than this at the time asked for count as missing" };
        var description = new Option<string?>("--description") { Description = "What the group holds, and who owns it" };
        var vectors = new Option<string?>("--vector") { Description = "Vector features as COLUMN=DIMENSIONS, comma-separated: text columns of JSON arrays of numbers" };
        var command = new Command("create", "Create a feature group over a dataset version") { name, from, entity, eventTime, features, ttl, description, vectors };
        command.WithClient(async (parse, client, printer, ct) =>
        {
            var group = await client.Features.CreateAsync(new NewFeatureGroup(parse.GetValue(name)!, parse.GetValue(from)!, Split(parse.GetValue(entity)!),
                parse.GetValue(eventTime)!, parse.GetValue(features) is { } f ? Split(f) : null, parse.GetValue(ttl), parse.GetValue(description),
                parse.GetValue(vectors) is { } v ? Dimensions(v) : null), ct);
            Print(printer, group, $"Created the feature group '{group.Name}'");
        });
        return command;
    }

    private static Command Ingest()
    {
        var name = new Argument<string>("name");
        var file = new Argument<FileInfo>("file") { Description = "A .csv or .parquet file with the group's columns" };
        var command = new Command("ingest", "Append a file's rows to a feature group (refused whole when its columns or types differ)") { name, file };
        command.WithClient(async (parse, client, printer, ct) =>
        {
            var path = parse.GetValue(file)!;
            if (!path.Exists)
            {
                throw GyreException.Invalid($"file: '{path.FullName}' does not exist");
            }
            await using var stream = path.OpenRead();
            var ingested = await client.Features.IngestAsync(parse.GetValue(name)!, stream, DatasetFormats.FromFileName(path.Name), ct);
            Print(printer, ingested.Group, $"{Count(ingested.Part.Rows)} rows in {ingested.Part.Dataset}@{ingested.Part.Version}; '{ingested.Group.Name}' is at version {ingested.Group.Version}");
        });
        return command;
    }

    private static Command List()
    {
        var command = new Command("list", "List feature groups");
        command.WithClient(async (_, client, printer, ct) =>
        {
            var page = await client.Features.ListAsync(ct);
            printer.List(page.Items, null, "No feature groups. Create one with `gyre features create NAME --from DATASET@V --entity KEY --event-time TS`.",
                ("NAME", g => g.Name), ("ENTITIES", g => string.Join(", ", g.Entities)), ("EVENT TIME", g => g.EventTime), ("FEATURES", g => g.Features.Count),
                ("VERSION", g => g.Version), ("ROWS", g => Count(g.Rows)), ("TTL", g => g.TtlSeconds is { } t ? $"{t} s" : ""),
                ("FRESH TO", g => g.Materialized?.EventTime is { } t ? Printer.Time(t) : ""));
        });
        return command;
    }

    private static Command Show()
    {
        var name = new Argument<string>("name");
        var command = new Command("show", "Show a feature group: its schema and the parts of its offline store") { name };
        command.WithClient(async (parse, client, printer, ct) => Print(printer, await client.Features.GetAsync(parse.GetValue(name)!, ct), null));
        return command;
    }

    private static Command Delete()
    {
        var name = new Argument<string>("name");
        var command = new Command("delete", "Delete a feature group and the rows ingested into it (the dataset it was created from stays)") { name };
        command.WithClient(async (parse, client, printer, ct) =>
        {
            await client.Features.DeleteAsync(parse.GetValue(name)!, ct);
            printer.Done($"Deleted the feature group '{parse.GetValue(name)}'");
        });
        return command;
    }

    private static Command Materialize()
    {
        var name = new Argument<string>("name");
        var command = new Command("materialize", "Bring a feature group's online store up to date (reads only what was ingested since the last time)") { name };
        command.WithClient(async (parse, client, printer, ct) =>
        {
            var result = await client.Features.MaterializeAsync(parse.GetValue(name)!, ct);
            var group = result.Group;
            printer.Done(result.UpToDate
                ? $"'{group.Name}' is up to date: {Online(group)}"
                : $"Materialized '{group.Name}': {result.PartsRead} parts, {Count(result.Rows)} rows read, {Count(result.Updated)} entities changed"
                    + (result.LateRows > 0 ? $", {Count(result.LateRows)} rows older than the last freshness point" : "") + $"; {Online(group)}", result);
        });
        return command;
    }

    private static Command Online()
    {
        var name = new Argument<string>("name");
        var entities = new Option<string[]>("--entity")
        {
            Required = true,
            AllowMultipleArgumentsPerToken = true,
            Description = "An entity to read, as KEY=VALUE (KEY=VALUE,KEY2=VALUE2 for several key columns); repeatable",
        };
        var command = new Command("online", "Read entities' values from a feature group's online store, as the gateway does") { name, entities };
        command.WithClient(async (parse, client, printer, ct) =>
        {
            var asked = parse.GetValue(entities)!.Select(Entity).ToList();
            var read = await client.Features.ReadOnlineAsync(parse.GetValue(name)!, asked, ct);
            printer.List(read.Rows, read, "",
                ("ENTITY", r => r.Entity),
                ("EVENT TIME", r => r.EventTime is { } t ? Printer.Time(t) : ""),
                ("FEATURES", r => r.Found ? r.Features!.Value.GetRawText() : r.Expired == true ? "(expired)" : "(none)"));
        });
        return command;
    }

    private static Command Search()
    {
        var name = new Argument<string>("name");
        var vector = new Option<string>("--vector") { Required = true, Description = "The query vector as a JSON array, [0.1, 0.2, ...]" };
        var k = new Option<int?>("--k") { Description = "How many nearest entities (default 10)" };
        var feature = new Option<string?>("--feature") { Description = "The vector feature (default: the group's only one)" };
        var metric = new Option<string?>("--metric") { Description = "cosine (default) or l2" };
        var filter = new Option<string?>("--filter") { Description = "Only entities whose features equal these, FEATURE=VALUE, comma-separated (a number or true/false as such, else text)" };
        var command = new Command("search", "Find the entities whose latest vector is nearest to a query vector") { name, vector, k, feature, metric, filter };
        command.WithClient(async (parse, client, printer, ct) =>
        {
            double[] query;
            try
            {
                query = JsonSerializer.Deserialize<double[]>(parse.GetValue(vector)!) ?? throw new JsonException();
            }
            catch (JsonException)
            {
                throw GyreException.Invalid("--vector: expected a JSON array of numbers, [0.1, 0.2, ...]");
            }
            var found = await client.Features.SearchAsync(parse.GetValue(name)!, new Core.Features.Vectors.VectorQuery(query, parse.GetValue(k), parse.GetValue(feature), parse.GetValue(metric),
                parse.GetValue(filter) is { } f ? Filter(f) : null), ct);
            printer.List(found.Items, found, "No vector to compare: the online store has none yet.",
                ("ENTITY", m => m.Entity), ("DISTANCE", m => m.Distance.ToString("0.######", CultureInfo.InvariantCulture)), ("EVENT TIME", m => Printer.Time(m.EventTime)));
        });
        return command;
    }

    /// <summary><c>FEATURE=VALUE[,...]</c>: a value that reads as a JSON number or boolean is one, anything else is text.</summary>
    private static Dictionary<string, JsonElement> Filter(string text)
    {
        var filter = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var pair in Split(text))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw GyreException.Invalid($"--filter: expected FEATURE=VALUE, got '{pair}'");
            }
            var value = pair[(equals + 1)..];
            filter[pair[..equals]] = value is "true" or "false" || double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _)
                ? JsonDocument.Parse(value).RootElement.Clone()
                : JsonSerializer.SerializeToElement(value);
        }
        return filter;
    }

    /// <summary><c>COLUMN=DIMENSIONS[,...]</c>.</summary>
    private static Dictionary<string, int> Dimensions(string text)
    {
        var vectors = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var pair in Split(text))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            vectors[equals > 0 ? pair[..equals] : throw GyreException.Invalid($"--vector: expected COLUMN=DIMENSIONS, got '{pair}'")] =
                int.TryParse(pair[(equals + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : throw GyreException.Invalid($"--vector: expected COLUMN=DIMENSIONS, got '{pair}'");
        }
        return vectors;
    }

    /// <summary><c>KEY=VALUE[,KEY=VALUE]</c> as the entity's key columns.</summary>
    private static Dictionary<string, JsonElement> Entity(string text)
    {
        var entity = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var pair in Split(text))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw GyreException.Invalid($"--entity: expected KEY=VALUE, got '{pair}'");
            }
            entity[pair[..equals]] = JsonSerializer.SerializeToElement(pair[(equals + 1)..]);
        }
        return entity;
    }

    /// <summary>The online store's state in a line.</summary>
    private static string Online(FeatureGroup group) => group.Materialized is { } m
        ? $"{Count(m.Entities)} entities online, fresh to {(m.EventTime is { } t ? Printer.Time(t) : "(no rows)")}, {m.Parts} of {group.Parts.Count} parts read (at {Printer.Time(m.Time)})"
        : "not materialized yet (`gyre features materialize " + group.Name + "`)";

    private static void Print(Printer printer, FeatureGroup group, string? headline)
    {
        if (printer.IsJson)
        {
            printer.Done("", group);
            return;
        }
        if (headline is not null)
        {
            Console.Out.WriteLine(headline);
        }
        Console.Out.WriteLine($"{group.Name}: keyed by {string.Join(", ", group.Entities)}, timed by {group.EventTime}"
            + (group.TtlSeconds is { } ttl ? $", values live {ttl} s" : "") + (group.Description is { } d ? $" — {d}" : ""));
        Console.Out.WriteLine($"online: {Online(group)}");
        printer.List(group.Features, null, "", ("FEATURE", f => f.Name), ("TYPE", f => f.Dimensions is { } d ? $"vector({d})" : f.Type.ToString().ToLowerInvariant()));
        printer.List(group.Parts, null, "", ("PART", p => $"{p.Dataset}@{p.Version}"), ("ROWS", p => Count(p.Rows)), ("ADDED", p => Printer.Time(p.Time)));
    }

    internal static IReadOnlyList<string> Split(string text) => [.. text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)];

    internal static string Count(long n) => n.ToString("N0", CultureInfo.InvariantCulture);
}
