using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Gyre.Cli.Tests;

/// <summary><c>gyre monitor set|show|bias</c> as a user runs them against a server process: drift windows, the sequential detectors' alarms, and bias per group.</summary>
public sealed class CliMonitorTests
{
    private static readonly string Onnx = Path.Combine(AppContext.BaseDirectory, "Fixtures", "onnx");
    private static readonly string[] Features = ["age", "sex", "bmi", "bp", "s1", "s2", "s3", "s4", "s5", "s6"];

    [Fact]
    public async Task MonitorShow_PrintsTheSequentialDetectors_AndTheirAlarm_AndBadSettingsAreOneLine()
    {
        await using var server = await ServerProcess.StartAsync();
        Task<GyreProcess.Result> Gyre(params string[] args) => GyreProcess.RunAsync(server.Environment, args);
        Assert.Equal(0, (await Gyre("models", "import", Path.Combine(Onnx, "diabetes_mlp.onnx"), "--name", "diabetes", "--task", "regression", "--features", string.Join(',', Features))).ExitCode);
        Assert.Equal(0, (await Gyre("endpoints", "create", "diabetes", "--model", "diabetes/1")).ExitCode);
        var csv = Path.Combine(server.Home, "diabetes.csv");
        await File.WriteAllLinesAsync(csv, File.ReadLines(Path.Combine(Onnx, "diabetes_mlp.csv")).Select(l => string.Join(',', l.Split(',')[..10])));
        Assert.Equal(0, (await Gyre("data", "add", csv, "--name", "diabetes-ref")).ExitCode);

        var bad = await Gyre("monitor", "set", "diabetes", "--reference", "diabetes-ref@1", "--cusum-h", "0");
        Assert.Equal((1, "gyre: error: invalid_argument: sequential.cusum_h: expected more than 0 to 1000 standard errors, got 0"), (bad.ExitCode, bad.Stderr.Trim()));
        var set = await Gyre("monitor", "set", "diabetes", "--reference", "diabetes-ref@1", "--window-predictions", "40", "--page-hinkley-lambda", "20");
        Assert.True(set.ExitCode == 0, set.Stderr);

        // A window of the reference's own rows, then one whose bmi is two of its standard deviations higher.
        var rows = File.ReadLines(Path.Combine(Onnx, "diabetes_mlp.csv")).Skip(1).Take(40)
            .Select(l => l.Split(',')[..10].Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray()).ToList();
        using var http = new HttpClient { BaseAddress = new Uri(server.Url) };
        foreach (var shift in new[] { 0.0, 0.095 })
        {
            var instances = rows.Select(r => Features.Select((f, i) => (f, r[i] + (f == "bmi" ? shift : 0))).ToDictionary(x => x.f, x => x.Item2)).ToList();
            (await http.PostAsJsonAsync("/endpoints/diabetes/predict", new { instances })).EnsureSuccessStatusCode();
            await Task.Delay(20);
        }
        JsonElement shown = default;
        for (var i = 0; i < 60; i++)
        {
            shown = JsonDocument.Parse((await Gyre("monitor", "show", "diabetes", "--json")).Stdout).RootElement;
            if (shown.GetProperty("windows").GetArrayLength() == 2)
            {
                break;
            }
            await Task.Delay(500);
        }
        var latest = shown.GetProperty("windows")[0];
        Assert.Equal(20.0, shown.GetProperty("monitor").GetProperty("settings").GetProperty("sequential").GetProperty("page_hinkley_lambda").GetDouble());
        var bmi = latest.GetProperty("sequential").EnumerateArray().Single(p => p.GetProperty("statistic").GetString() == "bmi");
        Assert.Equal("cusum", bmi.GetProperty("alarms")[0].GetProperty("detector").GetString());
        // Each feature's mean, and the PCA reconstruction error over all ten.
        Assert.Equal([.. Features, "reconstruction_error"], latest.GetProperty("sequential").EnumerateArray().Select(p => p.GetProperty("statistic").GetString()));

        var text = await Gyre("monitor", "show", "diabetes");
        Assert.True(text.ExitCode == 0, text.Stderr);
        Assert.Contains("bmi up (CUSUM, since ", text.Stdout, StringComparison.Ordinal);
        Assert.Contains($"Sequential detectors after window {latest.GetProperty("id").GetInt64()} (CUSUM k=0.75, alarm above h=7; Page–Hinkley δ=0.5, alarm above λ=20):", text.Stdout, StringComparison.Ordinal);
        var line = text.Stdout.Split('\n').Single(l => l.Contains("│ bmi ", StringComparison.Ordinal) && l.Contains("mean", StringComparison.Ordinal));
        Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"{bmi.GetProperty("cusum").GetProperty("upper").GetDouble():0.###}"), line, StringComparison.Ordinal);
        Assert.Contains("CUSUM up since", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MonitorBias_PrintsEachGroupsBias_FromTheLabelledWindow_AndTrainingPrintsItsOwn()
    {
        await using var server = await ServerProcess.StartAsync();
        Task<GyreProcess.Result> Gyre(params string[] args) => GyreProcess.RunAsync(server.Environment, args);
        // y follows x alone; group b's x runs lower, so a model that never sees the group says true for it less often.
        var random = new Random(12);
        (string Group, double X) Draw() => random.NextDouble() < 0.6 ? ("a", random.NextDouble() * 2) : ("b", (random.NextDouble() * 2) - 0.8);
        bool Outcome(double x) => random.NextDouble() < 1 / (1 + Math.Exp(-4 * (x - 0.5)));
        var csv = new StringBuilder("x,group,y\n");
        for (var i = 0; i < 1000; i++)
        {
            var (group, x) = Draw();
            csv.Append(CultureInfo.InvariantCulture, $"{x:F4},{group},{(Outcome(x) ? "true" : "false")}\n");
        }
        var data = Path.Combine(server.Home, "loans.csv");
        var schema = Path.Combine(server.Home, "loans.yaml");
        await File.WriteAllTextAsync(data, csv.ToString());
        await File.WriteAllTextAsync(schema, "columns:\n  group: {role: sensitive}\n  y: {role: label}\n");
        Assert.Equal(0, (await Gyre("data", "schema", "set", "loans", schema)).ExitCode);
        Assert.Equal(0, (await Gyre("data", "add", data, "--name", "loans")).ExitCode);
        var trained = await Gyre("train", "--dataset", "loans", "--task", "binary", "--register", "loans");
        Assert.True(trained.ExitCode == 0, trained.Stderr);
        Assert.Matches("│ bias +│ by group \\(y = true favourable\\): a DPPL -?[0-9.]+ DI [0-9.]+, b DPPL [0-9.]+ DI [0-9.]+ \\(below four-fifths\\)", trained.Stdout);

        Assert.Equal(0, (await Gyre("endpoints", "create", "loans", "--model", "loans/1")).ExitCode);
        var bad = await Gyre("monitor", "set", "loans", "--sensitive", "gender");
        Assert.Equal(1, bad.ExitCode);
        Assert.StartsWith("gyre: error: invalid_argument: bias.sensitive: 'gender' is not a column of the reference loans.train@1 (its columns: ", bad.Stderr.Trim(), StringComparison.Ordinal);
        Assert.Equal(0, (await Gyre("monitor", "set", "loans", "--window-predictions", "200", "--sensitive", "group")).ExitCode);

        var draws = Enumerable.Range(0, 200).Select(_ => Draw()).ToList();
        using var http = new HttpClient { BaseAddress = new Uri(server.Url) };
        var response = await http.PostAsJsonAsync("/endpoints/loans/predict", new { instances = draws.Select(d => new Dictionary<string, object> { ["x"] = d.X, ["group"] = d.Group }) });
        var answer = JsonDocument.Parse(await response.EnsureSuccessStatusCode().Content.ReadAsStringAsync()).RootElement;
        var ids = answer.GetProperty("prediction_ids").EnumerateArray().Select(i => i.GetString()!).ToList();
        var said = answer.GetProperty("predictions").EnumerateArray().Select(p => p.GetProperty("label").GetString() == "true").ToList();
        var truth = draws.Select(d => Outcome(d.X)).ToList();
        (await http.PostAsJsonAsync("/endpoints/loans/feedback", ids.Select((id, i) => new { prediction_id = id, actual = truth[i] ? "true" : "false" }))).EnsureSuccessStatusCode();

        JsonElement windows = default;
        for (var i = 0; i < 60; i++)
        {
            windows = JsonDocument.Parse((await Gyre("monitor", "bias", "loans", "--json")).Stdout).RootElement;
            if (windows.GetArrayLength() == 1)
            {
                break;
            }
            await Task.Delay(500);
        }
        var b = windows[0].GetProperty("report").GetProperty("facets").EnumerateArray().Single(f => f.GetProperty("facet").GetString() == "b");
        // DPPL written out: the others' share predicted true less group b's.
        double Share(bool inB) => Enumerable.Range(0, draws.Count).Where(i => (draws[i].Group == "b") == inB).Average(i => said[i] ? 1.0 : 0.0);
        Assert.Equal(Share(false) - Share(true), b.GetProperty("posttraining").GetProperty("dppl").GetDouble(), 12);

        var text = await Gyre("monitor", "bias", "loans");
        Assert.True(text.ExitCode == 0, text.Stderr);
        Assert.Contains($"window {windows[0].GetProperty("window").GetInt64()} (", text.Stdout, StringComparison.Ordinal);
        Assert.Contains("200 of 200 predictions labelled; by group, favourable y = true", text.Stdout, StringComparison.Ordinal);
        var row = text.Stdout.Split('\n').Single(l => l.Contains("│ b ", StringComparison.Ordinal));
        Assert.Contains(Printer.Number(b.GetProperty("posttraining").GetProperty("dppl").GetDouble(), 4), row, StringComparison.Ordinal);
        var unknown = await Gyre("monitor", "bias", "loans", "--sensitive", "gender");
        Assert.Equal(1, unknown.ExitCode);
        Assert.StartsWith("gyre: error: invalid_argument: sensitive: 'gender' is not a column of the reference loans.train@1", unknown.Stderr.Trim(), StringComparison.Ordinal);
    }
}
