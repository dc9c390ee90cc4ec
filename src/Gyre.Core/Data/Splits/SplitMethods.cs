namespace Gyre.Core.Data.Splits;

/// <summary>The split methods and the parts every split makes.</summary>
public static class SplitMethods
{
    public const string Random = "random";
    public const string Stratified = "stratified";
    public const string Time = "time";
    public const string Hash = "hash";

    public const string Train = "train";
    public const string Test = "test";

    public static IReadOnlyList<string> All { get; } = [Random, Stratified, Time, Hash];

    /// <summary>The dataset that holds one part of the splits of <paramref name="dataset"/>: <c>NAME.train</c>, <c>NAME.test</c>.</summary>
    public static string PartDataset(string dataset, string part) => $"{dataset}.{part}";
}
