using Gyre.Core.Errors;
using Gyre.Core.Pipelines;
using Gyre.Core.Pipelines.Definitions;
using Gyre.Core.Pipelines.Runs;
using Gyre.Core.Tracking;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Gyre.Server.Api;

/// <summary>
/// <c>/api/v1/pipelines</c> and <c>/api/v1/pipeline-runs</c>: save pipeline files, start, follow,
/// cancel and resume runs, read step logs. A file that runs programs or reads files on the
/// server's machine (<c>command</c> steps, <c>path</c>, <c>suite</c>) needs an admin token.
/// </summary>
internal static class PipelinesApi
{
    public const int DefaultRuns = 50;
    public const int MaxRuns = 1000;

    public static void Map(IEndpointRouteBuilder routes)
    {
        var pipelines = routes.MapGroup("/api/v1/pipelines").WithTags("Pipelines");
        pipelines.MapPost("/", Save);
        pipelines.MapGet("/", List);
        pipelines.MapGet("/{name}", Get);
        pipelines.MapDelete("/{name}", Delete);
        pipelines.MapPost("/{name}/runs", Start);
        pipelines.MapGet("/{name}/runs", ListRuns);
        var runs = routes.MapGroup("/api/v1/pipeline-runs").WithTags("Pipelines");
        runs.MapGet("/", ListAllRuns);
        runs.MapGet("/{id}", GetRun);
        runs.MapPost("/{id}/cancel", Cancel);
        runs.MapPost("/{id}/resume", Resume);
        runs.MapGet("/{id}/steps/{step}/logs", Logs);
    }

    private static async Task<Ok<PipelineInfo>> Save(SavePipelineRequest request, [FromQuery(Name = "dry_run")] string? dryRun, PipelineService service,
        Core.Monitoring.Policies.PolicyEngine policies, HttpContext http, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(request.Yaml))
        {
            throw GyreException.Invalid("yaml: expected the pipeline file's text");
        }
        var definition = PipelineYaml.Parse(request.Yaml, service.Types);
        Scopes.Demand(http, definition.RequiredScope);
        if (QueryValues.Bool(dryRun, "dry_run"))
        {
            return TypedResults.Ok(new PipelineInfo(definition.Name, "", definition.Description, request.Directory,
                [.. definition.Steps.Select(s => new StepInfo(s.Id, s.Uses, s.Needs))], definition.Triggers, new TriggerState(0), definition.Concurrency,
                definition.MaxParallel, 0, 0, request.Yaml));
        }
        var stored = await service.SaveAsync(request.Yaml, request.Directory, ct);
        // A pipeline that now needs more than some policies' authors had is no longer theirs to start.
        await policies.DisableUnauthorisedAsync(definition.Name, definition.RequiredScope, ct);
        return TypedResults.Ok(PipelineInfo.Of(stored, definition));
    }

    private static async Task<Ok<Page<PipelineInfo>>> List(PipelineService service, CancellationToken ct) =>
        TypedResults.Ok(new Page<PipelineInfo>([.. (await service.ListPipelinesAsync(ct)).Select(p => PipelineInfo.Of(p, PipelineYaml.Parse(p.Yaml, service.Types)))], null));

    private static async Task<Ok<PipelineInfo>> Get(string name, PipelineService service, CancellationToken ct)
    {
        var stored = await service.GetPipelineAsync(name, ct);
        return TypedResults.Ok(PipelineInfo.Of(stored, PipelineYaml.Parse(stored.Yaml, service.Types)));
    }

    private static async Task<NoContent> Delete(string name, PipelineService service, CancellationToken ct)
    {
        await service.DeletePipelineAsync(name, ct);
        return TypedResults.NoContent();
    }

    private static async Task<Accepted<PipelineRun>> Start(string name, StartRunRequest? request, PipelineService service, HttpContext http, CancellationToken ct)
    {
        request ??= new StartRunRequest();
        var trigger = request.Trigger ?? TriggerTypes.Manual;
        if (trigger is not (TriggerTypes.Manual or TriggerTypes.Alert))
        {
            throw GyreException.Invalid($"trigger: expected {TriggerTypes.Manual} or {TriggerTypes.Alert}, got '{trigger}'; the server fires the others itself");
        }
        var stored = await service.GetPipelineAsync(name, ct);
        Scopes.Demand(http, PipelineYaml.Parse(stored.Yaml, service.Types).RequiredScope);
        var run = await service.StartRunAsync(name, new RunTrigger(trigger, request.Detail), request.Params, request.NoCache, null, ct);
        return TypedResults.Accepted($"/api/v1/pipeline-runs/{run.Id}", run);
    }

    private static async Task<Ok<Page<PipelineRun>>> ListRuns(string name, [FromQuery(Name = "max_results")] string? maxResults, PipelineService service, CancellationToken ct)
    {
        await service.GetPipelineAsync(name, ct);
        return TypedResults.Ok(new Page<PipelineRun>(await service.ListRunsAsync(name, Limit(maxResults), ct), null));
    }

    private static async Task<Ok<Page<PipelineRun>>> ListAllRuns([FromQuery(Name = "max_results")] string? maxResults, PipelineService service, CancellationToken ct) =>
        TypedResults.Ok(new Page<PipelineRun>(await service.ListRunsAsync(null, Limit(maxResults), ct), null));

    private static async Task<Ok<PipelineRun>> GetRun(string id, PipelineService service, CancellationToken ct) =>
        TypedResults.Ok(await service.GetRunAsync(Id(id), ct));

    private static async Task<Ok<PipelineRun>> Cancel(string id, PipelineService service, CancellationToken ct) =>
        TypedResults.Ok(await service.CancelAsync(Id(id), ct));

    private static async Task<Ok<PipelineRun>> Resume(string id, PipelineService service, IPipelineStore store, HttpContext http, CancellationToken ct)
    {
        var run = await service.GetRunAsync(Id(id), ct);
        // The run resumes with the file it was made with, whatever the pipeline's file is now.
        var (yaml, _) = await store.GetVersionAsync(run.Pipeline, run.Digest, ct);
        Scopes.Demand(http, PipelineYaml.Parse(yaml, service.Types).RequiredScope);
        return TypedResults.Ok(await service.ResumeAsync(run.Id, ct));
    }

    private static async Task<ContentHttpResult> Logs(string id, string step, PipelineService service, IStepLogs logs, CancellationToken ct)
    {
        var run = await service.GetRunAsync(Id(id), ct);
        if (run.Steps.All(s => s.Id != step))
        {
            throw GyreException.NotFound($"run {run.Id} has no step '{step}'; its steps are {string.Join(", ", run.Steps.Select(s => s.Id))}");
        }
        return TypedResults.Text(await logs.ReadAsync(run.Id, step, ct) ?? "", "text/plain; charset=utf-8");
    }

    private static int Limit(string? maxResults) => Core.Search.MaxResults.Check(QueryValues.Int(maxResults, "max_results", DefaultRuns), MaxRuns);

    private static long Id(string text) => QueryValues.Long(text, "id", 0) is > 0 and var id ? id
        : throw GyreException.Invalid($"id: expected a pipeline run number, got '{text}'");
}
