namespace Gyre.Core.Tracking;

/// <summary>A run parameter: written once, never changed.</summary>
public sealed record Param(string Key, string Value);
