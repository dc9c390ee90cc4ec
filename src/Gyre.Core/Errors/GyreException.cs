namespace Gyre.Core.Errors;

/// <summary>
/// The one exception root of Gyre. Carries a stable <see cref="ErrorCode"/> and, for
/// validation failures, every problem found rather than only the first.
/// </summary>
public class GyreException : Exception
{
    public GyreException(ErrorCode code, string message, IReadOnlyList<string>? errors = null, Exception? inner = null)
        : base(message, inner)
    {
        Code = code;
        Errors = errors ?? [];
    }

    public ErrorCode Code { get; }

    /// <summary>Every individual problem when more than one was found; empty otherwise.</summary>
    public IReadOnlyList<string> Errors { get; }

    /// <summary>True when retrying the same call later may succeed.</summary>
    public bool IsTransient => Code == ErrorCode.Unavailable;

    public static GyreException NotFound(string message) => new(ErrorCode.NotFound, message);

    public static GyreException Invalid(string message) => new(ErrorCode.InvalidArgument, message);

    public static GyreException Conflict(string message) => new(ErrorCode.Conflict, message);

    public static GyreException AlreadyExists(string message) => new(ErrorCode.AlreadyExists, message);

    /// <summary>Throws one invalid_argument error listing every problem, when there is any.</summary>
    public static void ThrowIfAny(IReadOnlyList<string> problems)
    {
        if (problems.Count == 1)
        {
            throw new GyreException(ErrorCode.InvalidArgument, problems[0], problems);
        }
        if (problems.Count > 1)
        {
            throw new GyreException(ErrorCode.InvalidArgument, $"{problems.Count} problems: {string.Join("; ", problems)}", problems);
        }
    }
}
