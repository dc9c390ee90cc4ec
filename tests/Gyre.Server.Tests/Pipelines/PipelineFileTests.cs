using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Gyre.Server.Tests.Pipelines;

/// <summary>Pipeline files are checked before anything runs, every problem reported with its line.</summary>
public sealed class PipelineFileTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private async Task<(HttpStatusCode Status, JsonElement Body)> DryRunAsync(string yaml)
    {
        var response = await fixture.Server.Http.PostAsJsonAsync("/api/v1/pipelines?dry_run=true", new { yaml });
        return (response.StatusCode, await TestServer.JsonAsync(response));
    }

    private static List<string> Errors(JsonElement body) =>
        body.TryGetProperty("errors", out var errors) ? [.. errors.EnumerateArray().Select(e => e.GetString()!)] : [body.GetProperty("detail").GetString()!];

    [Fact]
    public async Task InvalidFile_ReportsEveryProblemWithItsLine()
    {
        var (status, body) = await DryRunAsync("""
            name: broken
            params: {label: churned}
            steps:
              - {id: data, uses: ingest, with: {dataset: churn@latest}}
              - {id: split, uses: splitt, needs: [data]}
              - {id: train, uses: train, needs: [split, evaluate], with: {seed: many, register: "${params.model}"}}
              - {id: gate, uses: gate, needs: [train], with: {metric: auc, threshold: 0.8, colour: blue}}
            concurrency: sometimes
            """);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        var errors = Errors(body);
        Assert.Contains(errors, e => e.StartsWith("line 5: steps.split.uses: unknown step type 'splitt'", StringComparison.Ordinal) && e.Contains("ingest", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("line 6: steps.train.with.seed: expected a whole number, got 'many'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("line 6: steps.train.with.register: '${params.model}' names no parameter; declared: label", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("line 6: steps.train.needs: 'evaluate' is not a step", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("line 7: steps.gate.with.colour: 'gate' has no such parameter", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("line 8: concurrency: expected skip or queue, got 'sometimes'", StringComparison.Ordinal));
        Assert.Equal(6, errors.Count);
    }

    [Fact]
    public async Task Cycle_IsNamedWithItsSteps()
    {
        var (status, body) = await DryRunAsync("""
            name: loop
            steps:
              - {id: a, uses: ingest, with: {dataset: x}, needs: [c]}
              - {id: b, uses: split, needs: [a]}
              - {id: c, uses: train, needs: [b]}
            """);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(["line 3: steps: cycle a -> c -> b -> a; a step cannot depend on itself through others"], Errors(body));
    }

    [Theory]
    [InlineData("name: x\nsteps: [{id: a, uses: ingest}]\n", "line 2: steps.a.with.dataset: required")]
    [InlineData("name: x\nsteps:\n  - {id: a, uses: split, with: {test: 1.5}}\n", "line 3: steps.a.with.test: expected a fraction between 0 and 1, got 1.5")]
    [InlineData("name: x\nsteps:\n  - {id: a, uses: ingest, with: {dataset: d}}\n  - {id: a, uses: split, needs: a}\n", "line 4: steps.a: the id 'a' is used by another step")]
    [InlineData("name: x\nsteps:\n  - {id: a, uses: ingest, with: {dataset: d}, retries: 50}\n", "line 3: steps.a.retries: expected 0 to 10, got 50")]
    [InlineData("name: x\ntriggers: {schedule: 'every day'}\nsteps:\n  - {id: a, uses: ingest, with: {dataset: d}}\n", "line 2: triggers.schedule: expected a cron expression")]
    [InlineData("name: x\nsteps:\n  - {id: a, uses: ingest, with: {dataset: d}\n", "pipeline: line 4: While parsing a flow mapping")]
    [InlineData("name: bad name!\nsteps:\n  - {id: a, uses: ingest, with: {dataset: d}}\n", "line 1: name: expected 1 to 64 letters")]
    [InlineData("steps:\n  - {id: a, uses: command, with: {run: [], outputs: {model: m.onnx}}}\n", "line 1: name: required")]
    public async Task BadFile_IsRefusedWithTheLineAndWhatWasExpected(string yaml, string expected)
    {
        var (status, body) = await DryRunAsync(yaml);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(Errors(body), e => e.StartsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public async Task ValidFile_DryRun_ShowsTheGraphAndStoresNothing()
    {
        var name = Unique.Name("dry");
        var (status, body) = await DryRunAsync($$$"""
            name: {{{name}}}
            steps:
              - {id: data, uses: ingest, with: {dataset: churn}}
              - {id: split, uses: split, needs: data}
              - {id: train, uses: train, needs: [split], with: {features: tenure}}
            """);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(["data"], body.GetProperty("steps")[1].GetProperty("needs").EnumerateArray().Select(n => n.GetString()));
        Assert.Equal(HttpStatusCode.NotFound, (await fixture.Server.Http.GetAsync($"/api/v1/pipelines/{name}")).StatusCode);
    }

    [Fact]
    public async Task RunParameter_OfTheWrongType_IsRefused()
    {
        var name = Unique.Name("params");
        await fixture.Server.Client.Pipelines.SaveAsync($"name: {name}\nparams: {{test: 0.2}}\nsteps:\n  - {{id: a, uses: ingest, with: {{dataset: d}}}}\n");
        var response = await fixture.Server.Http.PostAsJsonAsync($"/api/v1/pipelines/{name}/runs", new { @params = new { test = "lots", other = "1" } });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = Errors(await TestServer.JsonAsync(response));
        Assert.Contains("params.test: expected a number, got 'lots'", errors);
        Assert.Contains(errors, e => e.StartsWith("params.other: not declared in the file", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ListAndMappingParameters_AreUsedWhole_AndCheckedAgainstTheKind()
    {
        var (status, body) = await DryRunAsync("""
            name: lists
            params: {features: [tenure, plan], hp: {min_data_per_leaf: 5}, steps: [10, 50, 100], bad: {a: b}}
            steps:
              - {id: train, uses: train, with: {features: "${params.features}", hyperparameters: "${params.hp}"}}
              - {id: ship, uses: deploy, needs: [train], with: {endpoint: e, steps: "${params.steps}"}}
              - {id: other, uses: train, with: {hyperparameters: "${params.bad}"}}
            """);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(["line 6: steps.other.with.hyperparameters: expected a mapping of names to numbers, and the parameter 'bad' is a mapping that is not"], Errors(body));
    }
}
