namespace Gyre.Cli;

/// <summary>The exit codes of <c>gyre</c>.</summary>
internal static class ExitCodes
{
    public const int Ok = 0;

    /// <summary>The server or the store refused the request (not found, invalid, conflict...).</summary>
    public const int Failed = 1;

    /// <summary>The command line itself was wrong.</summary>
    public const int Usage = 2;

    /// <summary>The server could not be reached.</summary>
    public const int Unreachable = 3;
}
