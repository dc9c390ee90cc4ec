using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;

namespace Gyre.Cli.Tests;

/// <summary><c>gyre monitor set|show</c> as a user runs them against a server process: drift windows and the sequential detectors' alarms.</summary>
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
}
