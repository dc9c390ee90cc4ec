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
        private static readonly string[] Forms = ["instances", "inputs"];

        public static readonly V1 Dialect = new();

        public string Protocol => "v1";

        public IReadOnlyList<string> ObjectRows => Forms;

        public ParsedRequest Read(JsonElement body, IPredictor predictor, int maxRows)
        {
            var (form, value) = BodyForms.One(body, Forms, "{\"instances\": [rows]} or {\"inputs\": rows or {column: [values]}}");
            var (inputs, vector) = (predictor.Inputs, predictor.Package.FeatureInput);
            return form == "inputs"
                ? InstancesReader.Inputs(value, inputs, vector, maxRows)
                : InstancesReader.Instances(value, form, inputs, vector, maxRows);
        }

        public void Write(HttpContext context, string endpoint, InferenceResult result, JsonElement body) => PredictionsAnswer.Write(context, result);
    }
}
