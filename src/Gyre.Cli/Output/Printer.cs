using System.Globalization;
using System.Text.Json;
using Gyre.Core.Json;
using Spectre.Console;

namespace Gyre.Cli;

/// <summary>Prints results as tables for people or as JSON (with <c>--json</c>) for scripts.</summary>
internal sealed class Printer(bool json)
{
    private static readonly JsonSerializerOptions Indented = new(GyreJson.Options) { WriteIndented = true };

    public bool IsJson => json;

    /// <summary>One object: its JSON, or a two-column table of the given fields.</summary>
    public void Object<T>(T value, params (string Field, object? Value)[] fields)
    {
        if (json)
        {
            Console.Out.WriteLine(JsonSerializer.Serialize(value, Indented));
            return;
        }
        var table = new Table().Border(TableBorder.Rounded).HideHeaders().AddColumn("field").AddColumn("value");
        foreach (var (field, v) in fields)
        {
            table.AddRow(Markup.Escape(field), Markup.Escape(Text(v)));
        }
        CliConsole.Out.Write(table);
    }

    /// <summary>A list: its JSON (the whole page when given), or a table with one row per item.</summary>
    public void List<T>(IReadOnlyList<T> items, object? page, string emptyHint, params (string Header, Func<T, object?> Value)[] columns)
    {
        if (json)
        {
            Console.Out.WriteLine(JsonSerializer.Serialize(page ?? items, Indented));
            return;
        }
        if (items.Count == 0)
        {
            Console.Out.WriteLine(emptyHint);
            return;
        }
        var table = new Table().Border(TableBorder.Rounded);
        foreach (var (header, _) in columns)
        {
            table.AddColumn(Markup.Escape(header));
        }
        foreach (var item in items)
        {
            table.AddRow(columns.Select(c => Markup.Escape(Text(c.Value(item)))).ToArray());
        }
        CliConsole.Out.Write(table);
    }

    /// <summary>A confirmation line for people, or <c>{"ok": true, ...}</c> for scripts.</summary>
    public void Done(string message, object? jsonValue = null)
    {
        Console.Out.WriteLine(json ? JsonSerializer.Serialize(jsonValue ?? new { ok = true }, Indented) : message);
    }

    /// <summary>An enum value as the API spells it ("READY", "active_only").</summary>
    public static string Wire<TEnum>(TEnum value)
        where TEnum : struct, Enum => JsonSerializer.Serialize(value, GyreJson.Options).Trim('"');

    public static string Time(long? ms) => ms is { } v
        ? DateTimeOffset.FromUnixTimeMilliseconds(v).ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss zzz", CultureInfo.InvariantCulture)
        : "";

    /// <summary>A number to at most <paramref name="decimals"/> places, with no "-0" for a small negative one; <paramref name="missing"/> for none.</summary>
    public static string Number(double? value, int decimals, string missing = "") => value is { } v
        ? (Math.Round(v, decimals) == 0 ? 0 : v).ToString("0." + new string('#', decimals), CultureInfo.InvariantCulture)
        : missing;

    private static string Text(object? value) => value switch
    {
        null => "",
        double d => d.ToString("G6", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
