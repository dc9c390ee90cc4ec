using System.CommandLine;

namespace Gyre.Cli;

/// <summary>Options shared by every command.</summary>
internal static class CliOptions
{
    public static readonly Option<string?> Server = new("--server")
    {
        Description = "The Gyre server URL (default: $GYRE_SERVER, else http://127.0.0.1:5000)",
        Recursive = true,
    };

    public static readonly Option<bool> Json = new("--json")
    {
        Description = "Print JSON for scripts instead of tables",
        Recursive = true,
    };

    public static Option<string?> Home() => new("--home")
    {
        Description = "The Gyre home folder (default: $GYRE_HOME, else .gyre in the working folder)",
    };
}
