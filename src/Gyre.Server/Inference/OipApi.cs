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
/// the protocol, named as the endpoint; its versions are the model versions its live variants serve,
/// and the unversioned routes answer as the endpoint routes. The answer's outputs are
/// <see cref="OipOutputs"/>'s. Errors on these routes are the protocol's <c>{"error": message}</c>.
/// </summary>
internal static class OipApi
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        var v2 = routes.MapGroup("/v2").WithTags("Open Inference Protocol");
        v2.MapGet("/", Server).WithMetadata(new RequiredScope(TokenScope.Read));
        v2.MapGet("/health/live", () => TypedResults.Ok(new { live = true })).WithMetadata(new Anonymous());
        v2.MapGet("/health/ready", Ready).WithMetadata(new Anonymous());
        v2.MapGet("/models/{name}", (string name, EndpointRouter router) => Metadata(name, null, router));
        v2.MapGet("/models/{name}/ready", (string name, EndpointRouter router) => ModelReady(name, null, router));
        v2.MapPost("/models/{name}/infer", (string name, HttpContext context, InferenceGateway gateway, GatewayOptions options, GatewayMetrics metrics, TimeProvider time, CancellationToken ct) =>
            InferenceCall.AnswerAsync(name, null, context, gateway, options, metrics, time, V2.Dialect, ct)).WithMetadata(new RequiredScope(TokenScope.Read));
        // The versioned routes name a model version the endpoint serves: the answer comes from that
        // version's variant, whatever the split's weights.
        v2.MapGet("/models/{name}/versions/{version}", Metadata);
        v2.MapGet("/models/{name}/versions/{version}/ready", ModelReady);
        v2.MapPost("/models/{name}/versions/{version}/infer", (string name, string version, HttpContext context, InferenceGateway gateway, GatewayOptions options,
            GatewayMetrics metrics, TimeProvider time, CancellationToken ct) =>
            InferenceCall.AnswerAsync(name, version, context, gateway, options, metrics, time, V2.Dialect, ct)).WithMetadata(new RequiredScope(TokenScope.Read));
    }

    /// <summary>Whether a path is the protocol's, whose errors are <c>{"error": message}</c> (<see cref="Http.Problems"/>).</summary>
    public static bool Owns(PathString path) => path.StartsWithSegments("/v2", StringComparison.Ordinal);

    private static Ok<ServerMetadata> Server() => TypedResults.Ok(new ServerMetadata("gyre", Api.HealthApi.Version, []));

    /// <summary>Ready when every endpoint serves.</summary>
    private static IResult Ready(EndpointRouter router) =>
        router.AllReady ? TypedResults.Ok(new { ready = true }) : TypedResults.Json(new { ready = false }, statusCode: StatusCodes.Status503ServiceUnavailable);

    private static IResult ModelReady(string name, string? version, EndpointRouter router)
    {
        var endpoint = router.Get(name);
        if (version is not null)
        {
            endpoint.Serving(version);
        }
        return TypedResults.Ok(new { name, ready = true });
    }

    private static Ok<ModelMetadata> Metadata(string name, string? version, EndpointRouter router) => TypedResults.Ok(Describe(router.Get(name), version));

    /// <summary>A model's metadata: the named version's variant (the heaviest live one without a version), and every version served.</summary>
    internal static ModelMetadata Describe(ServedEndpoint endpoint, string? version)
    {
        var variant = version is null ? endpoint.Live.OrderByDescending(v => v.Variant.Weight).First() : endpoint.Serving(version);
        var package = variant.Predictor.Package;
        var inputs = package.FeatureInput is { } tensor
            ? [.. package.Signature.Inputs.Where(i => i.Name == tensor).Select(i => new TensorMetadata(i.Name, i.DataType, i.Shape))]
            : variant.Predictor.Inputs.Select(i => new TensorMetadata(i.Name, i.DataType, [-1, 1])).ToList();
        var outputs = OipOutputs.Names(package).Select(o => o == package.Output
            ? new TensorMetadata(o, TensorDataTypes.Fp64, [-1, OipOutputs.Width(package)])
            : new TensorMetadata(o, TensorDataTypes.Bytes, [-1])).ToList();
        return new ModelMetadata(endpoint.Endpoint.Name, endpoint.Versions, ModelFlavors.Of(package).Platform, inputs, outputs);
    }

    /// <summary>The v2 inference request in, the v2 inference response out (with labels and prediction ids as extra BYTES outputs, unless <c>outputs</c> leaves them out).</summary>
    private sealed class V2 : IInferenceDialect
    {
        public static readonly V2 Dialect = new();

        public string Protocol => "v2";

        /// <summary>Tensors, not rows: an endpoint with feature lookups is refused here.</summary>
        public IReadOnlyList<string> ObjectRows { get; } = [];

        public ParsedRequest Read(JsonElement body, IPredictor predictor, int maxRows) => OipReader.Read(body, predictor, maxRows);

        public void Write(HttpContext context, string endpoint, InferenceResult result, JsonElement body)
        {
            var package = result.Variant.Predictor.Package;
            var requested = OipReader.Outputs(body);
            var requestId = OipReader.RequestId(body);
            var rows = result.Predictions.Length;
            var width = rows == 0 ? OipOutputs.Width(package) : result.Predictions[0].Length;
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
                foreach (var name in OipOutputs.Chosen(requested, package))
                {
                    if (name == package.Output)
                    {
                        Tensor(json, name, TensorDataTypes.Fp64, [rows, width], () =>
                        {
                            foreach (var value in result.Predictions.SelectMany(p => p))
                            {
                                PredictionFormat.Number(json, value);
                            }
                        });
                        continue;
                    }
                    var texts = name == OipOutputs.Label ? result.Predictions.Select(p => PredictedClass.Of(package, p)) : result.PredictionIds;
                    Tensor(json, name, TensorDataTypes.Bytes, [rows], () =>
                    {
                        foreach (var text in texts)
                        {
                            json.WriteStringValue(text);
                        }
                    });
                }
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

    internal sealed record ServerMetadata(string Name, string Version, IReadOnlyList<string> Extensions);

    internal sealed record TensorMetadata(string Name, string Datatype, IReadOnlyList<long> Shape);

    internal sealed record ModelMetadata(string Name, IReadOnlyList<string> Versions, string Platform, IReadOnlyList<TensorMetadata> Inputs, IReadOnlyList<TensorMetadata> Outputs);
}
