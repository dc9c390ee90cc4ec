using System.Globalization;
using Gyre.Core.Data.Schemas;
using Gyre.Core.Errors;

namespace Gyre.Core.Data.Splits;

/// <summary>
/// Checks a split request against the version it splits and fills in its defaults (the seed, and
/// the label, key or time column from the columns' roles), so that the recorded spec says exactly
/// what was done. Every problem is reported at once, each naming its field.
/// </summary>
public static class SplitChecks
{
    public const long DefaultSeed = 0;

    public static SplitSpec Normalize(SplitSpec? spec, DatasetVersion version)
    {
        spec ??= new SplitSpec();
        var problems = new List<string>();
        var method = spec.Method?.ToLowerInvariant();
        if (method is null || !SplitMethods.All.Contains(method))
        {
            problems.Add($"method: expected one of {string.Join(", ", SplitMethods.All)}, got {(spec.Method is null ? "nothing" : $"'{spec.Method}'")}");
            GyreException.ThrowIfAny(problems);
        }
        if (version.Columns.FirstOrDefault(c => string.Equals(c.Name, "rowid", StringComparison.OrdinalIgnoreCase)) is { } rowid)
        {
            // DuckDB numbers rows with a hidden rowid column, which a real column of that name hides.
            problems.Add($"columns: {version.Name}@{version.Version} has a column named '{rowid.Name}', which the splitter reserves for row numbers; rename it");
        }
        var normalized = new SplitSpec(method);
        var fractionNeeded = method != SplitMethods.Time || spec.At is null;
        if (spec.TestFraction is { } fraction && !(fraction > 0 && fraction < 1))
        {
            problems.Add($"test_fraction: expected a number between 0 and 1 (exclusive), got {fraction.ToString(CultureInfo.InvariantCulture)}");
        }
        else if (spec.TestFraction is null && fractionNeeded)
        {
            problems.Add(method == SplitMethods.Time ? "test_fraction: a time split needs at (a cut-off time) or test_fraction" : "test_fraction: expected a number between 0 and 1");
        }
        else if (spec.TestFraction is not null && spec.At is not null && method == SplitMethods.Time)
        {
            problems.Add("test_fraction: give either at or test_fraction for a time split, not both");
        }
        else
        {
            normalized = normalized with { TestFraction = spec.TestFraction };
        }

        if (method is SplitMethods.Random or SplitMethods.Stratified)
        {
            if (spec.Seed is < 0)
            {
                problems.Add($"seed: expected a non-negative integer, got {spec.Seed}");
            }
            normalized = normalized with { Seed = spec.Seed ?? DefaultSeed };
        }
        else if (spec.Seed is not null)
        {
            problems.Add($"seed: only random and stratified splits take a seed; a {method} split is deterministic without one");
        }

        normalized = normalized with
        {
            Label = Column(problems, "label", spec.Label, method == SplitMethods.Stratified, ColumnRole.Label, version),
            Key = Column(problems, "key", spec.Key, method == SplitMethods.Hash, ColumnRole.Id, version),
            TimeColumn = Column(problems, "time_column", spec.TimeColumn, method == SplitMethods.Time, ColumnRole.Timestamp, version),
        };
        if (spec.At is not null)
        {
            normalized = normalized with { At = method == SplitMethods.Time ? At(problems, spec.At, normalized.TimeColumn, version) : null };
            if (method != SplitMethods.Time)
            {
                problems.Add($"at: only a time split takes a cut-off time, not a {method} split");
            }
        }
        GyreException.ThrowIfAny(problems);
        return normalized;
    }

    /// <summary>The column a method needs: the one named, or the one with the role; its name as the file spells it.</summary>
    private static string? Column(List<string> problems, string field, string? named, bool needed, ColumnRole role, DatasetVersion version)
    {
        if (!needed)
        {
            if (named is not null)
            {
                problems.Add($"{field}: not used by this split method");
            }
            return null;
        }
        var columns = version.Columns;
        if (named is null)
        {
            var byRole = columns.Where(c => c.Role == role).ToList();
            if (byRole.Count == 1)
            {
                return byRole[0].Name;
            }
            problems.Add(byRole.Count == 0
                ? $"{field}: expected a column name (no column has the role {SchemaRules.Wire(role)} in {version.Name}@{version.Version})"
                : $"{field}: expected a column name: {string.Join(", ", byRole.Select(c => c.Name))} all have the role {SchemaRules.Wire(role)}");
            return null;
        }
        var found = columns.FirstOrDefault(c => string.Equals(c.Name, named, StringComparison.OrdinalIgnoreCase));
        if (found is null)
        {
            problems.Add($"{field}: column '{named}' does not exist in {version.Name}@{version.Version}; its columns are {string.Join(", ", columns.Select(c => c.Name))}");
            return null;
        }
        if (field == "time_column" && found.Type is not (ColumnType.Datetime or ColumnType.Integer))
        {
            problems.Add($"{field}: column '{found.Name}' is {SchemaRules.Wire(found.Type)}; a time split needs a datetime or integer (epoch) column");
        }
        return found.Name;
    }

    /// <summary>The cut-off as the column compares it: an ISO 8601 UTC time for datetime columns, an integer for epoch ones.</summary>
    private static string? At(List<string> problems, string at, string? timeColumn, DatasetVersion version)
    {
        var column = version.Columns.FirstOrDefault(c => c.Name == timeColumn);
        if (column?.Type == ColumnType.Integer)
        {
            if (long.TryParse(at, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var epoch))
            {
                return epoch.ToString(CultureInfo.InvariantCulture);
            }
            problems.Add($"at: column '{timeColumn}' holds integers; expected an integer cut-off, got '{at}'");
            return null;
        }
        if (DateTimeOffset.TryParse(at, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time))
        {
            return time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);
        }
        problems.Add($"at: expected an ISO 8601 time such as 2026-01-31T00:00:00Z, got '{at}'");
        return null;
    }
}
