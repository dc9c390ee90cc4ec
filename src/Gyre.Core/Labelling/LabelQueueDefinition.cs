namespace Gyre.Core.Labelling;

/// <summary>
/// A labelling queue on an endpoint: its sampler picks, off the request path, up to <c>Rate</c>
/// (<see cref="LabelRate"/>: so many a time, or a share) of the endpoint's logged predictions in each window of
/// <c>WindowSeconds</c> of prediction time from <c>Since</c>, by <c>Strategy</c>
/// (<see cref="LabelStrategies"/>); people label them in the dashboard. A share <c>Double</c> of items
/// asks for two labels (their agreement is measured, and items whose labels differ go to review).
/// <c>Choices</c> are the model's classes (null: a regression, labelled with a number; two numbers
/// agree within <c>Tolerance</c>). <c>Prefer</c> says whose ground truth wins when the application
/// reports one too (<see cref="LabelPreferences"/>). <c>Seed</c> makes the sampler's draws repeatable.
/// </summary>
public sealed record LabelQueueDefinition(
    string Name,
    string Endpoint,
    string Strategy,
    string Rate,
    long WindowSeconds,
    double Double,
    string Prefer,
    SliceQuota? Slice,
    IReadOnlyList<string>? Choices,
    double Tolerance,
    int Seed,
    long Since,
    long CreationTime,
    string? Description = null)
{
    /// <summary>The share of each window's predictions a share rate (<c>N%</c>) asks for; null for a rate per time.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public double? Share => LabelRate.Share(Rate);

    /// <summary>The most items one window may add, whatever its length: what a sampler holds and writes at once stays bounded.</summary>
    public const int MaxPerWindow = 10_000;

    /// <summary>
    /// The most items window <paramref name="index"/> (from <c>Since</c>) may add, known before it is
    /// read: a rate per time spread over windows, fractions carried; a share's, <see cref="MaxPerWindow"/>
    /// (its budget is known once the window is read: <see cref="Budget(long, long, Random)"/>).
    /// </summary>
    public int Budget(long index)
    {
        if (Share is not null)
        {
            return MaxPerWindow;
        }
        var perWindow = LabelRate.Parse(Rate) * WindowSeconds / 3600.0;
        return (int)Math.Min(MaxPerWindow, Math.Floor((index + 1) * perWindow + 1e-9) - Math.Floor(index * perWindow + 1e-9));
    }

    /// <summary>
    /// How many items window <paramref name="index"/> adds once read, with <paramref name="seen"/>
    /// predictions in it: a share's fraction of them, its fraction of an item rounded up with that
    /// chance (so the items average the share), at most <see cref="MaxPerWindow"/>.
    /// </summary>
    public int Budget(long index, long seen, Random random)
    {
        if (Share is not { } share)
        {
            return Budget(index);
        }
        var wanted = share * seen;
        var whole = Math.Floor(wanted + 1e-9);
        return (int)Math.Min(MaxPerWindow, whole + (wanted - whole > 1e-9 && random.NextDouble() < wanted - whole ? 1 : 0));
    }

    public long WindowMs => WindowSeconds * 1000;
}

/// <summary>The slice strategy's column and how many items each of its values may add per window.</summary>
public sealed record SliceQuota(string Column, int Quota);

/// <summary>How a queue picks the predictions people label.</summary>
public static class LabelStrategies
{
    /// <summary>Uniformly at random among the window's predictions.</summary>
    public const string Random = "random";

    /// <summary>The predictions nearest the decision boundary (binary), or with the highest entropy (multiclass).</summary>
    public const string Uncertainty = "uncertainty";

    /// <summary>The predictions a shadow or canary variant answered differently, most different first.</summary>
    public const string Disagreement = "disagreement";

    /// <summary>Up to a quota per value of a column, rarest values first, so small groups get labels too.</summary>
    public const string Slice = "slice";

    /// <summary>The rows whose value of the feature that drifted most in the monitor's latest window the reference holds least.</summary>
    public const string Drift = "drift";

    public static IReadOnlyList<string> All { get; } = [Random, Uncertainty, Disagreement, Slice, Drift];
}

/// <summary>Whose ground truth wins when both a person and the application report one for a prediction.</summary>
public static class LabelPreferences
{
    public const string Application = "application";
    public const string Human = "human";

    public static IReadOnlyList<string> All { get; } = [Application, Human];
}
