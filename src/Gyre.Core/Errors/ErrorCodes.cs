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
        ErrorCode.MethodNotAllowed => "method_not_allowed",
        ErrorCode.Unavailable => "unavailable",
        ErrorCode.DataLoss => "data_loss",
        ErrorCode.NotImplemented => "not_implemented",
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
        ErrorCode.MethodNotAllowed => 405,
        ErrorCode.Unavailable => 503,
        ErrorCode.NotImplemented => 501,
        _ => 500,
    };

    /// <summary>The code for a bare HTTP status, when no body says which.</summary>
    public static ErrorCode FromHttpStatus(int status) => status switch
    {
        400 => ErrorCode.InvalidArgument,
        401 => ErrorCode.Unauthenticated,
        403 => ErrorCode.PermissionDenied,
        404 => ErrorCode.NotFound,
        405 => ErrorCode.MethodNotAllowed,
        409 => ErrorCode.Conflict,
        413 => ErrorCode.PayloadTooLarge,
        415 => ErrorCode.UnsupportedMediaType,
        501 => ErrorCode.NotImplemented,
        503 => ErrorCode.Unavailable,
        _ => ErrorCode.Internal,
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
