using System.Buffers.Binary;
using System.Net.Http.Json;
using System.Text.Json;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Gyre.Server.Inference.Grpc;

namespace Gyre.Server.Tests.Serving.Protocols;

/// <summary>
/// The Open Inference Protocol over gRPC, through a client that Grpc.Tools generated from the
/// protocol's definition, on a real HTTP/2 connection: metadata, typed and raw contents against the
/// REST route's and ONNX Runtime's answers, and errors as the gRPC statuses they should be.
/// </summary>
public abstract class GrpcInferenceTests<TBackend>(TBackend fixture) : IClassFixture<TBackend>, IDisposable where TBackend : ServerFixture
{
    private GrpcChannel? _channel;

    private TestServer Server => fixture.Server;

    private GRPCInferenceService.GRPCInferenceServiceClient Client =>
        new((_channel ??= GrpcChannel.ForAddress(Server.GrpcAddress!)));

    public void Dispose()
    {
        _channel?.Dispose();
        GC.SuppressFinalize(this);
    }

    internal static ModelInferRequest ChurnRequest(string endpoint, params (float Tenure, string Plan)[] rows)
    {
        var request = new ModelInferRequest { ModelName = endpoint, Id = "grpc-1" };
        var tenure = new ModelInferRequest.Types.InferInputTensor { Name = "tenure", Datatype = "FP32", Contents = new InferTensorContents() };
        tenure.Shape.Add(rows.Length);
        tenure.Contents.Fp32Contents.AddRange(rows.Select(r => r.Tenure));
        var plan = new ModelInferRequest.Types.InferInputTensor { Name = "plan", Datatype = "BYTES", Contents = new InferTensorContents() };
        plan.Shape.AddRange([rows.Length, 1]);
        plan.Contents.BytesContents.AddRange(rows.Select(r => ByteString.CopyFromUtf8(r.Plan)));
        request.Inputs.AddRange([tenure, plan]);
        return request;
    }

    private static ModelInferResponse.Types.InferOutputTensor Output(ModelInferResponse response, string name) => response.Outputs.Single(o => o.Name == name);

