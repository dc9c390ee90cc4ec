using System.Globalization;
using System.Text;
using System.Text.Json;
using Gyre.Core.Serving.Log;

namespace Gyre.Core.Pipelines.Steps.BuiltIn;

/// <summary>
/// Writes an endpoint's predictions that have feedback as a CSV file: one column per input field
/// (in the order first seen), then the actual under <c>label</c>. Shadow copies are left out: they
/// repeat a row the primary answered.
/// </summary>
internal static class FeedbackCsv
{
    private const int PageSize = 5000;

    public static async Task<long> WriteAsync(IPredictionLog log, string endpoint, long since, long until, string label, string path, CancellationToken ct)
    {
        var columns = new List<string>();
        var known = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var (inputs, _) in LabelledAsync(log, endpoint, since, until, ct))
        {
            foreach (var property in inputs.RootElement.EnumerateObject().Where(p => p.Name != label && known.Add(p.Name)))
            {
                columns.Add(property.Name);
            }
            inputs.Dispose();
        }
        long rows = 0;
        await using var writer = new StreamWriter(path, false, new UTF8Encoding(false));
        await writer.WriteLineAsync(string.Join(',', columns.Append(label).Select(Quote)));
        var line = new StringBuilder();
        await foreach (var (inputs, actual) in LabelledAsync(log, endpoint, since, until, ct))
        {
            line.Clear();
            foreach (var column in columns)
            {
                line.Append(inputs.RootElement.TryGetProperty(column, out var value) ? Cell(value) : "").Append(',');
            }
            using (var actualJson = JsonDocument.Parse(actual))
            {
                line.Append(Cell(actualJson.RootElement));
            }
            inputs.Dispose();
            await writer.WriteLineAsync(line, ct);
            rows++;
        }
        return rows;
    }

    private static async IAsyncEnumerable<(JsonDocument Inputs, string Actual)> LabelledAsync(
        IPredictionLog log, string endpoint, long since, long until, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        string? token = null;
        do
        {
            var (items, next) = await log.QueryAsync(endpoint, since, until, PageSize, token, ct);
            foreach (var item in items.Where(i => i.Actual is not null && i.Prediction.Routing != Routings.Shadow))
            {
                var inputs = JsonDocument.Parse(item.Prediction.Inputs);
                if (inputs.RootElement.ValueKind == JsonValueKind.Object)
                {
                    yield return (inputs, item.Actual!);
                }
                else
                {
                    inputs.Dispose();
                }
            }
            token = next;
        }
        while (token is not null);
    }

    private static string Cell(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Null or JsonValueKind.Undefined => "",
        JsonValueKind.String => Quote(value.GetString()!),
        JsonValueKind.Number => value.GetDouble().ToString("R", CultureInfo.InvariantCulture),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => Quote(value.GetRawText()),
    };

    private static string Quote(string text) =>
        text.AsSpan().IndexOfAny("\",\r\n") >= 0 ? "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : text;
}
