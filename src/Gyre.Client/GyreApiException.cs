using Gyre.Core.Errors;

namespace Gyre.Client;

/// <summary>An error answered by the server, with its stable code and HTTP status.</summary>
public sealed class GyreApiException(ErrorCode code, int status, string message, IReadOnlyList<string>? errors = null)
    : GyreException(code, message, errors)
{
    public int Status { get; } = status;
}
