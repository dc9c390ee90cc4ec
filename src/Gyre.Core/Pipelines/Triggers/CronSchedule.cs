using Cronos;

namespace Gyre.Core.Pipelines.Triggers;

/// <summary>Cron schedules (five fields, UTC), read by Cronos.</summary>
public static class CronSchedule
{
    public static string? Check(string expression)
    {
        try
        {
            CronExpression.Parse(expression);
            return null;
        }
        catch (CronFormatException e)
        {
            return $"expected a cron expression of five fields such as '0 3 * * *' (UTC): {e.Message}";
        }
    }

    /// <summary>The first time the schedule fires after <paramref name="after"/>, if ever.</summary>
    public static DateTimeOffset? Next(string expression, DateTimeOffset after) =>
        CronExpression.Parse(expression).GetNextOccurrence(after, TimeZoneInfo.Utc);
}
