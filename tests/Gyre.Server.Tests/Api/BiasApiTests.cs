using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using Gyre.Core.Data;
using Gyre.Core.Data.Bias;
using Gyre.Core.Learning.Gate;
using Gyre.Core.Learning.Training;

namespace Gyre.Server.Tests.Api;

/// <summary>Bias metrics through HTTP: a dataset's pre-training bias against a second computation, and a gate that refuses an unfair candidate.</summary>
public sealed class BiasApiTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private Gyre.Client.GyreClient Client => fixture.Server.Client;

    private async Task<string> AddAsync(string csv, string? schema = null)
    {
        var name = Unique.Name("bias");
        if (schema is not null)
        {
            await Client.Datasets.SetSchemaAsync(name, schema);
        }
        await using var stream = new MemoryStream(Encoding.UTF8.GetBytes(csv));
        await Client.Datasets.AddAsync(name, stream, DatasetFormat.Csv);
        return name;
    }

    [Fact]
    public async Task PretrainingBias_Of100000Rows_EqualsASecondComputation()
    {
        // Three groups of different sizes and approval rates; the label also has a third value, so the distributions differ in shape.
        var random = new Random(17);
        var rows = Enumerable.Range(0, 100_000).Select(_ =>
        {
            var group = random.NextDouble() switch { < 0.6 => "north", < 0.9 => "south", _ => "islands" };
            var p = group switch { "north" => 0.55, "south" => 0.40, _ => 0.30 };
            var u = random.NextDouble();
            return (Group: group, Outcome: u < p ? "approved" : u < p + 0.1 ? "referred" : "declined");
        }).ToList();
        var csv = new StringBuilder("region,amount,outcome\n");
        foreach (var (group, outcome) in rows)
        {
            csv.Append(CultureInfo.InvariantCulture, $"{group},{random.Next(1000)},{outcome}\n");
        }
        var name = await AddAsync(csv.ToString(), "columns:\n  region: {role: sensitive}\n  outcome: {role: label}\n");

        // The schema's roles name the columns; the favourable value is asked for.
        var report = await Client.Datasets.BiasAsync(name, 1, new BiasRequest(Favourable: "approved"));
        Assert.Equal(("region", "outcome", "approved", 100_000L), (report.Sensitive, report.Label, report.Favourable, report.Rows));
        Assert.Equal(["north", "south", "islands"], report.Facets.Select(f => f.Facet));
        foreach (var facet in report.Facets)
        {
            // A second computation: straight from the rows, with the formulas written out.
            var d = rows.Where(r => r.Group == facet.Facet).ToList();
            var a = rows.Where(r => r.Group != facet.Facet).ToList();
            double Share(List<(string Group, string Outcome)> set, string outcome) => set.Count(r => r.Outcome == outcome) / (double)set.Count;
            string[] outcomes = ["approved", "referred", "declined"];
            var kl = outcomes.Sum(y => Share(a, y) * Math.Log(Share(a, y) / Share(d, y)));
            var js = outcomes.Sum(y =>
            {
                var mid = (Share(a, y) + Share(d, y)) / 2;
                return 0.5 * ((Share(a, y) * Math.Log(Share(a, y) / mid)) + (Share(d, y) * Math.Log(Share(d, y) / mid)));
            });
            Assert.Equal((long)d.Count, facet.Rows);
            Assert.Equal((a.Count - d.Count) / (double)rows.Count, facet.Pretraining.Ci, 12);
            Assert.Equal(Share(a, "approved") - Share(d, "approved"), facet.Pretraining.Dpl, 12);
            Assert.Equal(kl, facet.Pretraining.Kl!.Value, 10);
            Assert.Equal(js, facet.Pretraining.Js, 10);
            Assert.Equal(outcomes.Max(y => Math.Abs(Share(a, y) - Share(d, y))), facet.Pretraining.Ks, 12);
            Assert.Null(facet.Posttraining);
        }
        // The islands get approved least often: the largest positive DPL.
        Assert.Equal("islands", report.Facets.MaxBy(f => f.Pretraining.Dpl)!.Facet);

        var one = await Client.Datasets.BiasAsync(name, 1, new BiasRequest(Favourable: "approved", Facet: "south"));
        Assert.Equal("south", Assert.Single(one.Facets).Facet);
    }

    [Fact]
    public async Task BadBiasRequests_AreRefusedWithTheField()
    {
        var name = await AddAsync("region,constant,outcome\nn,x,yes\ns,x,no\nn,x,no\ns,x,maybe\n");
        async Task<string> RefusedAsync(string query) =>
            await ProblemAssert.IsAsync(await fixture.Server.Http.GetAsync($"/api/v1/datasets/{name}/versions/1/bias?{query}"), HttpStatusCode.BadRequest, "invalid_argument");

        Assert.Contains($"sensitive: 'gender' is not a column of {name}@1 (its columns: region, constant, outcome)", await RefusedAsync("sensitive=gender&label=outcome"), StringComparison.Ordinal);
        Assert.Contains($"sensitive: 'constant' has one value ('x') in {name}@1; bias compares groups, so it needs at least two", await RefusedAsync("sensitive=constant&label=outcome&favourable=yes"), StringComparison.Ordinal);
        Assert.Contains("favourable: name the favourable value of 'outcome' (its values: maybe, no, yes)", await RefusedAsync("sensitive=region&label=outcome"), StringComparison.Ordinal);
        Assert.Contains($"favourable: 'si' is not a value of 'outcome' in {name}@1", await RefusedAsync("sensitive=region&label=outcome&favourable=si"), StringComparison.Ordinal);
        var noRoles = await RefusedAsync("");
        Assert.Contains($"sensitive: name the sensitive column (no column of {name}@1 has the role sensitive)", noRoles, StringComparison.Ordinal);
        Assert.Contains($"label: name the label column (no column of {name}@1 has the role label)", noRoles, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await fixture.Server.Http.GetAsync($"/api/v1/datasets/{name}/versions/9/bias?sensitive=region&label=outcome")).StatusCode);
    }

    /// <summary>
    /// Loans decided in the past with a penalty on group b: approved when income (plus 30 for group a)
    /// and noise pass 60. The postcode area follows the group 19 times in 20, so a model that uses
    /// it learns the penalty: more accurate on this history, and unfair.
    /// </summary>
    private static string Loans(int rows, int seed)
    {
        var random = new Random(seed);
        var text = new StringBuilder("applicant,income,area,group,approved\n");
        for (var i = 0; i < rows; i++)
        {
            var group = random.Next(2) == 0 ? "a" : "b";
            var income = 20 + (random.NextDouble() * 80);
            var area = random.NextDouble() < 0.95 ? (group == "a" ? "east" : "west") : (group == "a" ? "west" : "east");
            var approved = income + (group == "a" ? 30 : 0) + ((random.NextDouble() - 0.5) * 10) > 60;
            text.Append(CultureInfo.InvariantCulture, $"p{i},{income:F1},{area},{group},{(approved ? "true" : "false")}\n");
        }
        return text.ToString();
    }

    [Fact]
    public async Task Gate_RefusesAMoreAccurateButLessFairCandidate_WithTheReason()
    {
        var name = await AddAsync(Loans(2000, 3), "columns:\n  applicant: {role: id}\n  group: {role: sensitive}\n  approved: {role: label}\n");
        var model = name + "-model";
        async Task<TrainingResult> TrainAsync(string[] features)
        {
            var response = await fixture.Server.Http.PostAsJsonAsync("/api/v1/trainings",
                new TrainingRequest(name, Task: "binary", Features: features, Register: model, Seed: 1), Core.Json.GyreJson.Options);
            Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
            return (await response.Content.ReadFromJsonAsync<TrainingResult>(Core.Json.GyreJson.Options))!;
        }
        await TrainAsync(["income"]);
        await Client.Models.SetAliasAsync(model, "champion", 1);
        var trained = await TrainAsync(["income", "area"]);

        var gate = new GateRequest([new MetricThreshold("accuracy", MinAbsoluteChange: 0.01)], Bias: new BiasBounds(MinDisparateImpact: 0.8, MaxAbsDppl: 0.2));
        var verdict = await Client.Models.GateAsync(model, 2, gate);
        Assert.False(verdict.Passed, string.Join("; ", verdict.Checks.Select(c => c.Reason)));
        // More accurate: the accuracy check passes; the bias checks of group b fail, and say why.
        Assert.True(verdict.Checks.Single(c => c.Check == "min_absolute_change").Passed);
        var failed = verdict.Checks.Where(c => !c.Passed).ToList();
        Assert.Contains(failed, c => c is { Check: "bias group=b", Metric: "disparate_impact" } && c.Reason.Contains("disparate impact of group=b", StringComparison.Ordinal)
            && c.Reason.Contains("is below 0.8 (predicted true for ", StringComparison.Ordinal));
        Assert.All(failed, c => Assert.StartsWith("bias group=", c.Check, StringComparison.Ordinal));

        // Both models' bias is in the verdict: the champion, which never saw the area, was fair.
        var candidate = verdict.CandidateBias!.Facets.Single(f => f.Facet == "b");
        var champion = verdict.BaselineBias!.Facets.Single(f => f.Facet == "b");
        Assert.Equal(("group", "true"), (verdict.CandidateBias.Sensitive, verdict.CandidateBias.Favourable));
        Assert.True(candidate.Posttraining!.Di < 0.8 && champion.Posttraining!.Di > 0.8, $"candidate DI {candidate.Posttraining.Di}, champion DI {champion.Posttraining!.Di}");
        Assert.Equal(candidate.PredictedPositiveShare!.Value / candidate.OtherPredictedPositiveShare!.Value, candidate.Posttraining.Di!.Value, 12);
        Assert.Equal(champion.Posttraining.Di, verdict.Checks.Single(c => c is { Check: "bias group=b", Metric: "disparate_impact" }).Against);
        // The training's own evaluation has the same bias section: its predictions of the same test part, made in memory rather than through the saved package.
        var evaluation = Assert.Single(trained.Bias!);
        var evaluated = evaluation.Report!.Facets.Single(f => f.Facet == "b");
        Assert.Equal(("group", "true", verdict.CandidateBias.Rows), (evaluation.Sensitive, evaluation.Report.Favourable, evaluation.Report.Rows));
        Assert.Equal(candidate.Posttraining.Di!.Value, evaluated.Posttraining!.Di!.Value, 9);
        Assert.Equal(candidate.Posttraining.Dppl, evaluated.Posttraining.Dppl, 9);
        Assert.Equal(candidate.Posttraining.Ad, evaluated.Posttraining.Ad, 9);
        // The same test rows behind both: their pre-training metrics agree.
        Assert.Equal(candidate.Pretraining, champion.Pretraining);

        // The champion gated on its own bias passes.
        var fair = await Client.Models.GateAsync(model, 1, new GateRequest([new MetricThreshold("accuracy", Threshold: 0.5)], Baseline: "nothing", Bias: new BiasBounds(MinDisparateImpact: 0.8)));
        Assert.True(fair.Passed, string.Join("; ", fair.Checks.Select(c => c.Reason)));

        async Task<string> RefusedAsync(object body) =>
            await ProblemAssert.IsAsync(await fixture.Server.Http.PostAsJsonAsync($"/api/v1/models/{model}/versions/2/gate", body), HttpStatusCode.BadRequest, "invalid_argument");
        Assert.Contains("bias.min_disparate_impact: expected 0 to 1 (0.8 is the four-fifths rule), got 4", await RefusedAsync(new
        {
            thresholds = new[] { new { metric = "accuracy", threshold = 0.5 } },
            bias = new { min_disparate_impact = 4 },
        }), StringComparison.Ordinal);
        Assert.Contains("bias: set max_abs_dppl, min_disparate_impact or both", await RefusedAsync(new
        {
            thresholds = new[] { new { metric = "accuracy", threshold = 0.5 } },
            bias = new { sensitive_column = "group" },
        }), StringComparison.Ordinal);
        Assert.Contains("bias.sensitive_column: 'gender' is not a column of the test data", await RefusedAsync(new
        {
            thresholds = new[] { new { metric = "accuracy", threshold = 0.5 } },
            bias = new { sensitive_column = "gender", max_abs_dppl = 0.1 },
        }), StringComparison.Ordinal);
    }
}
