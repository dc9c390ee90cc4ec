using System.Globalization;
using System.Text.Json;

namespace Gyre.Cli.Tests;

/// <summary>
/// The shipped feature-store example, run as its header says: a feature group made from the account
/// history, a pipeline that trains on point-in-time features and deploys an endpoint that looks them up,
/// a prediction from the customer's id alone, equal to the same model's given the customer's latest values,
/// and a monitor window whose skew check is clean.
/// </summary>
public sealed class CliFeaturesExampleTests
{
    [Fact]
    public async Task TheExample_TrainsOnPointInTimeFeatures_AndServesFromTheCustomersIdAlone()
    {
        await using var server = await ServerProcess.StartAsync();
        var folder = Path.Combine(AppContext.BaseDirectory, "examples", "features");
        async Task<GyreProcess.Result> Gyre(params string[] args)
        {
            var result = await GyreProcess.RunAsync(server.Environment, args);
            Assert.True(result.ExitCode == 0, $"gyre {string.Join(' ', args)}: {result.Stdout}{result.Stderr}");
            return result;
        }
        await Gyre("data", "add", Path.Combine(folder, "accounts.csv"), "--name", "accounts-history");
        await Gyre("features", "create", "accounts", "--from", "accounts-history@1", "--entity", "customer_id", "--event-time", "ts");

        var run = await Gyre("pipelines", "run", Path.Combine(folder, "pipeline.yaml"));
        Assert.Contains("churn-training@1 (800 rows; accounts@1)", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("accounts: 1 parts, 1600 rows, 400 entities changed, 0 late rows; 400 entities online", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("created endpoint 'churn-features' serving churn-features/1", run.Stdout, StringComparison.Ordinal);
        Assert.EndsWith("run 1 succeeded (8 succeeded)", run.Stdout.Trim(), StringComparison.Ordinal);

        // A monitor on the endpoint: its first window's skew check finds the features served equal to the offline store's.
        await Gyre("monitor", "set", "churn-features", "--window-predictions", "10");
        var customers = string.Join(", ", Enumerable.Range(1, 10).Select(c => $"{{\"customer_id\": \"c{c:0000}\"}}"));
        await Gyre("endpoints", "predict", "churn-features", "--data", $"{{\"instances\": [{customers}]}}");
        var shown = "";
        for (var tries = 0; tries < 120 && !shown.Contains("none of 10", StringComparison.Ordinal); tries++)
        {
            await Task.Delay(500);
            shown = (await Gyre("monitor", "show", "churn-features")).Stdout;
        }
        Assert.Contains("none of 10", shown, StringComparison.Ordinal);

        // The customer's latest row in the history, given in full to the same model without lookups.
        var latest = File.ReadLines(Path.Combine(folder, "accounts.csv")).Skip(1).Select(l => l.Split(','))
            .Where(f => f[0] == "c0042").MaxBy(f => DateTime.Parse(f[1], CultureInfo.InvariantCulture))!;
        await Gyre("endpoints", "create", "churn-plain", "--model", "churn-features/1");
        var full = $"{{\"instances\": [{{\"tenure\": {latest[2]}, \"monthly_charges\": {latest[3]}, \"support_calls\": {latest[4]}}}]}}";
        var byId = Predictions(await Gyre("endpoints", "predict", "churn-features", "--data", "{\"instances\": [{\"customer_id\": \"c0042\"}], \"parameters\": {}}", "--json"));
        Assert.Equal(Predictions(await Gyre("endpoints", "predict", "churn-plain", "--data", full, "--json")), byId);

        // The log holds what the model saw.
        using var http = new HttpClient { BaseAddress = new Uri(server.Url) };
        var logged = JsonDocument.Parse(await http.GetStringAsync("/api/v1/endpoints/churn-features/predictions")).RootElement.GetProperty("items").EnumerateArray()
            .Select(p => JsonDocument.Parse(p.GetProperty("prediction").GetProperty("inputs").GetString()!).RootElement).ToList();
        var inputs = Assert.Single(logged, i => i.GetProperty("customer_id").GetString() == "c0042");
        Assert.Equal((latest[2], latest[4]), (inputs.GetProperty("tenure").GetRawText(), inputs.GetProperty("support_calls").GetRawText()));
    }

    private static string Predictions(GyreProcess.Result result) => JsonDocument.Parse(result.Stdout).RootElement.GetProperty("predictions").GetRawText();
}