    [SkippableFact]
    public async Task Metadata_AndTypedContents_AnswerAsTheRestRouteDoes()
    {
        var model = await ServingModels.TrainChurnAsync(Server);
        var endpoint = await ServingModels.CreateEndpointAsync(Server, $"{model}/1");
        var client = Client;

        Assert.True((await client.ServerLiveAsync(new ServerLiveRequest())).Live);
        Assert.True((await client.ServerReadyAsync(new ServerReadyRequest())).Ready);
        Assert.Equal("gyre", (await client.ServerMetadataAsync(new ServerMetadataRequest())).Name);
        Assert.True((await client.ModelReadyAsync(new ModelReadyRequest { Name = endpoint })).Ready);
        Assert.True((await client.ModelReadyAsync(new ModelReadyRequest { Name = endpoint, Version = "1" })).Ready);
        var metadata = await client.ModelMetadataAsync(new ModelMetadataRequest { Name = endpoint });
        var rest = await TestServer.JsonAsync(await Server.Http.GetAsync($"/v2/models/{endpoint}"));
        Assert.Equal((endpoint, "mlnet", "1"), (metadata.Name, metadata.Platform, metadata.Versions.Single()));
        Assert.Equal(rest.GetProperty("inputs").EnumerateArray().Select(i => $"{i.GetProperty("name").GetString()} {i.GetProperty("datatype").GetString()}"),
            metadata.Inputs.Select(i => $"{i.Name} {i.Datatype}"));
        Assert.Equal(["prediction FP64 -1,1", "label BYTES -1", "prediction_id BYTES -1"], metadata.Outputs.Select(o => $"{o.Name} {o.Datatype} {string.Join(',', o.Shape)}"));

        (float, string)[] rows = [(3, "basic"), (60, "pro"), (float.NaN, "plus"), (30.5f, "basic")];
        var answer = await client.ModelInferAsync(ChurnRequest(endpoint, rows));
        Assert.Equal((endpoint, "1", "grpc-1"), (answer.ModelName, answer.ModelVersion, answer.Id));
        Assert.Equal($"{model}-v1", answer.Parameters["variant"].StringParam);
        Assert.Equal([4L, 1], Output(answer, "prediction").Shape);

        var restAnswer = await (await Server.Http.PostAsJsonAsync($"/v2/models/{endpoint}/infer", new
        {
            inputs = new object[]
            {
                new { name = "tenure", datatype = "FP32", shape = new[] { 4 }, data = new double?[] { 3, 60, null, 30.5 } },
                new { name = "plan", datatype = "BYTES", shape = new[] { 4 }, data = rows.Select(r => r.Item2) },
            },
        })).Content.ReadFromJsonAsync<JsonElement>();
        var restOutputs = restAnswer.GetProperty("outputs").EnumerateArray().ToDictionary(o => o.GetProperty("name").GetString()!);
        Assert.Equal(restOutputs["prediction"].GetProperty("data").EnumerateArray().Select(d => d.GetDouble()), Output(answer, "prediction").Contents.Fp64Contents);
        Assert.Equal(restOutputs["label"].GetProperty("data").EnumerateArray().Select(d => d.GetString()), Output(answer, "label").Contents.BytesContents.Select(b => b.ToStringUtf8()));
        Assert.Equal(4, Output(answer, "prediction_id").Contents.BytesContents.Select(b => b.ToStringUtf8()).Distinct().Count());

        var onlyIds = ChurnRequest(endpoint, rows);
        onlyIds.Outputs.Add(new ModelInferRequest.Types.InferRequestedOutputTensor { Name = "prediction_id" });
        Assert.Equal(["prediction_id"], (await client.ModelInferAsync(onlyIds)).Outputs.Select(o => o.Name));

        var metrics = await Server.Http.GetStringAsync("/metrics");
        Assert.Contains($"gyre_inference_requests_total{{endpoint=\"{endpoint}\",variant=\"{model}-v1\",protocol=\"grpc\"}} 2", metrics, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task RawContents_GiveOnnxRuntimesReferenceScores()
    {
        var model = await ServingModels.ImportBreastCancerAsync(Server);
        var endpoint = await ServingModels.CreateEndpointAsync(Server, $"{model}/1");
        var rows = ServingModels.BreastCancerRows().Take(16).ToList();
        foreach (var (datatype, size) in new[] { ("FP32", 4), ("FP64", 8) })
        {
            var request = new ModelInferRequest { ModelName = endpoint };
            var features = new ModelInferRequest.Types.InferInputTensor { Name = "features", Datatype = datatype };
            features.Shape.AddRange([rows.Count, 30]);
            request.Inputs.Add(features);
            var raw = new byte[rows.Count * 30 * size];
            for (var i = 0; i < rows.Count * 30; i++)
            {
                var value = rows[i / 30][i % 30];
                if (size == 4)
                {
                    BinaryPrimitives.WriteSingleLittleEndian(raw.AsSpan(i * 4), (float)value);
                }
                else
                {
                    BinaryPrimitives.WriteDoubleLittleEndian(raw.AsSpan(i * 8), value);
                }
            }
            request.RawInputContents.Add(ByteString.CopyFrom(raw));
            var answer = await Client.ModelInferAsync(request);
            var scores = Output(answer, "score").Contents.Fp64Contents;
            Assert.Equal(rows.Count, scores.Count);
            Assert.All(Enumerable.Range(0, rows.Count), i => Assert.Equal(rows[i][31], scores[i], 1e-5));
            Assert.Equal(rows.Select(r => r[31] >= 0 ? "benign" : "malignant"), Output(answer, "label").Contents.BytesContents.Select(b => b.ToStringUtf8()));
        }
    }

    [SkippableFact]
    public async Task BadCalls_AreRefusedWithTheStatusTheyDeserve_NamingTheField()
    {
        var model = await ServingModels.TrainChurnAsync(Server);
        var endpoint = await ServingModels.CreateEndpointAsync(Server, $"{model}/1");
        var client = Client;
        async Task Refused(ModelInferRequest request, StatusCode status, string detail)
        {
            var e = await Assert.ThrowsAsync<RpcException>(async () => await client.ModelInferAsync(request));
            Assert.Equal(status, e.StatusCode);
            Assert.Contains(detail, e.Status.Detail, StringComparison.Ordinal);
        }

        await Refused(ChurnRequest("nope", (1, "pro")), StatusCode.NotFound, "endpoint 'nope' does not exist");
        var unserved = ChurnRequest(endpoint, (1, "pro"));
        unserved.ModelVersion = "9";
        await Refused(unserved, StatusCode.NotFound, $"version '9': endpoint '{endpoint}' serves model version 1");

        var wrongField = ChurnRequest(endpoint, (1, "pro"));
        wrongField.Inputs[0].Contents = new InferTensorContents();
        wrongField.Inputs[0].Contents.Int64Contents.Add(1);
        await Refused(wrongField, StatusCode.InvalidArgument, "inputs[0].contents: a FP32 tensor's values go in fp32_contents, which is empty");

        var shortData = ChurnRequest(endpoint, (1, "pro"));
        shortData.Inputs[0].Shape[0] = 2;
        shortData.Inputs[1].Shape[0] = 2;
        await Refused(shortData, StatusCode.InvalidArgument, "inputs[0].contents.fp32_contents: the shape holds 2 values, contents.fp32_contents has 1");

        var wrongType = ChurnRequest(endpoint, (1, "pro"));
        wrongType.Inputs[1].Datatype = "FP32";
        await Refused(wrongType, StatusCode.InvalidArgument, "inputs[1].contents: a FP32 tensor's values go in fp32_contents, which is empty");
        var rawWrongType = new ModelInferRequest { ModelName = endpoint };
        rawWrongType.Inputs.Add(new ModelInferRequest.Types.InferInputTensor { Name = "tenure", Datatype = "FP32", Shape = { 1 } });
        rawWrongType.Inputs.Add(new ModelInferRequest.Types.InferInputTensor { Name = "plan", Datatype = "FP32", Shape = { 1 } });
        rawWrongType.RawInputContents.Add(ByteString.CopyFrom(new byte[4]));
        rawWrongType.RawInputContents.Add(ByteString.CopyFrom(new byte[4]));
        await Refused(rawWrongType, StatusCode.InvalidArgument, "inputs[1].datatype: expected BYTES, got 'FP32'");

        var both = ChurnRequest(endpoint, (1, "pro"));
        both.RawInputContents.Add(ByteString.CopyFrom(new byte[4]));
        both.RawInputContents.Add(ByteString.CopyFrom([1, 0, 0, 0, (byte)'x']));
        await Refused(both, StatusCode.InvalidArgument, "inputs[0].contents: a request with raw_input_contents carries no typed contents");

        var rawWrongSize = new ModelInferRequest { ModelName = endpoint };
        rawWrongSize.Inputs.Add(new ModelInferRequest.Types.InferInputTensor { Name = "tenure", Datatype = "FP32", Shape = { 1 } });
        rawWrongSize.Inputs.Add(new ModelInferRequest.Types.InferInputTensor { Name = "plan", Datatype = "BYTES", Shape = { 1 } });
        rawWrongSize.RawInputContents.Add(ByteString.CopyFrom(new byte[3]));
        rawWrongSize.RawInputContents.Add(ByteString.CopyFrom([2, 0, 0, 0, (byte)'x']));
        await Refused(rawWrongSize, StatusCode.InvalidArgument, "raw_input_contents[0]: 3 bytes is not a whole number of FP32 values");

        var badOutput = ChurnRequest(endpoint, (1, "pro"));
        badOutput.Outputs.Add(new ModelInferRequest.Types.InferRequestedOutputTensor { Name = "logits" });
        await Refused(badOutput, StatusCode.InvalidArgument, "outputs[0].name: 'logits' is not an output of this model");

        var tooMany = ChurnRequest(endpoint, [.. Enumerable.Range(0, 10_001).Select(i => ((float)i, "pro"))]);
        await Refused(tooMany, StatusCode.ResourceExhausted, "10001 rows; a request takes at most 10000");

        var missing = await Assert.ThrowsAsync<RpcException>(async () => await client.ModelMetadataAsync(new ModelMetadataRequest { Name = "nope" }));
        Assert.Equal(StatusCode.NotFound, missing.StatusCode);
        var metrics = await Server.Http.GetStringAsync("/metrics");
        Assert.Contains($"gyre_inference_errors_total{{endpoint=\"{endpoint}\",code=\"invalid_argument\"}}", metrics, StringComparison.Ordinal);
    }
}

public sealed class GrpcInferenceTestsOnSqlite(ProtocolServerFixture fixture) : GrpcInferenceTests<ProtocolServerFixture>(fixture);

public sealed class GrpcInferenceTestsOnPostgres(PostgresProtocolServerFixture fixture) : GrpcInferenceTests<PostgresProtocolServerFixture>(fixture);
