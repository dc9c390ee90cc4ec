using System.Globalization;
using Gyre.Core.Errors;

namespace Gyre.Core.Labelling;

/// <summary>
/// A queue's rate: <c>N/second|minute|hour|day</c>, how many items it may add in that time; or
/// <c>N%</c>, that share of each window's predictions (the primary's and a canary's answers).
/// </summary>
public static class LabelRate
{
    private static readonly Dictionary<string, double> Hours = new(StringComparer.Ordinal)
    {
        ["second"] = 1 / 3600.0, ["minute"] = 1 / 60.0, ["hour"] = 1, ["day"] = 24,
    };

    /// <summary>The largest rate: more than people label in an hour.</summary>
    public const double MaxPerHour = 100_000;

    /// <summary>Checks a rate of either kind; one that is neither, zero or negative is a 400 naming <c>rate</c>.</summary>
    public static void Check(string? rate)
    {
        if (Share(rate) is null)
        {
            Parse(rate);
        }
    }

    /// <summary>A share rate's fraction (<c>2.5%</c>: 0.025), or null for a rate per time; a share that is not more than 0% and at most 100% is a 400 naming <c>rate</c>.</summary>
    public static double? Share(string? rate)
    {
        if (rate is null || !rate.TrimEnd().EndsWith('%'))
        {
            return null;
        }
        var text = rate.TrimEnd()[..^1];
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var percent) && percent > 0 && percent <= 100
            ? percent / 100
            : throw GyreException.Invalid($"rate: expected a share of the predictions more than 0% and at most 100% (for example 2%), got '{rate}'");
    }

    /// <summary>Items per hour of a rate per time; a rate that is not one, zero or negative is a 400 naming <c>rate</c>.</summary>
    public static double Parse(string? rate)
    {
        var slash = rate?.IndexOf('/', StringComparison.Ordinal) ?? -1;
        if (slash <= 0 || !double.TryParse(rate![..slash], NumberStyles.Float, CultureInfo.InvariantCulture, out var count)
            || !Hours.TryGetValue(rate[(slash + 1)..].Trim(), out var hours))
        {
            throw GyreException.Invalid($"rate: expected N/second, N/minute, N/hour or N/day (for example 50/hour), or a share of the predictions N% (for example 2%), got '{rate}'");
        }
        var perHour = count / hours;
        if (!double.IsFinite(perHour) || perHour <= 0 || perHour > MaxPerHour)
        {
            throw GyreException.Invalid($"rate: expected more than 0 and at most {MaxPerHour:0} an hour, got '{rate}'");
        }
        return perHour;
    }
}
