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
/// MLflow's scoring server format: <c>POST /endpoints/{name}/invocations</c>, and <c>POST
/// /invocations</c> for the endpoint named by <see cref="GatewayOptions.InvocationsEndpoint"/>, with
/// exactly one of <c>dataframe_split</c>, <c>dataframe_records</c>, <c>instances</c> and
/// <c>inputs</c>, answered <c>{"predictions": […]}</c>. Errors are MLflow's <c>{"error_code",
/// "message"}</c>. JSON only: a CSV body is a 415.
/// </summary>
internal static class MlflowScoringApi
{
    private static readonly string[] Forms = ["dataframe_split", "dataframe_records", "instances", "inputs"];

    public static void Map(IEndpointRouteBuilder routes)
    {
        routes.MapPost("/endpoints/{name}/invocations", (string name, HttpContext context, InferenceGateway gateway, GatewayOptions options, GatewayMetrics metrics,
            TimeProvider time, CancellationToken ct) => InferenceCall.AnswerAsync(name, null, context, gateway, options, metrics, time, Mlflow.Dialect, ct))
            .WithTags("MLflow scoring").WithMetadata(new RequiredScope(TokenScope.Read));
        routes.MapPost("/invocations", (HttpContext context, InferenceGateway gateway, GatewayOptions options, GatewayMetrics metrics, TimeProvider time, CancellationToken ct) =>
            InferenceCall.AnswerAsync(options.InvocationsEndpoint ?? throw GyreException.NotFound(
                "/invocations: no endpoint is served here; start the server with --invocations-endpoint NAME, or POST /endpoints/NAME/invocations"),
                null, context, gateway, options, metrics, time, Mlflow.Dialect, ct))
            .WithTags("MLflow scoring").WithMetadata(new RequiredScope(TokenScope.Read));
    }

    /// <summary>Whether a path is this format's, whose errors are MLflow's <c>{"error_code", "message"}</c>.</summary>
    public static bool Owns(PathString path) =>
        path.Equals("/invocations", StringComparison.Ordinal) || (path.StartsWithSegments("/endpoints", StringComparison.Ordinal) && path.Value!.EndsWith("/invocations", StringComparison.Ordinal));

    /// <summary>MLflow's name for an error (its <c>databricks_pb2.ErrorCode</c>).</summary>
    public static string ErrorCodeOf(ErrorCode code) => code switch
    {
        ErrorCode.InvalidArgument or ErrorCode.UnsupportedMediaType or ErrorCode.PayloadTooLarge => "BAD_REQUEST",
        ErrorCode.NotFound => "RESOURCE_DOES_NOT_EXIST",
        ErrorCode.Unauthenticated => "UNAUTHENTICATED",
        ErrorCode.PermissionDenied => "PERMISSION_DENIED",
        ErrorCode.Unavailable => "TEMPORARILY_UNAVAILABLE",
        ErrorCode.NotImplemented or ErrorCode.MethodNotAllowed => "NOT_IMPLEMENTED",
        _ => "INTERNAL_ERROR",
    };

    private sealed class Mlflow : IInferenceDialect
    {
        public static readonly Mlflow Dialect = new();

        public string Protocol => "mlflow";

        public IReadOnlyList<string> ObjectRows { get; } = ["dataframe_records", "instances", "inputs"];

        public ParsedRequest Read(JsonElement body, IPredictor predictor, int maxRows)
        {
            var (form, value) = BodyForms.One(body, Forms, $"an object with exactly one of {string.Join(", ", Forms)}");
            var (inputs, vector) = (predictor.Inputs, predictor.Package.FeatureInput);
            return form switch
            {
                "dataframe_split" => InstancesReader.Frame(value, inputs, maxRows),
                "dataframe_records" => value.ValueKind == JsonValueKind.Array && value.EnumerateArray().All(r => r.ValueKind == JsonValueKind.Object)
                    ? InstancesReader.Instances(value, "dataframe_records", inputs, vector, maxRows)
                    : throw GyreException.Invalid("dataframe_records: expected an array of {column: value} objects"),
                "instances" => InstancesReader.Instances(value, "instances", inputs, vector, maxRows),
                _ => InstancesReader.Inputs(value, inputs, vector, maxRows),
            };
        }

        public void Write(HttpContext context, string endpoint, InferenceResult result, JsonElement body) => PredictionsAnswer.Write(context, result);
    }
}
