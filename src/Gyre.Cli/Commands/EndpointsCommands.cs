using System.CommandLine;
using System.Text.Json;
using Gyre.Core.Errors;
using Gyre.Core.Serving.Endpoints;

namespace Gyre.Cli.Commands;

/// <summary><c>gyre endpoints create|list|show|delete|predict|predictions</c>: serving endpoints through the server.</summary>
internal static class EndpointsCommands
{
    public static Command Build()
    {
        var command = new Command("endpoints", "Serve model versions as REST endpoints, predict through them and read their prediction log");
        command.Subcommands.Add(Create());
        command.Subcommands.Add(List());
        command.Subcommands.Add(Show());
        command.Subcommands.Add(Delete());
        command.Subcommands.Add(Batching());
        command.Subcommands.Add(Features());
        command.Subcommands.Add(Predict());
        command.Subcommands.Add(FeedbackCommand.Build());
        command.Subcommands.Add(Predictions());
        command.Subcommands.Add(RolloutCommands.Build());
        return command;
    }

    private static Command Create()
    {
        var name = new Argument<string>("name") { Description = "The endpoint's name (letters, digits, '-', '_', '.')" };
        var model = new Option<string>("--model") { Required = true, Description = "NAME@ALIAS (follows the alias through rollouts) or NAME/VERSION" };
        var logMode = new Option<string?>("--log-mode") { Description = "durable (default: answered once logged on disk) or fast (logged in the background)" };
        var description = new Option<string?>("--description");
        var (maxRows, maxDelay) = BatchingOptions();
        var (lookup, missing) = LookupOptions();
        var command = new Command("create", "Create an endpoint; its model is loaded and answers a sample row first") { name, model, logMode, description, maxRows, maxDelay, lookup, missing };
        command.WithClient(async (parse, client, printer, ct) =>
            Print(printer, await client.Endpoints.CreateAsync(parse.GetValue(name)!, parse.GetValue(model)!, parse.GetValue(logMode), parse.GetValue(description),
                ReadBatching(parse, maxRows, maxDelay), ReadLookup(parse, lookup, missing), ct)));
        return command;
    }

    private static (Option<int?> MaxRows, Option<int?> MaxDelayUs) BatchingOptions() => (
        new Option<int?>("--batch-max-rows") { Description = "Rows one shared model call may score (1 turns batching off; default: the model's own, 64 for ONNX, off for ML.NET)" },
        new Option<int?>("--batch-max-delay-us") { Description = "Microseconds a request that finds the model idle may wait for requests already on their way to share its call (default 200)" });

    /// <summary>The batching the options ask for; null when they ask nothing (the model's default).</summary>
    private static Core.Serving.Batching.BatchSettings? ReadBatching(System.CommandLine.ParseResult parse, Option<int?> maxRows, Option<int?> maxDelay) =>
        parse.GetValue(maxRows) is null && parse.GetValue(maxDelay) is null ? null
            : new Core.Serving.Batching.BatchSettings(parse.GetValue(maxRows) ?? Core.Serving.Batching.BatchSettings.DefaultMaxRows,
                parse.GetValue(maxDelay) ?? Core.Serving.Batching.BatchSettings.DefaultMaxDelayUs);

    private static Command Batching()
    {
        var name = new Argument<string>("name");
        var (maxRows, maxDelay) = BatchingOptions();
        var reset = new Option<bool>("--default") { Description = "Give every variant its model's default again" };
        var command = new Command("batching", "Set how concurrent requests to an endpoint share model calls") { name, maxRows, maxDelay, reset };
        command.WithClient(async (parse, client, printer, ct) =>
        {
            var batching = ReadBatching(parse, maxRows, maxDelay);
            if (batching is not null == parse.GetValue(reset))
            {
                throw GyreException.Invalid("batching: expected --batch-max-rows and/or --batch-max-delay-us, or --default");
            }
            var endpoint = await client.Endpoints.SetBatchingAsync(parse.GetValue(name)!, batching, ct);
            printer.Done($"Endpoint {endpoint.Name} batches {Batching(endpoint)}");
        });
        return command;
    }

