namespace Gyre.Core.Pipelines.Steps;

/// <summary>A parameter a step type takes under <c>with:</c>, with what it expects (used in error messages and docs).</summary>
public sealed record StepParameter(string Name, ParameterKind Kind, string Help, bool Required = false);
