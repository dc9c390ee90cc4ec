using System.Text.Json;
using Gyre.Core.Errors;
using Gyre.Core.Features.Lookups;
using Gyre.Core.Models;
using Gyre.Core.Serving.Gateway;
using Gyre.Core.Serving.Protocol;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Gyre.Server.Inference;

/// <summary>How one JSON inference dialect reads a request and writes its answer.</summary>
internal interface IInferenceDialect
{
    /// <summary>The dialect's name on <c>/metrics</c> (<c>protocol</c>).</summary>
    string Protocol { get; }

    /// <summary>The body's members that may hold rows as <c>{column: value}</c> objects, which an endpoint's feature lookups fill; none for a tensor dialect.</summary>
    IReadOnlyList<string> ObjectRows { get; }

    /// <summary>The rows of <paramref name="body"/> against the chosen variant, and whatever else of the body the dialect checks before predicting.</summary>
    ParsedRequest Read(JsonElement body, IPredictor predictor, int maxRows);

    /// <summary>The answer; <paramref name="body"/> is the request's, for what the answer repeats of it (an id, the outputs asked for).</summary>
    void Write(HttpContext context, string endpoint, InferenceResult result, JsonElement body);
}

/// <summary>
/// An inference request in any JSON dialect, from the body to the answer: find the endpoint, read
/// the body within its limit, route on the caller's key (or to the version the caller named), predict
/// through the gateway (the rows first filled with the endpoint's looked-up features, when it has
/// some), write the dialect's answer and count it on <c>/metrics</c>; a refusal is
/// counted by its error code, then answered as any error is. One async method for the whole
/// request: it is the hot path.
/// </summary>
internal static class InferenceCall
{
    public static async Task AnswerAsync(string name, string? version, HttpContext context, InferenceGateway gateway, GatewayOptions options, GatewayMetrics metrics,
        TimeProvider time, IInferenceDialect dialect, CancellationToken ct)
    {
        var started = time.GetTimestamp();
        try
        {
            var endpoint = gateway.Get(name);
            using var body = await JsonBody.ReadAsync(context, options.MaxBodyBytes, ct);
            // Looked up only by endpoints that have lookups, so the others never touch the service.
            using var filled = endpoint.Endpoint.Features is { } lookup
                ? await context.RequestServices.GetRequiredService<FeatureLookups>().FillAsync(lookup, body.RootElement, dialect.ObjectRows, options.MaxBatchRows, ct)
                : null;
            var rows = filled?.RootElement ?? body.RootElement;
            var key = context.Request.Headers[options.RoutingKeyHeader].FirstOrDefault();
            var result = await gateway.PredictAsync(endpoint, key, version, new JsonInput(rows, dialect, options.MaxBatchRows), started, ct);
            dialect.Write(context, name, result, body.RootElement);
            metrics.Answered(name, result, dialect.Protocol, time.GetElapsedTime(started));
        }
        catch (GyreException e)
        {
            metrics.Failed(gateway, name, e.Code.WireName());
            throw;
        }
    }

    /// <summary>A JSON body and the dialect that reads it; a shadow gets a clone, since the body's buffer goes back to the pool with the request.</summary>
    private sealed class JsonInput(JsonElement body, IInferenceDialect dialect, int maxRows) : IInferenceInput
    {
        public ParsedRequest Read(IPredictor predictor) => dialect.Read(body, predictor, maxRows);

        public IInferenceInput Detach() => new JsonInput(body.Clone(), dialect, maxRows);
    }
}
