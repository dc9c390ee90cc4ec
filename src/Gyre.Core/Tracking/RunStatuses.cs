namespace Gyre.Core.Tracking;

/// <summary>Text forms of <see cref="RunStatus"/> as stored and as filtered on.</summary>
public static class RunStatuses
{
    public static string ToText(this RunStatus status) => status.ToString().ToUpperInvariant();

    public static bool TryParse(string? text, out RunStatus status) =>
        Enum.TryParse(text, ignoreCase: true, out status) && Enum.IsDefined(status) && !int.TryParse(text, out _);

    public static bool IsTerminal(this RunStatus status) =>
        status is RunStatus.Finished or RunStatus.Failed or RunStatus.Killed;
}
