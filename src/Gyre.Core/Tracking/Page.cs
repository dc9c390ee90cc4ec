namespace Gyre.Core.Tracking;

/// <summary>One page of a listing. <paramref name="NextPageToken"/> is opaque and absent on the last page.</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, string? NextPageToken);
