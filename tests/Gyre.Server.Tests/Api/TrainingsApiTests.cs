using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using Gyre.Core.Data;
using Gyre.Core.Learning.Training;
using Gyre.Core.Models;

namespace Gyre.Server.Tests.Api;

public sealed class TrainingsApiTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private Gyre.Client.GyreClient Client => fixture.Server.Client;

    /// <summary>
    /// A churn-like table with a known signal: churned when tenure is short and charges high, with
    /// 10 % of labels flipped; monthly_charges misses 5 % of its values; segment is one of three.
    /// </summary>
    private static string Churn(int rows, int seed)
    {
        var random = new Random(seed);
        var text = new StringBuilder("customer_id,tenure,monthly_charges,plan,segment,churned\n");
        for (var i = 0; i < rows; i++)
        {
            var tenure = random.Next(0, 72);
            var charges = 20 + (random.NextDouble() * 100);
            var plan = random.Next(3) switch { 0 => "basic", 1 => "plus", _ => "pro" };
            var churned = (charges / 120.0) - (tenure / 72.0) + (plan == "basic" ? 0.2 : 0) > 0.1;
            churned ^= random.NextDouble() < 0.1;
            var segment = tenure < 24 ? "new" : tenure < 48 ? "settled" : "loyal";
            var chargesText = random.NextDouble() < 0.05 ? "" : charges.ToString("F2", CultureInfo.InvariantCulture);
            text.Append(CultureInfo.InvariantCulture, $"c{i},{tenure},{chargesText},{plan},{segment},{(churned ? "true" : "false")}\n");
        }
        return text.ToString();
    }

    private async Task<string> AddAsync(string csv, string? schema = null)
    {
        var name = Unique.Name("train");
        if (schema is not null)
        {
            await Client.Datasets.SetSchemaAsync(name, schema);
        }
        await using var stream = new MemoryStream(Encoding.UTF8.GetBytes(csv));
        await Client.Datasets.AddAsync(name, stream, DatasetFormat.Csv);
        return name;
    }

    private async Task<TrainingResult> TrainAsync(TrainingRequest request)
    {
        var response = await fixture.Server.Http.PostAsJsonAsync("/api/v1/trainings", request, Core.Json.GyreJson.Options);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<TrainingResult>(Core.Json.GyreJson.Options))!;
    }

    [Fact]
    public async Task BinaryTraining_IsARunWithMetricsInputsAndARegisteredPackage()
    {
        var name = await AddAsync(Churn(800, 1), "columns:\n  customer_id: {role: id}\n  churned: {role: label}\n");
        var result = await TrainAsync(new TrainingRequest(name, Task: "binary", Register: name + "-model", Importance: true));

        // The label and features come from the schema's roles; the id is left out.
        Assert.Equal("churned", result.Label);
        Assert.Equal(["tenure", "monthly_charges", "plan", "segment"], result.Features);
        Assert.Equal(["false", "true"], result.Classes!);
        Assert.Equal((name + ".train@1", name + ".test@1"), (result.TrainDataset, result.TestDataset));
        Assert.InRange(result.Binary!.Auc, 0.8, 1.0);
        Assert.Equal(160, result.Binary.Count);

        var run = await Client.Runs.GetAsync(result.RunId);
        Assert.Equal(result.Binary.Auc, run.Metrics.Single(m => m.Key == "test_auc").Value);
        Assert.Equal(("binary", "lightgbm"), (run.Params.Single(p => p.Key == "task").Value, run.Params.Single(p => p.Key == "trainer").Value));
        Assert.Equal(["test", "train"], run.Inputs.Select(i => i.Context).Order());

        var package = await Client.Models.GetPackageAsync(name + "-model", 1);
        Assert.Equal((ModelPackage.MlNet, "model.zip", ModelTasks.Probability), (package.Flavor, package.ModelFile, package.OutputMeaning));
        Assert.Equal(result.Features, package.FeatureColumns);
        // Permutation importance: the columns the label was made from matter most; every feature is measured.
        Assert.Equal(["monthly_charges", "plan", "segment", "tenure"], result.Importance!.Select(i => i.Feature).Order());
        Assert.Contains(result.Importance![0].Feature, new[] { "tenure", "monthly_charges" });
        Assert.True(result.Importance[0].Drop > 0.05, $"{result.Importance[0].Feature} drop {result.Importance[0].Drop}");
        Assert.All(result.Importance, i => Assert.Equal("auc", i.Metric));
        // Metrics per value of each categorical feature, over all the test rows.
        Assert.Equal(["plan=basic", "plan=plus", "plan=pro", "segment=loyal", "segment=new", "segment=settled"], result.Slices!.Select(s => $"{s.Column}={s.Value}"));
        Assert.Equal(160, result.Slices!.Where(s => s.Column == "plan").Sum(s => s.Count));
        Assert.All(result.Slices!, s => Assert.InRange(s.Metrics["accuracy"], 0.5, 1.0));

        // The automatic split was recorded, so the same training reads the same rows again.
        Assert.Single(await Client.Datasets.ListSplitsAsync(name, 1));
    }

    [Theory]
    [InlineData("multiclass", "linear")]
    [InlineData("multiclass", "fasttree")]
    [InlineData("regression", "fasttree")]
    [InlineData("regression", "lightgbm")]
    [InlineData("binary", "linear")]
    public async Task EveryTaskAndTrainer_Learns(string task, string trainer)
    {
        var name = await AddAsync(Churn(600, 2));
        var result = task switch
        {
            "multiclass" => await TrainAsync(new TrainingRequest(name, Task: task, Label: "segment", Trainer: trainer, Features: ["tenure", "monthly_charges"])),
            "regression" => await TrainAsync(new TrainingRequest(name, Task: task, Label: "tenure", Trainer: trainer, Features: ["segment", "plan"])),
            _ => await TrainAsync(new TrainingRequest(name, Task: task, Label: "churned", Trainer: trainer, Features: ["tenure", "monthly_charges", "plan"])),
        };
        switch (task)
        {
            case "multiclass":
                Assert.Equal(["loyal", "new", "settled"], result.Classes!);
                Assert.InRange(result.Multiclass!.Accuracy, 0.8, 1.0);
                break;
            case "regression":
                Assert.InRange(result.Regression!.R2, 0.6, 1.0);
                break;
            default:
                Assert.InRange(result.Binary!.Auc, 0.8, 1.0);
                break;
        }
    }

    [Fact]
    public async Task ACategoricalColumnWithManyValues_IsHashed_AndStillCarriesItsSignal()
    {
        // 400 store ids; the even ones churn. Only a model that tells the ids apart can learn it.
        var random = new Random(5);
        var text = new StringBuilder("store,tenure,churned\n");
        for (var i = 0; i < 4000; i++)
        {
            var store = random.Next(400);
            var churned = (store % 2 == 0) ^ (random.NextDouble() < 0.05);
            text.Append(CultureInfo.InvariantCulture, $"s{store},{random.Next(72)},{(churned ? "true" : "false")}\n");
        }
        var name = await AddAsync(text.ToString(), "columns:\n  store: {type: categorical}\n  churned: {role: label}\n");
        var result = await TrainAsync(new TrainingRequest(name, Task: "binary", Trainer: "linear"));

        var run = await Client.Runs.GetAsync(result.RunId);
        Assert.Equal("store", run.Params.Single(p => p.Key == "hashed_features").Value);
        // Hashing keeps the ids apart well enough to learn them; no slice per id is computed.
        Assert.InRange(result.Binary!.Auc, 0.85, 1.0);
        Assert.DoesNotContain(result.Slices!, s => s.Column == "store");
    }

    [Fact]
    public async Task BadTrainingRequests_AreRefusedBeforeAnyTraining()
    {
        var name = await AddAsync(Churn(100, 3));
        async Task<string> Refused(string body, HttpStatusCode status = HttpStatusCode.BadRequest) =>
            await ProblemAssert.IsAsync(await fixture.Server.Http.PostAsync("/api/v1/trainings", new StringContent(body, Encoding.UTF8, "application/json")),
                status, status == HttpStatusCode.BadRequest ? "invalid_argument" : "conflict");

        Assert.Contains("label: column 'churn' does not exist in", await Refused($$"""{"dataset": "{{name}}", "task": "binary", "label": "churn"}"""), StringComparison.Ordinal);
        var many = await Refused($$"""{"dataset": "{{name}}", "task": "ranking", "trainer": "xgboost", "label": "churned"}""");
        Assert.Contains("task: expected one of binary, multiclass, regression, got 'ranking'", many, StringComparison.Ordinal);
        Assert.Contains("trainer: expected one of lightgbm, fasttree, linear, got 'xgboost'", many, StringComparison.Ordinal);
        Assert.Contains("hyperparameters.depth: not a hyperparameter of lightgbm", await Refused($$$"""{"dataset": "{{{name}}}", "task": "binary", "label": "churned", "hyperparameters": {"depth": 3}}"""), StringComparison.Ordinal);
        Assert.Contains("features: 'customer_id' is text", await Refused($$"""{"dataset": "{{name}}", "task": "binary", "label": "churned", "features": ["customer_id"]}"""), StringComparison.Ordinal);
        Assert.Contains("a binary task needs two (use multiclass)", await Refused($$"""{"dataset": "{{name}}", "task": "binary", "label": "plan"}"""), StringComparison.Ordinal);
        Assert.Contains("a regression needs a numeric label", await Refused($$"""{"dataset": "{{name}}", "task": "regression", "label": "plan"}"""), StringComparison.Ordinal);

        var constant = await AddAsync("x,y\n" + string.Concat(Enumerable.Range(0, 50).Select(i => $"{i},same\n")));
        Assert.Contains("label: 'y' has one value (same)", await Refused($$"""{"dataset": "{{constant}}", "task": "binary", "label": "y"}"""), StringComparison.Ordinal);
        var tiny = await AddAsync("x,y\n1,a\n2,b\n3,a\n4,b\n5,a\n6,b\n");
        Assert.Contains("training needs at least 10", await Refused($$"""{"dataset": "{{tiny}}", "task": "binary", "label": "y"}"""), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Gate_ComparesWithTheChampionOnTheSameTestData_AndStoresTheVerdict()
    {
        var name = await AddAsync(Churn(800, 4), "columns:\n  customer_id: {role: id}\n  churned: {role: label}\n");
        var model = name + "-gated";
        var weak = await TrainAsync(new TrainingRequest(name, Task: "binary", Features: ["plan"], Register: model));
        var gate = new Core.Learning.Gate.GateRequest([new Core.Learning.Gate.MetricThreshold("auc", Threshold: 0.5, MinAbsoluteChange: 0.002)]);

        // No champion yet: only the absolute threshold applies; the AUC is the training's own.
        var first = await Client.Models.GateAsync(model, 1, gate);
        Assert.True(first.Passed);
        Assert.Null(first.Baseline);
        Assert.Equal(["threshold"], first.Checks.Select(c => c.Check));
        Assert.Equal(weak.Binary!.Auc, first.CandidateMetrics["auc"], 12);
        await Client.Models.SetAliasAsync(model, "champion", 1);

        var strong = await TrainAsync(new TrainingRequest(name, Task: "binary", Register: model));
        var second = await Client.Models.GateAsync(model, 2, gate with { SliceColumn = "segment", MaxSliceDrop = 0.5 });
        Assert.True(second.Passed, string.Join("; ", second.Checks.Select(c => c.Reason)));
        Assert.Equal(1, second.Baseline);
        Assert.Equal(weak.Binary.Auc, second.BaselineMetrics!["auc"], 12);
        Assert.Equal(strong.Binary!.Auc, second.CandidateMetrics["auc"], 12);
        Assert.Equal(["threshold", "min_absolute_change", "slice segment=loyal", "slice segment=new", "slice segment=settled"], second.Checks.Select(c => c.Check));

        // The weak model gated against the strong one as champion fails, and says why.
        await Client.Models.SetAliasAsync(model, "champion", 2);
        var third = await Client.Models.GateAsync(model, 1, gate);
        Assert.False(third.Passed);
        var failed = Assert.Single(third.Checks, c => !c.Passed);
        Assert.Equal("min_absolute_change", failed.Check);
        Assert.Contains("less than the 0.002 required", failed.Reason, StringComparison.Ordinal);
        var stored = await Client.Models.GetVersionAsync(model, 1);
        Assert.Contains(stored.Tags, t => t is { Key: "gyre.gate", Value: "failed" });

        var bad = await fixture.Server.Http.PostAsJsonAsync($"/api/v1/models/{model}/versions/1/gate",
            new Core.Learning.Gate.GateRequest([new Core.Learning.Gate.MetricThreshold("rmse", Threshold: 1)]), Core.Json.GyreJson.Options);
        await ProblemAssert.IsAsync(bad, HttpStatusCode.BadRequest, "invalid_argument", "thresholds: 'rmse' is not a binary metric");
        var none = await fixture.Server.Http.PostAsJsonAsync($"/api/v1/models/{model}/versions/1/gate", new Core.Learning.Gate.GateRequest([]), Core.Json.GyreJson.Options);
        await ProblemAssert.IsAsync(none, HttpStatusCode.BadRequest, "invalid_argument", "thresholds: expected at least one");
        var noColumn = await fixture.Server.Http.PostAsJsonAsync($"/api/v1/models/{model}/versions/1/gate",
            new Core.Learning.Gate.GateRequest([new Core.Learning.Gate.MetricThreshold("auc", Threshold: 0.5)], SliceColumn: "nope", MaxSliceDrop: 0.1), Core.Json.GyreJson.Options);
        await ProblemAssert.IsAsync(noColumn, HttpStatusCode.BadRequest, "invalid_argument", "slice_column: 'nope' is not a column of the test data");
        var nullThreshold = await fixture.Server.Http.PostAsJsonAsync($"/api/v1/models/{model}/versions/1/gate", new { thresholds = new object?[] { null } });
        await ProblemAssert.IsAsync(nullThreshold, HttpStatusCode.BadRequest, "invalid_argument", "thresholds[0]: expected {metric, threshold?, min_absolute_change?, min_relative_change?}, got null");
    }

    [Fact]
    public async Task Search_RunsSeededTrialsAsNestedRuns_AndTrainsWithTheBest()
    {
        var name = await AddAsync(Churn(500, 6));
        var request = new TrainingRequest(name, Task: "binary", Label: "churned", Trainer: "fasttree", Seed: 7,
            Hyperparameters: new Dictionary<string, double> { ["num_trees"] = 30 }, Search: new SearchSpec(Trials: 3, Metric: "log_loss"));
        var result = await TrainAsync(request);
        Assert.Equal(3, result.Trials!.Count);
        Assert.All(result.Trials, t => Assert.Equal(30, t.Hyperparameters["num_trees"]));
        // log-loss is lower-better: the final model takes the trial with the least.
        var best = result.Trials.MinBy(t => t.Value)!;
        Assert.Equal(best.Hyperparameters, result.Hyperparameters!);
        foreach (var trial in result.Trials)
        {
            var run = await Client.Runs.GetAsync(trial.RunId);
            Assert.Equal(result.RunId, run.ParentRunId);
            Assert.Equal(trial.Value, run.Metrics.Single(m => m.Key == "validation_log_loss").Value);
        }
        // The validation part is split off the train part in scratch space: no split is recorded and
        // no NAME.train.train or NAME.train.test joins the datasets (the seed reproduces it).
        Assert.Empty(await Client.Datasets.ListSplitsAsync(name + ".train", 1));
        Assert.DoesNotContain((await Client.Datasets.ListAsync()).Items, d => d.Name.StartsWith(name + ".train.", StringComparison.Ordinal));

        // The same seed draws the same trials.
        var again = await TrainAsync(request);
        Assert.Equal(result.Trials.Select(t => t.Hyperparameters["num_leaves"]), again.Trials!.Select(t => t.Hyperparameters["num_leaves"]));
        Assert.Equal(result.Trials.Select(t => t.Value), again.Trials!.Select(t => t.Value));

        var bad = await fixture.Server.Http.PostAsJsonAsync("/api/v1/trainings",
            request with { Search = new SearchSpec(Trials: 0, Metric: "rmse") }, Core.Json.GyreJson.Options);
        var detail = await ProblemAssert.IsAsync(bad, HttpStatusCode.BadRequest, "invalid_argument");
        Assert.Contains("search.trials: expected 1 to 200, got 0", detail, StringComparison.Ordinal);
        Assert.Contains("search.metric: expected one of auc, average_precision", detail, StringComparison.Ordinal);
    }
}
