namespace Gyre.Core.Models;

/// <summary>What a model takes and gives: checked before any data reaches it.</summary>
public sealed record ModelSignature(IReadOnlyList<TensorSpec> Inputs, IReadOnlyList<TensorSpec> Outputs);
