using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Gyre.Core.Errors;
using Gyre.Core.Serving.Log;

namespace Gyre.Cli.Commands;

/// <summary>
/// <c>gyre endpoints feedback NAME FILE|-</c>: ground truth for logged predictions, from a JSON array
/// of <c>{prediction_id, actual}</c> or a CSV with <c>prediction_id</c> and <c>actual</c> columns, read
/// from a file or standard input, sent in batches the server takes.
/// </summary>
internal static class FeedbackCommand
{
    public static Command Build()
    {
        var name = new Argument<string>("name") { Description = "The endpoint whose predictions the feedback is for" };
        var file = new Argument<string>("file") { Description = "A JSON array of {prediction_id, actual} or a CSV with prediction_id,actual columns; - for standard input" };
        var command = new Command("feedback", "Report what really happened for logged predictions (joined whenever it arrives)") { name, file };
        command.WithClient(async (parse, client, printer, ct) =>
        {
            var path = parse.GetValue(file)!;
            var text = path == "-" ? await Console.In.ReadToEndAsync(ct)
                : File.Exists(path) ? await File.ReadAllTextAsync(path, ct)
                : throw GyreException.Invalid($"file: '{path}' does not exist");
            var items = text.TrimStart().StartsWith('[') ? FromJson(text) : FromCsv(text);
            if (items.Count == 0)
            {
                throw GyreException.Invalid($"file: '{path}' holds no feedback");
            }
            var (accepted, duplicates, unknown) = (0, 0, new List<string>());
            foreach (var batch in items.Chunk(FeedbackLimits.MaxItems))
            {
                var result = await client.Endpoints.FeedbackAsync(parse.GetValue(name)!, batch, ct);
                (accepted, duplicates) = (accepted + result.Accepted, duplicates + result.Duplicates);
                unknown.AddRange(result.Unknown);
            }
            printer.Done($"accepted {accepted}, repeated {duplicates}, unknown {unknown.Count}{(unknown.Count > 0 ? $" ({string.Join(", ", unknown.Take(5))}{(unknown.Count > 5 ? ", ..." : "")})" : "")}",
                new FeedbackResult(accepted, duplicates, unknown));
        });
        return command;
    }

    private static List<(string, object)> FromJson(string text)
    {
        JsonElement root;
        try
        {
            root = JsonDocument.Parse(text).RootElement;
        }
        catch (JsonException e)
        {
            throw GyreException.Invalid($"file: not valid JSON ({e.Message.Split(" Path:")[0]})");
        }
        var items = new List<(string, object)>();
        var i = 0;
        foreach (var item in root.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Object || !item.TryGetProperty("prediction_id", out var id) || id.ValueKind != JsonValueKind.String
                || !item.TryGetProperty("actual", out var actual))
            {
                throw GyreException.Invalid($"file: item {i} is not {{\"prediction_id\": \"...\", \"actual\": ...}}");
            }
            items.Add((id.GetString()!, actual.Clone()));
            i++;
        }
        return items;
    }

    /// <summary>Rows of a CSV with prediction_id and actual columns (others ignored); an actual that reads as a number or a boolean is sent as one.</summary>
    private static List<(string, object)> FromCsv(string text)
    {
        var lines = text.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0).ToList();
        var header = lines.Count > 0 ? lines[0].Split(',').Select(h => h.Trim()).ToList() : [];
        var (idColumn, actualColumn) = (header.IndexOf("prediction_id"), header.IndexOf("actual"));
        if (idColumn < 0 || actualColumn < 0)
        {
            throw GyreException.Invalid("file: expected a JSON array, or a CSV whose header names prediction_id and actual");
        }
        var items = new List<(string, object)>();
        for (var i = 1; i < lines.Count; i++)
        {
            var cells = lines[i].Split(',');
            if (cells.Length != header.Count)
            {
                throw GyreException.Invalid($"file: line {i + 1} has {cells.Length} fields, the header {header.Count}");
            }
            var value = cells[actualColumn].Trim();
            object actual = double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) ? number
                : bool.TryParse(value, out var flag) ? flag
                : value;
            items.Add((cells[idColumn].Trim(), actual));
        }
        return items;
    }
}
