namespace Gyre.Core.Errors;

/// <summary>
/// The stable error codes of Gyre's API. Each maps onto exactly one HTTP status
/// (see <see cref="ErrorCodes.HttpStatus"/>) and is sent as the <c>code</c> of a problem details body.
/// </summary>
public enum ErrorCode
{
    InvalidArgument,
    NotFound,
    AlreadyExists,
    Conflict,
    Unauthenticated,
    PermissionDenied,
    PayloadTooLarge,
    UnsupportedMediaType,
    MethodNotAllowed,
    Unavailable,

    /// <summary>Stored bytes no longer match the digest recorded when they were written: corruption, never served as if whole.</summary>
    DataLoss,

    /// <summary>The server does not offer what was asked in its present set-up (a direct upload to an artifact store on its own disk).</summary>
    NotImplemented,
    Internal,
}
