namespace Gyre.Core.Errors;

/// <summary>Wire names and HTTP statuses of <see cref="ErrorCode"/>, kept in one place.</summary>
public static class ErrorCodes
{
    public static string WireName(this ErrorCode code) => code switch
    {
        ErrorCode.InvalidArgument => "invalid_argument",
        ErrorCode.NotFound => "not_found",
        ErrorCode.AlreadyExists => "already_exists",
        ErrorCode.Conflict => "conflict",
        ErrorCode.Unauthenticated => "unauthenticated",
        ErrorCode.PermissionDenied => "permission_denied",
        ErrorCode.PayloadTooLarge => "payload_too_large",
        ErrorCode.UnsupportedMediaType => "unsupported_media_type",
        ErrorCode.Unavailable => "unavailable",
        _ => "internal",
    };

    public static int HttpStatus(this ErrorCode code) => code switch
    {
        ErrorCode.InvalidArgument => 400,
        ErrorCode.NotFound => 404,
        ErrorCode.AlreadyExists => 409,
        ErrorCode.Conflict => 409,
        ErrorCode.Unauthenticated => 401,
        ErrorCode.PermissionDenied => 403,
        ErrorCode.PayloadTooLarge => 413,
        ErrorCode.UnsupportedMediaType => 415,
        ErrorCode.Unavailable => 503,
        _ => 500,
    };

    public static ErrorCode? FromWireName(string? name)
    {
        foreach (var code in Enum.GetValues<ErrorCode>())
        {
            if (code.WireName() == name)
            {
                return code;
            }
        }
        return null;
    }
}
