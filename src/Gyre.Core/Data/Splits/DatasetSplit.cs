namespace Gyre.Core.Data.Splits;

/// <summary>
/// A recorded derivation of a version into parts. The id is a digest of the source version's
/// content, the dataset and the normalised spec: asking for the same split again finds this one,
/// and running it again on the same content gives the same rows in each part.
/// </summary>
public sealed record DatasetSplit(
    string Id,
    string Dataset,
    long Version,
    string SourceDigest,
    SplitSpec Spec,
    IReadOnlyList<SplitPart> Parts,
    long CreationTime);
