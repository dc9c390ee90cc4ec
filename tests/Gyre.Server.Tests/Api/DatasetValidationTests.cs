using System.Net;
using System.Net.Http.Json;
using System.Text;
using Gyre.Core.Data;
using Gyre.Core.Data.Validation;

namespace Gyre.Server.Tests.Api;

public sealed class DatasetValidationTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private const string Orders = """
        order_id,amount,country,email
        o1,10.5,DE,ana@example.com
        o2,-3,FR,bob@example.com
        o3,,DE,not-an-email
        o4,7.25,XX,eve@example.com
        o4,8,DE,dan@example.com

        """;

    private async Task<string> AddAsync()
    {
        var name = Unique.Name("orders");
        await fixture.Server.Client.Datasets.AddAsync(name, new MemoryStream(Encoding.UTF8.GetBytes(Orders)), DatasetFormat.Csv);
        return name;
    }

    [Fact]
    public async Task Suite_ReportsObservedValues_AndAFailedErrorConstraintFailsTheVersion()
    {
        var name = await AddAsync();
        var suite = new ValidationSuite(
        [
            new Constraint(ConstraintTypes.HasSize, Min: 5, Max: 5),
            new Constraint(ConstraintTypes.IsComplete, "amount"),
            new Constraint(ConstraintTypes.HasCompleteness, "amount", Mostly: 0.8),
            new Constraint(ConstraintTypes.IsUnique, "order_id", Severity: ConstraintSeverity.Warning),
            new Constraint(ConstraintTypes.IsContainedIn, "country", Values: ["DE", "FR"], Mostly: 0.75),
            new Constraint(ConstraintTypes.HasMin, "amount", Min: 0),
            new Constraint(ConstraintTypes.HasMean, "amount", Min: 5, Max: 6),
            new Constraint(ConstraintTypes.IsNonNegative, "amount", Mostly: 0.75),
            new Constraint(ConstraintTypes.HasPattern, "email", Pattern: "[^@]+@[^@]+\\.[a-z]+", Mostly: 0.8),
        ], "orders-suite");
        var report = await fixture.Server.Client.Datasets.ValidateAsync(name, 1, suite);

        Assert.Equal("failed", report.Status);
        var observed = report.Results.Select(r => (r.Type, r.Passed, r.Observed)).ToList();
        Assert.Equal(
            [
                (ConstraintTypes.HasSize, true, 5.0),
                (ConstraintTypes.IsComplete, false, 0.8),
                (ConstraintTypes.HasCompleteness, true, 0.8),
                (ConstraintTypes.IsUnique, false, 0.6),
                (ConstraintTypes.IsContainedIn, true, 0.8),
                (ConstraintTypes.HasMin, false, -3.0),
                (ConstraintTypes.HasMean, true, 5.6875),
                (ConstraintTypes.IsNonNegative, true, 0.75),
                (ConstraintTypes.HasPattern, true, 0.8),
            ],
            observed.Select(o => (o.Type, o.Passed, Math.Round(o.Observed!.Value, 6))));
        Assert.Equal("a fraction >= 0.8", report.Results[2].Expectation);
        Assert.Equal(">= 0", report.Results[5].Expectation);
        Assert.Equal("failed", (await fixture.Server.Client.Datasets.GetVersionAsync(name, 1)).Status);
    }

    [Fact]
    public async Task OnlyWarningsFailing_PassesWithWarnings_AndValidatesTheVersion()
    {
        var name = await AddAsync();
        var report = await fixture.Server.Client.Datasets.ValidateAsync(name, null, new ValidationSuite(
            [new Constraint(ConstraintTypes.IsUnique, "order_id", Severity: ConstraintSeverity.Warning), new Constraint(ConstraintTypes.HasMax, "amount", Max: 100)]));
        Assert.Equal("passed_with_warnings", report.Status);
        Assert.Equal("validated", (await fixture.Server.Client.Datasets.GetVersionAsync(name, 1)).Status);
    }

    [Fact]
    public async Task BadSuite_Is400_NamingEveryProblem()
    {
        var name = await AddAsync();
        var response = await fixture.Server.Http.PostAsJsonAsync($"/api/v1/datasets/{name}/versions/1/validate", new
        {
            constraints = new object[]
            {
                new { type = "is_shiny", column = "amount" },
                new { type = "has_min", column = "nope", min = 1 },
                new { type = "has_mean", column = "country", min = 1 },
                new { type = "has_completeness", column = "amount", mostly = 1.5 },
                new { type = "has_max", column = "amount" },
                new { type = "is_contained_in", column = "country", values = new[] { "DE", null } },
                new { type = "has_completeness", column = "amount" },
            },
        });
        var detail = await ProblemAssert.IsAsync(response, HttpStatusCode.BadRequest, "invalid_argument");
        Assert.Contains("constraints[0].type: expected one of", detail, StringComparison.Ordinal);
        Assert.Contains("constraints[1].column: the dataset has no column 'nope'", detail, StringComparison.Ordinal);
        Assert.Contains("constraints[2].column: has_mean needs a numeric column, 'country' is categorical", detail, StringComparison.Ordinal);
        Assert.Contains("constraints[3].mostly: expected a fraction from 0 to 1", detail, StringComparison.Ordinal);
        Assert.Contains("constraints[4]: has_max needs min, max or both", detail, StringComparison.Ordinal);
        Assert.Contains("constraints[5].values[1]: expected a string, got null", detail, StringComparison.Ordinal);
        Assert.Contains("constraints[6].mostly: has_completeness needs", detail, StringComparison.Ordinal);
        Assert.Equal("ready", (await fixture.Server.Client.Datasets.GetVersionAsync(name, 1)).Status);
    }

    [Fact]
    public async Task SuggestedSuite_FollowsDeequsRules_AndTheSameDataPassesIt()
    {
        var name = await AddAsync();
        var suite = await fixture.Server.Client.Datasets.SuggestSuiteAsync(name);
        Assert.Equal(
            [
                (ConstraintTypes.HasSize, null),
                (ConstraintTypes.IsComplete, "order_id"),
                (ConstraintTypes.IsContainedIn, "order_id"),
                (ConstraintTypes.HasCompleteness, "amount"),
                (ConstraintTypes.IsComplete, "country"),
                (ConstraintTypes.IsContainedIn, "country"),
                (ConstraintTypes.IsComplete, "email"),
                (ConstraintTypes.IsUnique, "email"),
                (ConstraintTypes.IsContainedIn, "email"),
            ],
            suite.Constraints!.Select(c => (c.Type!, c.Column)));
        Assert.Equal(1, suite.Constraints![0].Min);
        Assert.Equal(0.8, suite.Constraints[3].Mostly);
        Assert.Equal(["DE", "FR", "XX"], suite.Constraints[5].Values);
        var report = await fixture.Server.Client.Datasets.ValidateAsync(name, 1, suite);
        Assert.Equal("passed", report.Status);
    }

    [Fact]
    public async Task Satisfies_MeasuresTheShareOfRowsMatchingAPredicate()
    {
        var name = await AddAsync();
        var report = await fixture.Server.Client.Datasets.ValidateAsync(name, 1, new ValidationSuite(
        [
            new Constraint(ConstraintTypes.Satisfies, Predicate: "amount >= 0 AND country IN ('DE', 'FR')", Mostly: 0.4),
            new Constraint(ConstraintTypes.Satisfies, Predicate: "NOT (email LIKE '%@example.com') OR amount IS NULL"),
        ]));
        Assert.Equal([(true, 0.4), (false, 0.2)], report.Results.Select(r => (r.Passed, Math.Round(r.Observed!.Value, 6))));
    }

    [Fact]
    public async Task Satisfies_WithABadPredicate_Is400_PointingAtIt()
    {
        var name = await AddAsync();
        var response = await fixture.Server.Http.PostAsJsonAsync($"/api/v1/datasets/{name}/versions/1/validate", new
        {
            constraints = new object[]
            {
                new { type = "satisfies", predicate = "amount >= 'x'" },
                new { type = "satisfies", predicate = "colour = 'red'" },
                new { type = "satisfies" },
            },
        });
        var detail = await ProblemAssert.IsAsync(response, HttpStatusCode.BadRequest, "invalid_argument");
        Assert.Contains("constraints[0].predicate: at position 11: expected a number", detail, StringComparison.Ordinal);
        Assert.Contains("constraints[1].predicate: at position 1: unknown attribute 'colour'", detail, StringComparison.Ordinal);
        Assert.Contains("constraints[2].predicate: satisfies needs a predicate", detail, StringComparison.Ordinal);
    }
}
