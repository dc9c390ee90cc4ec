using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using Gyre.Core.Data;
using Gyre.Core.Json;
using Gyre.Core.Learning.Training;
using Gyre.Core.Models;

namespace Gyre.Server.Tests.Serving;

/// <summary>Models for serving tests: a LightGBM churn model trained through the API, and the PyTorch ONNX fixtures imported.</summary>
internal static class ServingModels
{
    public static readonly string Onnx = Path.Combine(AppContext.BaseDirectory, "Fixtures", "onnx");

    /// <summary>
    /// Trains churned ~ tenure (number) + plan (categorical) — and region, which serving traffic
    /// never carries, when asked — and registers it as the next version of <paramref name="register"/>
    /// (a new model by default); returns the model name.
    /// </summary>
    public static async Task<string> TrainChurnAsync(TestServer server, string? register = null, int seed = 7, bool withRegion = false, bool inverted = false)
    {
        var random = new Random(seed);
        var csv = new StringBuilder(withRegion ? "tenure,plan,region,churned\n" : "tenure,plan,churned\n");
        for (var i = 0; i < 400; i++)
        {
            var tenure = random.Next(72);
            var plan = random.Next(3) switch { 0 => "basic", 1 => "plus", _ => "pro" };
            var churned = Churns(tenure, plan) ^ (random.NextDouble() < 0.05) ^ inverted;
            var region = withRegion ? (random.Next(2) == 0 ? "north," : "south,") : "";
            csv.Append(CultureInfo.InvariantCulture, $"{tenure},{plan},{region}{(churned ? "left" : "stayed")}\n");
        }
        var name = Unique.Name("churn");
        await using (var stream = new MemoryStream(Encoding.UTF8.GetBytes(csv.ToString())))
        {
            await server.Client.Datasets.AddAsync(name, stream, DatasetFormat.Csv);
        }
        var response = await server.Http.PostAsJsonAsync("/api/v1/trainings",
            new TrainingRequest(name, Task: "binary", Label: "churned", Register: register ?? name + "-model", Hyperparameters: new Dictionary<string, double> { ["min_data_per_leaf"] = 5 }), GyreJson.Options);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return register ?? name + "-model";
    }

    /// <summary>The rule the churn data follows (before its 5 % noise): what really happens, for feedback.</summary>
    public static bool Churns(int tenure, string plan) => tenure < 24 && plan != "pro";

    public static string[] BreastCancerFeatures() => File.ReadLines(Path.Combine(Onnx, "breast_cancer_mlp.csv")).First().Split(',')[..30];

    /// <summary>The breast-cancer rows: 30 features, the label, and ONNX Runtime's reference score.</summary>
    public static List<double[]> BreastCancerRows() => [.. File.ReadLines(Path.Combine(Onnx, "breast_cancer_mlp.csv")).Skip(1)
        .Select(l => l.Split(',').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray())];

    public static async Task<string> ImportBreastCancerAsync(TestServer server)
    {
        var name = Unique.Name("cancer");
        await using var stream = File.OpenRead(Path.Combine(Onnx, "breast_cancer_mlp.onnx"));
        await server.Client.Models.ImportOnnxAsync(name, stream, new ImportOptions("binary", FeatureColumns: BreastCancerFeatures(), OutputMeaning: "score", Classes: ["malignant", "benign"]));
        return name;
    }

    public static async Task<string> CreateEndpointAsync(TestServer server, string model, string? logMode = null)
    {
        var name = Unique.Name("ep");
        var response = await server.Http.PostAsJsonAsync("/api/v1/endpoints", new { name, model, log_mode = logMode });
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return name;
    }
}
