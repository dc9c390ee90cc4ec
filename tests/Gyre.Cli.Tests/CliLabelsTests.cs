using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using DuckDB.NET.Data;

namespace Gyre.Cli.Tests;

/// <summary><c>gyre labels</c> as a user runs it against a server process: a queue opened, sampled, labelled, shown and exported.</summary>
public sealed class CliLabelsTests
{
    private static readonly string Onnx = Path.Combine(AppContext.BaseDirectory, "Fixtures", "onnx");

    [Fact]
    public async Task AnUncertaintyQueue_OnAMulticlassModel_PicksTheHighestEntropy_AndItsLabelsExportAsParquet()
    {
        await using var server = await ServerProcess.StartAsync();
        Task<GyreProcess.Result> Gyre(params string[] args) => GyreProcess.RunAsync(server.Environment, args);
        var features = Enumerable.Range(1, 13).Select(i => $"f{i}").ToArray();
        Assert.Equal(0, (await Gyre("models", "import", Path.Combine(Onnx, "wine_mlp.onnx"), "--name", "wine", "--task", "multiclass", "--classes", "a,b,c",
            "--features", string.Join(',', features))).ExitCode);
        Assert.Equal(0, (await Gyre("endpoints", "create", "wine", "--model", "wine/1")).ExitCode);

        var bad = await Gyre("labels", "queue", "create", "wq", "--endpoint", "wine", "--strategy", "uncertainty", "--rate", "0/hour");
        Assert.Equal((1, "gyre: error: invalid_argument: rate: expected more than 0 and at most 100000 an hour, got '0/hour'"), (bad.ExitCode, bad.Stderr.Trim()));
        bad = await Gyre("labels", "queue", "create", "wq", "--endpoint", "wine", "--strategy", "uncertainty", "--rate", "5/hour", "--window", "5x");
        Assert.Equal((1, "gyre: error: invalid_argument: --window: expected a duration such as 30s, 10m, 2h or 1d, got '5x'"), (bad.ExitCode, bad.Stderr.Trim()));
        bad = await Gyre("labels", "queue", "create", "wq", "--endpoint", "merlot", "--strategy", "uncertainty", "--rate", "5/hour");
        Assert.Equal((1, "gyre: error: not_found: endpoint: no endpoint named 'merlot'"), (bad.ExitCode, bad.Stderr.Trim()));

        // 100 a minute over windows of 3 s: the 5 answers with the highest entropy of the window's 178.
        var created = await Gyre("labels", "queue", "create", "wq", "--endpoint", "wine", "--strategy", "uncertainty", "--rate", "100/minute", "--window", "3s", "--since", "1s");
        Assert.True(created.ExitCode == 0, created.Stderr);
        Assert.Contains("Opened the labelling queue 'wq' on 'wine': uncertainty, up to 100/minute, a choice every 3 s of traffic; labels: a, b, c", created.Stdout, StringComparison.Ordinal);
        var rows = File.ReadLines(Path.Combine(Onnx, "wine_mlp.csv")).Skip(1).Select(l => l.Split(',')[..13].Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray()).ToList();
        using var http = new HttpClient { BaseAddress = new Uri(server.Url) };
        var answer = await (await http.PostAsJsonAsync("/endpoints/wine/predict", new { instances = rows.Select(r => features.Zip(r).ToDictionary(p => p.First, p => p.Second)) }))
            .Content.ReadFromJsonAsync<JsonElement>();
        var entropy = answer.GetProperty("prediction_ids").EnumerateArray().Zip(answer.GetProperty("predictions").EnumerateArray())
            .Select(p => (Id: p.First.GetString()!, H: -p.Second.GetProperty("probabilities").EnumerateObject().Select(c => c.Value.GetDouble()).Where(v => v > 0).Sum(v => v * Math.Log(v))))
            .ToList();

        JsonElement status = default;
        for (var i = 0; i < 60 && (status.ValueKind == JsonValueKind.Undefined || status.GetProperty("items").GetProperty("open").GetInt64() < 5); i++)
        {
            await Task.Delay(500);
            status = JsonDocument.Parse((await Gyre("labels", "queue", "show", "wq", "--json")).Stdout).RootElement;
        }
        var items = await http.GetFromJsonAsync<JsonElement>("/api/v1/label-queues/wq/items");
        var picked = items.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("item").GetProperty("prediction_id").GetString()!).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(entropy.OrderByDescending(e => e.H).ThenBy(e => e.Id, StringComparer.Ordinal).Take(5).Select(e => e.Id).Order(StringComparer.Ordinal), picked);

        // Labelled by the one person at this machine (no token on loopback), then shown and exported.
        for (var k = 0; k < 3; k++)
        {
            (await http.PostAsJsonAsync($"/api/v1/label-queues/wq/items/{picked[k]}/labels", new { label = "abc"[k].ToString() })).EnsureSuccessStatusCode();
        }
        var shown = await Gyre("labels", "queue", "show", "wq");
        Assert.True(shown.ExitCode == 0, shown.Stderr);
        Assert.Contains("items: 2 open, 0 in review, 3 done", shown.Stdout, StringComparison.Ordinal);
        Assert.Contains("agreement: no item has two labels yet", shown.Stdout, StringComparison.Ordinal);
        var list = await Gyre("labels", "queue", "list");
        Assert.Contains("│ wq ", list.Stdout, StringComparison.Ordinal);

        var parquet = Path.Combine(server.Home, "labels.parquet");
        var exported = await Gyre("labels", "export", "wq", "--output", parquet);
        Assert.True(exported.ExitCode == 0, exported.Stderr);
        using var duck = new DuckDBConnection("DataSource=:memory:");
        duck.Open();
        using var read = duck.CreateCommand();
        read.CommandText = $"SELECT prediction_id, label::VARCHAR, labeller, final_label::VARCHAR, json_extract(inputs, '$.f1')::DOUBLE FROM read_parquet('{parquet}') ORDER BY prediction_id";
        using var reader = read.ExecuteReader();
        var exportedRows = new List<(string, string, string, string)>();
        while (reader.Read())
        {
            exportedRows.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3)));
            Assert.True(reader.GetDouble(4) > 10, "the row's inputs are in the export");
        }
        Assert.Equal(picked.Take(3).Select((id, k) => (id, $"\"{"abc"[k]}\"", "local", $"\"{"abc"[k]}\"")), exportedRows);
        var again = await Gyre("labels", "export", "wq", "--output", parquet);
        Assert.Equal(1, again.ExitCode);
    }
}
