namespace Gyre.Core.Models;

/// <summary>
/// A named tensor of numbers, row-major and flat as in the Open Inference Protocol. Values travel
/// as doubles whatever the model's type: every FP32, INT32 and INT64 value fits without loss
/// (integers up to 2^53).
/// </summary>
public sealed record Tensor(string Name, IReadOnlyList<long> Shape, double[] Values);
