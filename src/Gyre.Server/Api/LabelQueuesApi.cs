using Gyre.Core.Artifacts;
using Gyre.Core.Errors;
using Gyre.Core.Labelling;
using Gyre.Core.Tracking;
using Gyre.Server.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Gyre.Server.Api;

/// <summary>
/// <c>/api/v1/label-queues</c>: labelling queues on endpoints, the next item for the caller, labels,
/// skips and undo (recorded under the caller's token name), the review of items whose labels differ,
/// and the labels as Parquet. A final label is the prediction's ground truth at once.
/// </summary>
internal static class LabelQueuesApi
{
    /// <summary>Who labels when the server requires no token (loopback only): the one person at this machine.</summary>
    public const string LocalLabeller = "local";

    public static void Map(IEndpointRouteBuilder routes)
    {
        var queues = routes.MapGroup("/api/v1/label-queues").WithTags("Labelling");
        queues.MapPost("/", Create);
        queues.MapGet("/", List);
        queues.MapGet("/{name}", Get);
        queues.MapDelete("/{name}", Delete);
        queues.MapGet("/{name}/next", Next);
        queues.MapGet("/{name}/items", Items);
        queues.MapGet("/{name}/items/{predictionId}", Item);
        queues.MapPost("/{name}/items/{predictionId}/labels", Submit);
        queues.MapPost("/{name}/items/{predictionId}/review", Resolve);
        queues.MapPost("/{name}/undo", Undo);
        queues.MapGet("/{name}/labels.parquet", Export);
    }

    /// <summary>The person a request labels as: its token's name.</summary>
    public static string Labeller(HttpContext context) => Scopes.Caller(context).Token ?? LocalLabeller;

    private static async Task<Created<LabelQueueDefinition>> Create(LabelQueueRequest request, LabelQueues queues, CancellationToken ct)
    {
        var created = await queues.CreateAsync(request, ct);
        return TypedResults.Created($"/api/v1/label-queues/{Uri.EscapeDataString(created.Name)}", created);
    }

    private static async Task<Ok<Page<LabelQueueStatus>>> List(LabelQueues queues, CancellationToken ct) =>
        TypedResults.Ok(new Page<LabelQueueStatus>(await queues.ListAsync(ct), null));

    private static async Task<Ok<LabelQueueStatus>> Get(string name, LabelQueues queues, CancellationToken ct) => TypedResults.Ok(await queues.GetAsync(name, ct));

    private static async Task<NoContent> Delete(string name, LabelQueues queues, CancellationToken ct)
    {
        await queues.DeleteAsync(name, ct);
        return TypedResults.NoContent();
    }

    /// <summary>
    /// The next item for the caller to label, or 204 when the queue holds none for them. It is
    /// offered to a caller who may label (write scope) for two minutes, in which others are offered
    /// other items first; a reader is only shown it.
    /// </summary>
    private static async Task<Results<Ok<LabelTask>, NoContent>> Next(string name, HttpContext context, LabelDesk desk, CancellationToken ct) =>
        await desk.NextAsync(name, Labeller(context), Scopes.Caller(context).Scope >= Core.Auth.TokenScope.Write, ct) is { } task ? TypedResults.Ok(task) : TypedResults.NoContent();

    /// <summary>The queue's items, oldest first: <c>?state=open|review|done</c>, <c>max_results</c> (default 100).</summary>
    private static async Task<Ok<Page<LabelledItem>>> Items(string name, LabelQueues queues, ILabelStore store, CancellationToken ct,
        [FromQuery] string? state = null, [FromQuery(Name = "max_results")] string? maxResults = null)
    {
        if (state is not null && !LabelItemStates.All.Contains(state))
        {
            throw GyreException.Invalid($"state: expected {string.Join(", ", LabelItemStates.All)}, got '{state}'");
        }
        var queue = await queues.QueueAsync(name, ct);
        var limit = Core.Search.MaxResults.Check(QueryValues.Int(maxResults, "max_results", 100), 10_000);
        return TypedResults.Ok(new Page<LabelledItem>(await store.ItemsAsync(queue.Name, state, limit, ct), null));
    }

    private static async Task<Ok<LabelTask>> Item(string name, string predictionId, LabelDesk desk, CancellationToken ct) =>
        TypedResults.Ok(await desk.ItemAsync(name, predictionId, ct));

    /// <summary><c>{"label": CLASS or NUMBER}</c> or <c>{"skip": true}</c>; 201 when stored, 200 when the caller had already labelled the item (the first label stays).</summary>
    private static async Task<IResult> Submit(string name, string predictionId, LabelSubmission submission, HttpContext context, LabelDesk desk, CancellationToken ct)
    {
        var outcome = await desk.SubmitAsync(name, predictionId, Labeller(context), submission, ct);
        return outcome.Changed ? TypedResults.Created($"/api/v1/label-queues/{Uri.EscapeDataString(name)}/items/{Uri.EscapeDataString(predictionId)}", outcome)
            : TypedResults.Ok(outcome);
    }

    /// <summary>Takes back the caller's last label or skip in the queue.</summary>
    private static async Task<Ok<LabelOutcome>> Undo(string name, HttpContext context, LabelDesk desk, CancellationToken ct)
    {
        var labeller = Labeller(context);
        return TypedResults.Ok(await desk.UndoAsync(name, labeller, ct)
            ?? throw GyreException.NotFound($"undo: {labeller} has no label or skip in the labelling queue '{name}' to take back"));
    }

    /// <summary><c>{"label": ...}</c>: a reviewer's final word on an item whose labels differ.</summary>
    private static async Task<Ok<LabelItem>> Resolve(string name, string predictionId, LabelSubmission submission, HttpContext context, LabelDesk desk, CancellationToken ct) =>
        TypedResults.Ok(await desk.ResolveAsync(name, predictionId, Labeller(context), submission.Label, ct));

    /// <summary>A row per label with its item's inputs, prediction, final label and times, as Parquet.</summary>
    private static async Task Export(string name, HttpContext context, LabelQueues queues, ILabelStore store, ScratchSpace scratch, CancellationToken ct)
    {
        var queue = await queues.QueueAsync(name, ct);
        await ParquetDownload.SendAsync(context, scratch, $"{queue.Name}-labels.parquet", path => store.ExportAsync(queue.Name, path, ct), ct);
    }
}
