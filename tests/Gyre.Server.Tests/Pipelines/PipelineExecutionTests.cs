using System.Net;
using Gyre.Core.Pipelines.Runs;
using Gyre.Server.Tests.Serving;

namespace Gyre.Server.Tests.Pipelines;

/// <summary>How steps are run: retries, timeouts, cancellation, parallel branches, concurrency policies, external commands.</summary>
public sealed class PipelineExecutionTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task FailingStep_IsRetried_ThenFails_AndOnlyItsDependantsAreSkipped()
    {
        using var work = PipelineWorkspace.Create(fixture.Server);
        var name = Unique.Name("retry");
        await work.SaveAsync($$$"""
            name: {{{name}}}
            max_parallel: 1
            steps:
              - {id: broken, uses: command, with: {run: 'echo "cannot reach the warehouse" >&2; exit 3'}, retries: 2, retry_delay_seconds: 0.01}
              - {id: after, uses: command, needs: [broken], with: {run: 'true'}}
              - {id: other, uses: command, with: {run: 'echo independent'}}
            """);

        var run = await work.RunAsync(name);

        Assert.Equal(RunStates.Failed, run.State);
        var broken = run.Step("broken");
        Assert.Equal((StepStates.Failed, 3), (broken.State, broken.Attempts));
        Assert.Equal("run: the command exited with code 3: cannot reach the warehouse (after 3 attempts)", broken.Error);
        Assert.Equal(StepStates.Skipped, run.Step("after").State);
        Assert.Equal(StepStates.Succeeded, run.Step("other").State);
        Assert.StartsWith("broken: run: the command exited with code 3", run.Error, StringComparison.Ordinal);
        var log = await fixture.Server.Client.Pipelines.GetLogsAsync(run.Id, "broken");
        Assert.Contains("attempt 1 failed", log, StringComparison.Ordinal);
        Assert.Contains("attempt 3 failed", log, StringComparison.Ordinal);
        Assert.Equal(3, log.Split('\n').Count(l => l == "cannot reach the warehouse"));
    }

    [Fact]
    public async Task FlakyStep_SucceedsOnItsSecondAttempt()
    {
        using var work = PipelineWorkspace.Create(fixture.Server);
        var name = Unique.Name("flaky");
        // Fails the first time (no marker yet), succeeds the next.
        await work.SaveAsync($"name: {name}\nsteps:\n  - {{id: flaky, uses: command, with: {{run: 'if [ -f seen ]; then echo ok; else touch seen; exit 1; fi'}}, retries: 3, retry_delay_seconds: 0.01}}\n");

        var run = await work.RunAsync(name);

        Assert.Equal(RunStates.Succeeded, run.State);
        Assert.Equal(2, run.Step("flaky").Attempts);
    }

    [Fact]
    public async Task SlowStep_TimesOut_AndItsProcessIsKilled()
    {
        using var work = PipelineWorkspace.Create(fixture.Server);
        var name = Unique.Name("timeout");
        await work.SaveAsync($"name: {name}\nsteps:\n  - {{id: slow, uses: command, with: {{run: [sleep, '300']}}, timeout_seconds: 0.5}}\n");

        var run = await work.RunAsync(name);

        Assert.Equal(RunStates.Failed, run.State);
        Assert.Equal("timed out after 0.5 s", run.Step("slow").Error);
        Assert.True(run.Step("slow").EndTime - run.Step("slow").StartTime < 60_000);
    }

    [Fact]
    public async Task Cancel_StopsTheRunningCommand_AndCancelsWhatIsLeft()
    {
        using var work = PipelineWorkspace.Create(fixture.Server);
        var name = Unique.Name("cancel");
        await work.SaveAsync($"name: {name}\nsteps:\n  - {{id: slow, uses: command, with: {{run: 'echo started; sleep 300'}}}}\n  - {{id: next, uses: command, needs: [slow], with: {{run: 'true'}}}}\n");
        var started = await fixture.Server.Client.Pipelines.StartRunAsync(name);
        await work.WaitAsync(started.Id, r => r.Step("slow").State == StepStates.Running);

        var cancelled = await fixture.Server.Client.Pipelines.CancelRunAsync(started.Id);

        Assert.Equal(RunStates.Cancelled, cancelled.State);
        Assert.Equal([StepStates.Cancelled, StepStates.Cancelled], cancelled.Steps.Select(s => s.State));
        Assert.Equal(HttpStatusCode.Conflict, (await fixture.Server.Http.PostAsync($"/api/v1/pipeline-runs/{started.Id}/cancel", NoBody.Json())).StatusCode);
    }

    [Fact]
    public async Task IndependentSteps_RunInParallel_UpToMaxParallel()
    {
        using var work = PipelineWorkspace.Create(fixture.Server);
        var name = Unique.Name("parallel");
        // Each branch waits until the other has started: only parallel execution can finish.
        await work.SaveAsync($$$"""
            name: {{{name}}}
            max_parallel: 2
            steps:
              - {id: left, uses: command, with: {run: 'touch left; for i in $(seq 200); do [ -f right ] && exit 0; sleep 0.05; done; exit 1'}}
              - {id: right, uses: command, with: {run: 'touch right; for i in $(seq 200); do [ -f left ] && exit 0; sleep 0.05; done; exit 1'}}
              - {id: join, uses: command, needs: [left, right], with: {run: 'true'}}
            """);

        var run = await work.RunAsync(name);

        Assert.True(run.State == RunStates.Succeeded, run.Error);
        Assert.True(run.Step("join").StartTime >= Math.Max(run.Step("left").EndTime!.Value, run.Step("right").EndTime!.Value));
    }

    [Fact]
    public async Task ConcurrencySkip_RefusesASecondRun_AndQueue_RunsItAfterwards()
    {
        using var work = PipelineWorkspace.Create(fixture.Server);
        var skip = Unique.Name("skip");
        await work.SaveAsync($"name: {skip}\nsteps:\n  - {{id: wait, uses: command, with: {{run: 'while [ ! -f go-skip ]; do sleep 0.05; done'}}}}\n");
        var first = await fixture.Server.Client.Pipelines.StartRunAsync(skip);
        var refused = await fixture.Server.Http.PostAsync($"/api/v1/pipelines/{skip}/runs", NoBody.Json());
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Contains($"has run {first.Id} running, and its concurrency is skip", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        work.Write("go-skip", "");
        Assert.Equal(RunStates.Succeeded, (await work.WaitAsync(first.Id)).State);

        var queue = Unique.Name("queue");
        await work.SaveAsync($"name: {queue}\nconcurrency: queue\nsteps:\n  - {{id: wait, uses: command, with: {{run: 'while [ ! -f go-queue ]; do sleep 0.05; done; date +%s%N >> order'}}}}\n");
        var a = await fixture.Server.Client.Pipelines.StartRunAsync(queue);
        var b = await fixture.Server.Client.Pipelines.StartRunAsync(queue);
        Assert.Equal((RunStates.Running, RunStates.Queued), (a.State, b.State));
        work.Write("go-queue", "");
        Assert.Equal(RunStates.Succeeded, (await work.WaitAsync(a.Id)).State);
        var second = await work.WaitAsync(b.Id);
        Assert.Equal(RunStates.Succeeded, second.State);
        Assert.True(second.StartTime >= (await fixture.Server.Client.Pipelines.GetRunAsync(a.Id)).EndTime);
    }

    [Fact]
    public async Task CommandStep_WritesAnOnnxModel_ThatIsRegisteredAndServed()
    {
        using var work = PipelineWorkspace.Create(fixture.Server);
        var name = Unique.Name("onnx");
        var endpoint = Unique.Name("ep");
        // The command stands in for a PyTorch training script: it reads the dataset it is handed and writes the model it declares.
        File.Copy(Path.Combine(ServingModels.Onnx, "breast_cancer_mlp.onnx"), work.PathOf("trained.onnx"));
        work.Write("train.sh", "test -s \"$GYRE_DATASET_DATASET\" && wc -l < \"$GYRE_DATASET_DATASET\" && cp trained.onnx \"$GYRE_OUTPUT_MODEL\"\n");
        work.Write("cancer.csv", string.Join('\n', File.ReadLines(Path.Combine(ServingModels.Onnx, "breast_cancer_mlp.csv")).Take(50)) + "\n");
        var features = string.Join(", ", ServingModels.BreastCancerFeatures());
        await work.SaveAsync($$$"""
            name: {{{name}}}
            steps:
              - {id: data, uses: ingest, with: {dataset: {{{name}}}, path: cancer.csv}}
              - id: fit
                uses: command
                needs: [data]
                with: {run: [sh, train.sh], inputs: [train.sh], outputs: {model: out/model.onnx}}
              - id: register
                uses: register
                needs: [fit]
                with: {task: binary, feature_columns: [{{{features}}}], output_meaning: score, classes: [malignant, benign]}
              - {id: ship, uses: deploy, needs: [register], with: {endpoint: {{{endpoint}}}}}
            """);

        var run = await work.RunAsync(name);

        Assert.True(run.State == RunStates.Succeeded, run.Error);
        Assert.Equal("file:model", run.Step("fit").Outputs![0].Role);
        Assert.Equal($"model:{name}/1", run.Step("register").Outputs![0].Uri);
        Assert.Equal("50", (await fixture.Server.Client.Pipelines.GetLogsAsync(run.Id, "fit")).Split('\n')[1].Trim());
        var row = ServingModels.BreastCancerRows()[0];
        var answer = await fixture.Server.Client.Endpoints.PredictAsync(endpoint,
            [ServingModels.BreastCancerFeatures().Select((f, i) => (f, row[i])).ToDictionary(p => p.f, p => (object?)p.Item2)]);
        Assert.Equal(row[31], answer.Predictions[0].GetProperty("score").GetDouble(), 1e-5);

        // Unchanged script and data: the command is not run again; its output is reused.
        var again = await work.RunAsync(name);
        Assert.Equal([StepStates.Cached, StepStates.Cached, StepStates.Cached], again.Steps.Take(3).Select(s => s.State));
        // The script changes: the command runs again.
        File.AppendAllText(work.PathOf("train.sh"), "# tuned\n");
        var changed = await work.RunAsync(name);
        Assert.Equal(StepStates.Succeeded, changed.Step("fit").State);
        Assert.Equal(StepStates.Cached, changed.Step("register").State);
    }

    [Fact]
    public async Task CommandStep_IsHandedTheDatasetsBeforeIt_AsStored_OrAsCsv()
    {
        using var work = PipelineWorkspace.Create(fixture.Server);
        var name = Unique.Name("handed");
        work.WriteChurn("churn.csv", 100);
        await work.SaveAsync($$$"""
            name: {{{name}}}
            steps:
              - {id: data, uses: ingest, with: {dataset: {{{name}}}, path: churn.csv}}
              - {id: split, uses: split, needs: [data]}
              - {id: stored, uses: command, needs: [split], with: {run: 'head -c 4 "$GYRE_DATASET_TRAIN"; echo'}}
              - {id: csv, uses: command, needs: [split], with: {run: 'head -1 "$GYRE_DATASET_TEST"; wc -l < "$GYRE_DATASET_TRAIN"', dataset_format: csv}}
            """);

        var run = await work.RunAsync(name);

        Assert.True(run.State == RunStates.Succeeded, run.Error);
        Assert.Equal("PAR1", (await fixture.Server.Client.Pipelines.GetLogsAsync(run.Id, "stored")).Split('\n')[1]);
        var csv = (await fixture.Server.Client.Pipelines.GetLogsAsync(run.Id, "csv")).Split('\n');
        Assert.Equal("customer_id,tenure,contract,support_calls,churned", csv[1]);
        var trainRows = run.Step("split").Outputs![0].Properties!["rows"]!.GetValue<long>();
        Assert.Equal(trainRows + 1, long.Parse(csv[2].Trim(), System.Globalization.CultureInfo.InvariantCulture));
    }
}
