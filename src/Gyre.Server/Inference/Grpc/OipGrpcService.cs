using System.Globalization;
using Gyre.Core.Errors;
using Gyre.Core.Models;
using Gyre.Core.Serving.Gateway;
using Gyre.Core.Serving.Protocol;
using Grpc.Core;

namespace Gyre.Server.Inference.Grpc;

/// <summary>
/// The Open Inference Protocol over gRPC: the same endpoints, routing, validation, prediction log,
/// shadows and metrics as the REST routes (<see cref="OipApi"/>), through the same gateway. An empty
/// <c>model_version</c> routes as the endpoint does; a version bypasses the split. Answers carry
/// typed contents: the model's output as FP64, <c>label</c> and <c>prediction_id</c> as BYTES.
/// </summary>
internal sealed class OipGrpcService(EndpointRouter router, InferenceGateway gateway, GatewayOptions options, GatewayMetrics metrics, TimeProvider time)
    : GRPCInferenceService.GRPCInferenceServiceBase
{
    public const string Protocol = "grpc";

    public override Task<ServerLiveResponse> ServerLive(ServerLiveRequest request, ServerCallContext context) =>
        Task.FromResult(new ServerLiveResponse { Live = true });

    public override Task<ServerReadyResponse> ServerReady(ServerReadyRequest request, ServerCallContext context) =>
        Task.FromResult(new ServerReadyResponse { Ready = router.AllReady });

    public override Task<ServerMetadataResponse> ServerMetadata(ServerMetadataRequest request, ServerCallContext context) =>
        Task.FromResult(new ServerMetadataResponse { Name = "gyre", Version = Api.HealthApi.Version });

    public override Task<ModelReadyResponse> ModelReady(ModelReadyRequest request, ServerCallContext context)
    {
        var endpoint = router.Get(Required(request.Name, "name"));
        if (request.Version.Length > 0)
        {
            endpoint.Serving(request.Version);
        }
        return Task.FromResult(new ModelReadyResponse { Ready = true });
    }

    public override Task<ModelMetadataResponse> ModelMetadata(ModelMetadataRequest request, ServerCallContext context)
    {
        var metadata = OipApi.Describe(router.Get(Required(request.Name, "name")), request.Version.Length > 0 ? request.Version : null);
        var response = new ModelMetadataResponse { Name = metadata.Name, Platform = metadata.Platform };
        response.Versions.AddRange(metadata.Versions);
        response.Inputs.AddRange(metadata.Inputs.Select(Tensor));
        response.Outputs.AddRange(metadata.Outputs.Select(Tensor));
        return Task.FromResult(response);
    }

    public override async Task<ModelInferResponse> ModelInfer(ModelInferRequest request, ServerCallContext context)
    {
        var started = time.GetTimestamp();
        var name = request.ModelName;
        try
        {
            var endpoint = gateway.Get(Required(name, "model_name"));
            if (endpoint.Endpoint.Features is not null)
            {
                throw GyreException.Invalid($"model_name: the endpoint '{name}' looks up features by entity key, so it takes rows as objects over JSON (/endpoints/{name}/predict, KServe V1 or MLflow), not tensors");
            }
            var key = context.RequestHeaders.GetValue(options.RoutingKeyHeader.ToLowerInvariant());
            var version = request.ModelVersion.Length > 0 ? request.ModelVersion : null;
            var result = await gateway.PredictAsync(endpoint, key, version, new Input(request, options.MaxBatchRows), started, context.CancellationToken);
            var response = Answer(request, result);
            metrics.Answered(name, result, Protocol, time.GetElapsedTime(started));
            return response;
        }
        catch (GyreException e)
        {
            metrics.Failed(gateway, name, e.Code.WireName());
            throw;
        }
    }

    private static string Required(string value, string field) =>
        value.Length > 0 ? value : throw GyreException.Invalid($"{field}: expected the model's name (an endpoint's name)");

    private static ModelMetadataResponse.Types.TensorMetadata Tensor(OipApi.TensorMetadata tensor)
    {
        var metadata = new ModelMetadataResponse.Types.TensorMetadata { Name = tensor.Name, Datatype = tensor.Datatype };
        metadata.Shape.AddRange(tensor.Shape);
        return metadata;
    }

    private static ModelInferResponse Answer(ModelInferRequest request, InferenceResult result)
    {
        var package = result.Variant.Predictor.Package;
        var requested = request.Outputs.Count > 0 ? request.Outputs.Select(o => o.Name).ToList() : null;
        var rows = result.Predictions.Length;
        var response = new ModelInferResponse
        {
            ModelName = request.ModelName,
            ModelVersion = result.Variant.Variant.ModelVersion.ToString(CultureInfo.InvariantCulture),
            Id = request.Id,
        };
        response.Parameters.Add("variant", new InferParameter { StringParam = result.Variant.Variant.Name });
        response.Parameters.Add("model", new InferParameter { StringParam = result.Variant.Model });
        foreach (var name in OipOutputs.Chosen(requested, package))
        {
            var output = name == package.Output
                ? Output(name, TensorDataTypes.Fp64, rows, rows == 0 ? OipOutputs.Width(package) : result.Predictions[0].Length)
                : Output(name, TensorDataTypes.Bytes, rows, null);
            if (name == package.Output)
            {
                foreach (var prediction in result.Predictions)
                {
                    output.Contents.Fp64Contents.AddRange(prediction);
                }
            }
            else
            {
                var texts = name == OipOutputs.Label ? result.Predictions.Select(p => PredictedClass.Of(package, p) ?? "") : result.PredictionIds;
                output.Contents.BytesContents.AddRange(texts.Select(Google.Protobuf.ByteString.CopyFromUtf8));
            }
            response.Outputs.Add(output);
        }
        return response;
    }

    private static ModelInferResponse.Types.InferOutputTensor Output(string name, string datatype, int rows, long? width)
    {
        var output = new ModelInferResponse.Types.InferOutputTensor { Name = name, Datatype = datatype, Contents = new InferTensorContents() };
        output.Shape.Add(rows);
        if (width is { } columns)
        {
            output.Shape.Add(columns);
        }
        return output;
    }

    /// <summary>A gRPC request as the gateway's input. Protobuf messages are not pooled, so a shadow can keep the request itself.</summary>
    private sealed class Input(ModelInferRequest request, int maxRows) : IInferenceInput
    {
        public ParsedRequest Read(IPredictor predictor)
        {
            var tensors = GrpcTensors.Of(request);
            if (request.Outputs.Count > 0)
            {
                OipOutputs.Check([.. request.Outputs.Select(o => o.Name)], predictor.Package);
            }
            return OipTensors.Read(tensors, predictor.Inputs, predictor.Package.FeatureInput, maxRows);
        }

        public IInferenceInput Detach() => this;
    }
}