    private static (Option<string?> Lookup, Option<string?> Missing) LookupOptions() => (
        new Option<string?>("--lookup") { Description = "Features the gateway fills from the online store by each row's entity key: GROUP:FEATURE or GROUP:*, comma-separated (request values win)" },
        new Option<string?>("--missing") { Description = "When an entity has no (fresh) features: reject (default, a 400 naming it) or null (missing values for the model)" });

    private static Core.Features.Lookups.FeatureLookup? ReadLookup(System.CommandLine.ParseResult parse, Option<string?> lookup, Option<string?> missing) =>
        parse.GetValue(lookup) is { } features ? new Core.Features.Lookups.FeatureLookup(FeaturesCommands.Split(features), parse.GetValue(missing))
            : parse.GetValue(missing) is not null ? throw GyreException.Invalid("--missing: needs --lookup, the features to look up") : null;

    private static Command Features()
    {
        var name = new Argument<string>("name");
        var (lookup, missing) = LookupOptions();
        var none = new Option<bool>("--none") { Description = "Look nothing up: requests carry every input again" };
        var command = new Command("features", "Set the features an endpoint's gateway looks up from the online store") { name, lookup, missing, none };
        command.WithClient(async (parse, client, printer, ct) =>
        {
            var features = ReadLookup(parse, lookup, missing);
            if (features is not null == parse.GetValue(none))
            {
                throw GyreException.Invalid("features: expected --lookup GROUP:FEATURE,... (and --missing), or --none");
            }
            var endpoint = await client.Endpoints.SetFeaturesAsync(parse.GetValue(name)!, features, ct);
            printer.Done($"Endpoint {endpoint.Name} {Lookups(endpoint)}", endpoint);
        });
        return command;
    }

    private static string Lookups(Endpoint endpoint) => endpoint.Features is { } f
        ? $"looks up {string.Join(", ", f.Lookup ?? [])} (missing entities: {f.MissingPolicy})"
        : "looks up no features";

    private static string Batching(Endpoint endpoint) => endpoint.Batching switch
    {
        null => "as its models do by default",
        { On: false } => "off",
        var on => $"up to {on.MaxRows} rows a call, waiting up to {on.MaxDelayUs} µs for company",
    };

    private static Command List()
    {
        var command = new Command("list", "List endpoints with their state and variants");
        command.WithClient(async (parse, client, printer, ct) =>
        {
            var page = await client.Endpoints.ListAsync(ct);
            printer.List(page.Items, page, "No endpoints yet. Create one with `gyre endpoints create NAME --model MODEL@champion`.",
                ("NAME", e => e.Endpoint.Name), ("MODEL", e => e.Endpoint.Model), ("STATE", e => e.State), ("VARIANTS", e => Variants(e.Endpoint)),
                ("LOG", e => e.Endpoint.LogMode), ("CREATED", e => Printer.Time(e.Endpoint.CreationTime)));
        });
        return command;
    }

    private static Command Show()
    {
        var name = new Argument<string>("name");
        var command = new Command("show", "Show an endpoint") { name };
        command.WithClient(async (parse, client, printer, ct) => Print(printer, await client.Endpoints.GetAsync(parse.GetValue(name)!, ct)));
        return command;
    }

    private static Command Delete()
    {
        var name = new Argument<string>("name");
        var command = new Command("delete", "Delete an endpoint (its prediction log is kept)") { name };
        command.WithClient(async (parse, client, printer, ct) =>
        {
            await client.Endpoints.DeleteAsync(parse.GetValue(name)!, ct);
            printer.Done($"Deleted endpoint {parse.GetValue(name)}");
        });
        return command;
    }

