namespace Gyre.Core.Registry;

/// <summary>A movable name (such as <c>champion</c>) for one version of a model.</summary>
public sealed record ModelAlias(string Alias, long Version);
