namespace Gyre.Core.Labelling;

/// <summary>
/// A labelling queue on an endpoint: its sampler picks, off the request path, up to <c>Rate</c>
/// (<see cref="LabelRate"/>) of the endpoint's logged predictions in each window of
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
    public double PerHour => LabelRate.Parse(Rate);

    /// <summary>The most items one window may add, whatever its length: what a sampler holds and writes at once stays bounded.</summary>
    public const int MaxPerWindow = 10_000;

    /// <summary>How many items window <paramref name="index"/> (from <c>Since</c>) may add: the rate spread over windows, fractions carried, at most <see cref="MaxPerWindow"/>.</summary>
    public int Budget(long index)
    {
        var perWindow = PerHour * WindowSeconds / 3600.0;
        return (int)Math.Min(MaxPerWindow, Math.Floor((index + 1) * perWindow + 1e-9) - Math.Floor(index * perWindow + 1e-9));
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