    private static Command Predict()
    {
        var name = new Argument<string>("name");
        var data = new Option<string>("--data") { Required = true, Description = "The request body: {\"instances\": [...]} or {\"dataframe_split\": {...}}, or @FILE to read it from a file" };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "Print the prediction ids alone, a line each (what feedback refers to)" };
        var command = new Command("predict", "Send one prediction request and print the answer") { name, data, quiet };
        command.WithClient(async (parse, client, printer, ct) =>
        {
            var text = parse.GetValue(data)!;
            if (text.StartsWith('@'))
            {
                var path = text[1..];
                text = File.Exists(path) ? await File.ReadAllTextAsync(path, ct) : throw GyreException.Invalid($"--data: file '{path}' does not exist");
            }
            JsonDocument body;
            Core.Serving.Protocol.PredictResponse answer;
            try
            {
                body = JsonDocument.Parse(text);
            }
            catch (JsonException e)
            {
                throw GyreException.Invalid($"--data: not valid JSON ({e.Message.Split(" Path:")[0]})");
            }
            using (body)
            {
                answer = await client.Endpoints.PredictAsync(parse.GetValue(name)!, body.RootElement, ct);
            }
            if (parse.GetValue(quiet))
            {
                foreach (var id in answer.PredictionIds)
                {
                    Console.Out.WriteLine(id);
                }
                return;
            }
            if (printer.IsJson)
            {
                printer.Done("", answer);
                return;
            }
            printer.List(answer.Predictions.Select((p, i) => (Id: answer.PredictionIds[i], Prediction: p.GetRawText())).ToList(), null, "",
                ("PREDICTION_ID", r => r.Id), ("PREDICTION", r => r.Prediction));
            Console.Out.WriteLine($"answered by {answer.Model} (variant {answer.Variant})");
        });
        return command;
    }

    private static Command Predictions()
    {
        var name = new Argument<string>("name");
        var output = new Option<FileInfo>("--output", "-o") { Required = true, Description = "The Parquet file to write; an existing file is not overwritten" };
        var since = new Option<DateTimeOffset?>("--since") { Description = "From this time (ISO 8601; default: the beginning)" };
        var until = new Option<DateTimeOffset?>("--until") { Description = "Before this time (default: now)" };
        var command = new Command("predictions", "Export an endpoint's prediction log, with feedback, as Parquet") { name, output, since, until };
        command.WithClient(async (parse, client, printer, ct) =>
        {
            var path = parse.GetValue(output)!;
            if (path.Exists)
            {
                throw GyreException.Invalid($"--output: '{path.FullName}' exists; choose another file");
            }
            var size = await Downloads.WriteAsync(path, stream => client.Endpoints.DownloadPredictionsAsync(parse.GetValue(name)!, stream,
                parse.GetValue(since)?.ToUnixTimeMilliseconds(), parse.GetValue(until)?.ToUnixTimeMilliseconds(), ct));
            printer.Done($"Wrote {path.FullName} ({size} bytes)", new { path = path.FullName });
        });
        return command;
    }

    private static string Variants(Endpoint endpoint) =>
        string.Join(", ", endpoint.Variants.Select(v => $"{v.ModelName}/{v.ModelVersion} {v.Weight}%{(v.Role == VariantRoles.Shadow ? " shadow" : "")}"));

    private static void Print(Printer printer, EndpointStatus status) =>
        printer.Object(status, ("name", status.Endpoint.Name), ("model", status.Endpoint.Model), ("state", status.State), ("reason", status.Reason),
            ("variants", Variants(status.Endpoint)), ("log mode", status.Endpoint.LogMode), ("batching", Batching(status.Endpoint)),
            ("features", status.Endpoint.Features is null ? null : Lookups(status.Endpoint)), ("description", status.Endpoint.Description),
            ("created", Printer.Time(status.Endpoint.CreationTime)), ("updated", Printer.Time(status.Endpoint.LastUpdateTime)));
}
