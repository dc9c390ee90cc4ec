using System.CommandLine;

namespace Gyre.Cli;

/// <summary>
/// Options shared by the commands that use them: every command that talks to a server takes
/// <c>--server</c> and <c>--json</c> (added by <see cref="CliAction"/>), the offline ones that print
/// take <c>--json</c>; <c>gyre server</c> and <c>gyre demo</c> take neither.
/// </summary>
internal static class CliOptions
{
    public static readonly Option<string?> Server = new("--server")
    {
        Description = "The Gyre server URL (default: $GYRE_SERVER, else http://127.0.0.1:5000)",
    };

    public static readonly Option<bool> Json = new("--json")
    {
        Description = "Print JSON for scripts instead of tables",
    };

    public static Option<string?> Home() => new("--home")
    {
        Description = "The Gyre home folder (default: $GYRE_HOME, else .gyre in the working folder)",
    };
}
