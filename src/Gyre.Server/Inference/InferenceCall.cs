using System.Text.Json;
using Gyre.Core.Errors;
using Gyre.Core.Models;
using Gyre.Core.Serving.Gateway;
using Gyre.Core.Serving.Protocol;
using Microsoft.AspNetCore.Http;

namespace Gyre.Server.Inference;

/// <summary>
/// What both inference dialects do before they write their answer: find the endpoint, read the
/// body within its limit, route on the caller's key and predict through the gateway. A refusal is
/// counted on <c>/metrics</c> by its error code, then answered as any error is.
/// </summary>
internal static class InferenceCall
{
    /// <summary>
    /// Predicts for a request in a dialect: <paramref name="read"/> reads the body against a model's
    /// inputs; <paramref name="requestId"/>, when given, reads what the dialect echoes from the body
    /// (the Open Inference Protocol's <c>id</c>) before predicting.
    /// </summary>
    public static async Task<(InferenceResult Result, string? RequestId)> PredictAsync(string name, HttpContext context, InferenceGateway gateway, GatewayOptions options,
        GatewayMetrics metrics, Func<JsonElement, IPredictor, ParsedRequest> read, long started, CancellationToken ct, Func<JsonElement, string?>? requestId = null)
    {
        try
        {
            var endpoint = gateway.Get(name);
            using var body = await JsonBody.ReadAsync(context, options.MaxBodyBytes, ct);
            var key = context.Request.Headers[options.RoutingKeyHeader].FirstOrDefault();
            var id = requestId?.Invoke(body.RootElement);
            return (await gateway.PredictAsync(endpoint, key, body.RootElement, read, started, ct), id);
        }
        catch (GyreException e)
        {
            metrics.Failed(gateway, name, e.Code.WireName());
            throw;
        }
    }
}
