namespace Gyre.Core.Models;

/// <summary>
/// One input or output of a model: its name, its datatype in the Open Inference Protocol's names
/// (<see cref="TensorDataTypes"/>) and its shape, with -1 for a variable dimension (the batch).
/// </summary>
public sealed record TensorSpec(string Name, string DataType, IReadOnlyList<long> Shape);
