using System.Text.Json;
using Gyre.Core.Errors;
using Gyre.Core.Models;
using Gyre.Core.Serving.Gateway;
using Gyre.Core.Serving.Protocol;
using Microsoft.AspNetCore.Http;

namespace Gyre.Server.Inference;

/// <summary>How one inference dialect reads a request and writes its answer.</summary>
internal interface IInferenceDialect
{
    /// <summary>The dialect's name on <c>/metrics</c> (<c>protocol</c>).</summary>
    string Protocol { get; }

    ParsedRequest Read(JsonElement body, IPredictor predictor, int maxRows);

    /// <summary>What the dialect echoes from the body (the Open Inference Protocol's <c>id</c>), read before predicting.</summary>
    string? RequestId(JsonElement body);

    void Write(HttpContext context, string endpoint, InferenceResult result, string? requestId);
}

/// <summary>
/// An inference request in either dialect, from the body to the answer: find the endpoint, read
/// the body within its limit, route on the caller's key, predict through the gateway, write the
/// dialect's answer and count it on <c>/metrics</c>; a refusal is counted by its error code, then
/// answered as any error is. One async method for the whole request: it is the hot path.
/// </summary>
internal static class InferenceCall
{
    public static async Task AnswerAsync(string name, HttpContext context, InferenceGateway gateway, GatewayOptions options, GatewayMetrics metrics, TimeProvider time,
        IInferenceDialect dialect, CancellationToken ct)
    {
        var started = time.GetTimestamp();
        InferenceResult result;
        string? id;
        try
        {
            var endpoint = gateway.Get(name);
            using var body = await JsonBody.ReadAsync(context, options.MaxBodyBytes, ct);
            var key = context.Request.Headers[options.RoutingKeyHeader].FirstOrDefault();
            id = dialect.RequestId(body.RootElement);
            var maxRows = options.MaxBatchRows;
            result = await gateway.PredictAsync(endpoint, key, body.RootElement, (root, predictor) => dialect.Read(root, predictor, maxRows), started, ct);
        }
        catch (GyreException e)
        {
            metrics.Failed(gateway, name, e.Code.WireName());
            throw;
        }
        dialect.Write(context, name, result, id);
        metrics.Answered(name, result.Variant.Variant.Name, dialect.Protocol, result.Predictions.Length, time.GetElapsedTime(started));
    }
}
