using System.Text.Json;
using Gyre.Core.Auth;
using Gyre.Core.Errors;
using Gyre.Core.Models;
using Gyre.Core.Serving.Gateway;
using Gyre.Core.Serving.Protocol;
using Gyre.Server.Auth;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Gyre.Server.Inference;

/// <summary>
/// KServe's V1 protocol (TensorFlow Serving's REST API): <c>POST /v1/models/{name}:predict</c> with
/// <c>{"instances": [rows]}</c> or <c>{"inputs": rows or {column: [values]}}</c>, answered
/// <c>{"predictions": […]}</c>; <c>GET /v1/models/{name}</c> says whether the model is ready.
/// <c>:explain</c> is not offered (501). Errors are KServe's <c>{"error": message}</c>.
/// </summary>
internal static class KServeV1Api
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        var v1 = routes.MapGroup("/v1/models").WithTags("KServe V1");
        v1.MapGet("/{name}", Ready);
        v1.MapPost("/{name}:predict", (string name, HttpContext context, InferenceGateway gateway, GatewayOptions options, GatewayMetrics metrics, TimeProvider time, CancellationToken ct) =>
            InferenceCall.AnswerAsync(name, null, context, gateway, options, metrics, time, V1.Dialect, ct)).WithMetadata(new RequiredScope(TokenScope.Read));
        v1.MapPost("/{name}:explain", Explain).WithMetadata(new RequiredScope(TokenScope.Read));
    }

    /// <summary>Whether a path is this protocol's, whose errors are <c>{"error": message}</c>.</summary>
    public static bool Owns(PathString path) => path.StartsWithSegments("/v1/models", StringComparison.Ordinal);

    private static IResult Explain(string name) =>
        throw new GyreException(ErrorCode.NotImplemented, $":explain: Gyre does not explain predictions over KServe V1; POST /v1/models/{name}:predict predicts");

    private static IResult Ready(string name, EndpointRouter router)
    {
        router.Get(name);
        return TypedResults.Ok(new { name, ready = true });
    }

    private sealed class V1 : IInferenceDialect
    {
        public static readonly V1 Dialect = new();

        public string Protocol => "v1";

        public ParsedRequest Read(JsonElement body, IPredictor predictor, int maxRows)
        {
            if (body.ValueKind != JsonValueKind.Object)
            {
                throw GyreException.Invalid($"body: expected {{\"instances\": [...]}} or {{\"inputs\": ...}}, got {Kind(body)}");
            }
            var hasInstances = body.TryGetProperty("instances", out var instances);
            var hasInputs = body.TryGetProperty("inputs", out var inputs);
            if (hasInstances == hasInputs)
            {
                throw GyreException.Invalid(hasInstances
                    ? "body: expected one of \"instances\" and \"inputs\", got both"
                    : "body: expected {\"instances\": [rows]} or {\"inputs\": rows or {column: [values]}}");
            }
            var package = predictor.Package;
            if (hasInstances)
            {
                return InstancesReader.Instances(instances, "instances", predictor.Inputs, package.FeatureInput, maxRows);
            }
            return inputs.ValueKind == JsonValueKind.Object
                ? InstancesReader.Columnar(inputs, "inputs", predictor.Inputs, package.FeatureInput, maxRows)
                : InstancesReader.Instances(inputs, "inputs", predictor.Inputs, package.FeatureInput, maxRows);
        }

        public void Write(HttpContext context, string endpoint, InferenceResult result, JsonElement body) => PredictionsAnswer.Write(context, result);

        private static string Kind(JsonElement value) => value.ValueKind switch
        {
            JsonValueKind.Array => "an array",
            JsonValueKind.String => "a string",
            _ => value.GetRawText(),
        };
    }
}
