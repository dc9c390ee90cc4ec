namespace Gyre.Core.Data;

/// <summary>
/// How a file is read. Recorded with its version, because every later reading (validation,
/// splits, reference statistics) must see the same rows.
/// </summary>
public sealed record ReadOptions(BadRowPolicy OnBadRows = BadRowPolicy.Fail)
{
    public static ReadOptions Default { get; } = new();
}
