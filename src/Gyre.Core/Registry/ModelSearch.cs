namespace Gyre.Core.Registry;

/// <summary>A search over registered models: the filter language on <c>name</c> and <c>tags.KEY</c>.</summary>
public sealed record ModelSearch(string? Filter = null, IReadOnlyList<string>? OrderBy = null, int MaxResults = 100, string? PageToken = null);
