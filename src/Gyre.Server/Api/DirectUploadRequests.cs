using Gyre.Core.Artifacts;
using Gyre.Core.Errors;

namespace Gyre.Server.Api;

/// <summary>What the direct-upload routes of run artifacts and datasets share: the store's offer, and the checks of a beginning and a completion.</summary>
internal static class DirectUploadRequests
{
    public static IDirectUploads Of(IArtifactStore artifacts) => artifacts as IDirectUploads
        ?? throw new GyreException(ErrorCode.NotImplemented,
            "direct upload: this server keeps its files on its own disk, so there is no store to send to directly; send the file to the server itself");

    /// <summary>Begins an upload of the size the body declares, within <paramref name="maxBytes"/>.</summary>
    public static Task<DirectUpload> BeginAsync(IArtifactStore artifacts, BeginUploadRequest body, long maxBytes, CancellationToken ct)
    {
        var size = body.Size ?? throw GyreException.Invalid("size: required, the file's size in bytes");
        if (size < 0)
        {
            throw GyreException.Invalid($"size: expected 0 or more bytes, got {size}");
        }
        if (size > maxBytes)
        {
            throw new GyreException(ErrorCode.PayloadTooLarge, $"size: the file is larger than the limit of {maxBytes} bytes");
        }
        return Of(artifacts).BeginAsync(size, ct);
    }

    /// <summary>Commits a completion's parts and opens the staged content, checked against its SHA-256 and <paramref name="maxBytes"/> as it is read.</summary>
    public static Task<Stream> OpenCompletedAsync(IArtifactStore artifacts, string uploadId, CompleteUploadRequest body, long maxBytes, CancellationToken ct)
    {
        var sha256 = body.Sha256 is { Length: 64 } hex && hex.All(char.IsAsciiHexDigitLower) ? hex
            : throw GyreException.Invalid($"sha256: expected the file's SHA-256 as 64 lower-case hex digits, got '{body.Sha256}'");
        var parts = body.Parts is { Count: > 0 } given ? given : throw GyreException.Invalid("parts: expected the parts sent, each with its number (and the ETag the store answered)");
        for (var i = 0; i < parts.Count; i++)
        {
            if (parts[i].Number != i + 1)
            {
                throw GyreException.Invalid($"parts[{i}].number: expected {i + 1} (every part, in order, from 1), got {parts[i].Number}");
            }
        }
        return Of(artifacts).OpenCompletedAsync(uploadId, parts, sha256, maxBytes, ct);
    }
}
