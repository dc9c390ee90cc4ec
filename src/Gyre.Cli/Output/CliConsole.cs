using System.Globalization;
using Spectre.Console;

namespace Gyre.Cli;

/// <summary>
/// Where tables are drawn, and how wide: <c>$COLUMNS</c> when it is set, else the terminal's width,
/// else (output piped to a file or a program) wide enough that no row wraps. Spectre.Console on its
/// own assumes 80 columns when piped and splits words to fit them ("succeede d").
/// </summary>
internal static class CliConsole
{
    /// <summary>The width of piped output: rows are never wrapped there.</summary>
    public const int PipedWidth = 4096;

    public static IAnsiConsole Out { get; } = Create();

    public static int Width(string? columns, bool redirected, int terminal) =>
        int.TryParse(columns, NumberStyles.None, CultureInfo.InvariantCulture, out var given) && given >= 20 ? given
        : redirected ? PipedWidth
        : terminal;

    private static IAnsiConsole Create()
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Out) });
        console.Profile.Width = Width(Environment.GetEnvironmentVariable("COLUMNS"), Console.IsOutputRedirected, console.Profile.Width);
        return console;
    }
}
