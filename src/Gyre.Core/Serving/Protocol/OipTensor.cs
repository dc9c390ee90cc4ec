namespace Gyre.Core.Serving.Protocol;

/// <summary>
/// One input tensor of an Open Inference Protocol request, whichever transport carried it: its place
/// in the request's <c>inputs</c>, name, shape, datatype and values. The JSON and gRPC dialects each
/// build these, and <see cref="OipTensors"/> reads them into rows, so both refuse the same requests
/// with the same messages.
/// </summary>
public sealed record OipTensor(int Index, string Name, IReadOnlyList<long> Shape, string Datatype, TensorData Data);
