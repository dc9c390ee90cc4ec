namespace Gyre.Core.Data;

/// <summary>Where a derived version came from: a part (<c>train</c> or <c>test</c>) of a recorded split of another version.</summary>
public sealed record DatasetDerivation(string Split, string Dataset, long Version, string Part);
