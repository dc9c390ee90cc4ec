namespace Gyre.Core.Data.Splits;

/// <summary>
/// How to split a version into train and test parts. <c>Method</c> is one of <see cref="SplitMethods"/>:
/// <c>random</c> (seeded), <c>stratified</c> on <c>Label</c> (seeded), <c>time</c> on <c>TimeColumn</c>
/// (rows before <c>At</c> train, the others test; or the latest <c>TestFraction</c> when <c>At</c> is
/// not given), and <c>hash</c> on the <c>Key</c> column (a row stays on its side as the data grows).
/// </summary>
[System.Text.Json.Serialization.JsonUnmappedMemberHandling(System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow)]
public sealed record SplitSpec(
    string? Method = null,
    double? TestFraction = null,
    long? Seed = null,
    string? Label = null,
    string? Key = null,
    string? TimeColumn = null,
    string? At = null);
