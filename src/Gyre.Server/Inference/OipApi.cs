using System.Text.Json;
using Gyre.Core.Auth;
using Gyre.Core.Models;
using Gyre.Core.Serving.Gateway;
using Gyre.Core.Serving.Protocol;
using Gyre.Server.Auth;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Gyre.Server.Inference;

/// <summary>
/// The Open Inference Protocol v2 (KServe, Triton, MLServer) over REST. An endpoint is a model of
/// the protocol, named as the endpoint; its version is the primary variant's model version. The
/// answer's outputs are the model's output (FP64, <c>[batch, k]</c>), <c>label</c> (BYTES) for a
/// classifier, and <c>prediction_id</c> (BYTES), which feedback refers to.
/// </summary>
internal static class OipApi
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        var v2 = routes.MapGroup("/v2").WithTags("Open Inference Protocol");
        v2.MapGet("/", Server).WithMetadata(new RequiredScope(TokenScope.Read));
        v2.MapGet("/health/live", () => TypedResults.Ok(new { live = true })).WithMetadata(new Anonymous());
        v2.MapGet("/health/ready", Ready).WithMetadata(new Anonymous());
        v2.MapGet("/models/{name}", Metadata);
        v2.MapGet("/models/{name}/ready", ModelReady);
        v2.MapPost("/models/{name}/infer", Infer).WithMetadata(new RequiredScope(TokenScope.Read));
    }

    private static Ok<ServerMetadata> Server() => TypedResults.Ok(new ServerMetadata("gyre", Api.HealthApi.Version, []));

    /// <summary>Ready when every endpoint serves.</summary>
    private static IResult Ready(EndpointRouter router) =>
        router.AllReady ? TypedResults.Ok(new { ready = true }) : TypedResults.Json(new { ready = false }, statusCode: StatusCodes.Status503ServiceUnavailable);

    private static IResult ModelReady(string name, EndpointRouter router)
    {
        router.Get(name);
        return TypedResults.Ok(new { name, ready = true });
    }

    private static Ok<ModelMetadata> Metadata(string name, EndpointRouter router)
    {
        var endpoint = router.Get(name);
        var primary = endpoint.Live.OrderByDescending(v => v.Variant.Weight).First();
        var package = primary.Predictor.Package;
        var inputs = package.FeatureInput is { } tensor
            ? [.. package.Signature.Inputs.Where(i => i.Name == tensor).Select(i => new TensorMetadata(i.Name, i.DataType, i.Shape))]
            : primary.Predictor.Inputs.Select(i => new TensorMetadata(i.Name, i.DataType, [-1, 1])).ToList();
        var outputs = new List<TensorMetadata> { new(package.Output, TensorDataTypes.Fp64, [-1, Width(package)]) };
        if (package.Task is ModelTasks.Binary or ModelTasks.Multiclass)
        {
            outputs.Add(new TensorMetadata("label", TensorDataTypes.Bytes, [-1]));
        }
        outputs.Add(new TensorMetadata("prediction_id", TensorDataTypes.Bytes, [-1]));
        return TypedResults.Ok(new ModelMetadata(name, [.. endpoint.Live.Select(v => v.Variant.ModelVersion.ToString(System.Globalization.CultureInfo.InvariantCulture))],
            ModelFlavors.Of(package).Platform, inputs, outputs));
    }

    private static Task Infer(string name, HttpContext context, InferenceGateway gateway, GatewayOptions options, GatewayMetrics metrics, TimeProvider time, CancellationToken ct) =>
        InferenceCall.AnswerAsync(name, context, gateway, options, metrics, time, V2.Dialect, ct);

    /// <summary>The v2 inference request in, the v2 inference response out (with labels and prediction ids as extra BYTES outputs).</summary>
    private sealed class V2 : IInferenceDialect
    {
        public static readonly V2 Dialect = new();

        public string Protocol => "v2";

        public ParsedRequest Read(JsonElement body, IPredictor predictor, int maxRows) =>
            OipReader.Read(body, predictor.Inputs, predictor.Package.FeatureInput, maxRows);

        public string? RequestId(JsonElement body) => OipReader.RequestId(body);

        public void Write(HttpContext context, string endpoint, InferenceResult result, string? requestId)
        {
            var package = result.Variant.Predictor.Package;
            var rows = result.Predictions.Length;
            var width = rows == 0 ? Width(package) : result.Predictions[0].Length;
            JsonAnswer.Write(context, json =>
            {
                json.WriteStartObject();
                json.WriteString("model_name", endpoint);
                json.WriteString("model_version", result.Variant.Variant.ModelVersion.ToString(System.Globalization.CultureInfo.InvariantCulture));
                if (requestId is not null)
                {
                    json.WriteString("id", requestId);
                }
                json.WriteStartObject("parameters");
                json.WriteString("variant", result.Variant.Variant.Name);
                json.WriteString("model", result.Variant.Model);
                json.WriteEndObject();
                json.WriteStartArray("outputs");
                Tensor(json, package.Output, TensorDataTypes.Fp64, [rows, width], () =>
                {
                    foreach (var value in result.Predictions.SelectMany(p => p))
                    {
                        PredictionFormat.Number(json, value);
                    }
                });
                if (package.Task is ModelTasks.Binary or ModelTasks.Multiclass)
                {
                    Tensor(json, "label", TensorDataTypes.Bytes, [rows], () =>
                    {
                        foreach (var prediction in result.Predictions)
                        {
                            json.WriteStringValue(PredictionFormat.Label(package, prediction));
                        }
                    });
                }
                Tensor(json, "prediction_id", TensorDataTypes.Bytes, [rows], () =>
                {
                    foreach (var predictionId in result.PredictionIds)
                    {
                        json.WriteStringValue(predictionId);
                    }
                });
                json.WriteEndArray();
                json.WriteEndObject();
            });
        }
    }

    private static void Tensor(Utf8JsonWriter json, string name, string datatype, long[] shape, Action data)
    {
        json.WriteStartObject();
        json.WriteString("name", name);
        json.WriteString("datatype", datatype);
        json.WriteStartArray("shape");
        foreach (var d in shape)
        {
            json.WriteNumberValue(d);
        }
        json.WriteEndArray();
        json.WriteStartArray("data");
        data();
        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static long Width(ModelPackage package) =>
        package.Signature.Outputs.FirstOrDefault(o => o.Name == package.Output) is { Shape.Count: 2 } output ? output.Shape[1] : 1;

    internal sealed record ServerMetadata(string Name, string Version, IReadOnlyList<string> Extensions);

    internal sealed record TensorMetadata(string Name, string Datatype, IReadOnlyList<long> Shape);

    internal sealed record ModelMetadata(string Name, IReadOnlyList<string> Versions, string Platform, IReadOnlyList<TensorMetadata> Inputs, IReadOnlyList<TensorMetadata> Outputs);
}
