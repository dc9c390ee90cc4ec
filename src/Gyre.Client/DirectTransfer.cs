using Gyre.Core.Artifacts;

namespace Gyre.Client;

/// <summary>
/// Sending a file straight to an object store over the pre-signed URLs a server handed out: the
/// parts go out four at a time, read from the file as they are sent, without Gyre's token (each URL
/// carries its own authority); the file's SHA-256 goes to the server, which checks the whole.
/// </summary>
internal static class DirectTransfer
{
    private const int PartsAtOnce = 4;

    public static async Task<string> HashAsync(FileInfo file, CancellationToken ct)
    {
        await using var read = new FileStream(file.FullName, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, useAsync: true);
        return Convert.ToHexStringLower(await System.Security.Cryptography.SHA256.HashDataAsync(read, ct));
    }

    /// <summary>Sends every part; returns each with the ETag the store answered.</summary>
    public static async Task<IReadOnlyList<UploadedPart>> SendPartsAsync(HttpClient http, DirectUpload upload, FileInfo file, IProgress<long>? sent, CancellationToken ct)
    {
        var parts = new UploadedPart[upload.Parts.Count];
        using var handle = File.OpenHandle(file.FullName, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.Asynchronous);
        await Parallel.ForEachAsync(upload.Parts, new ParallelOptions { MaxDegreeOfParallelism = PartsAtOnce, CancellationToken = ct }, async (part, token) =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Put, part.Url) { Content = new FileRegionContent(handle, part.Offset, part.Size, sent) };
            using var response = await http.SendAsync(request, token);
            if (!response.IsSuccessStatusCode)
            {
                var answer = (await response.Content.ReadAsStringAsync(token)).Split('\n')[0];
                throw new GyreApiException(Core.Errors.ErrorCodes.FromHttpStatus((int)response.StatusCode), (int)response.StatusCode,
                    $"part {part.Number}: the object store answered {(int)response.StatusCode} {response.ReasonPhrase}: {answer}");
            }
            // Read as sent: an S3-compatible store may answer an ETag without the quotes HTTP's typed header needs.
            parts[part.Number - 1] = new UploadedPart(part.Number, response.Headers.TryGetValues("ETag", out var etags) ? etags.First() : null);
        });
        return parts;
    }

    /// <summary>Runs a clean-up after a failure, which is what the caller must hear: the clean-up's own failure is dropped.</summary>
    public static async Task QuietlyAsync(Func<Task> cleanUp)
    {
        try
        {
            await cleanUp();
        }
        catch (GyreApiException)
        {
            // the store's own expiry takes what is left
        }
        catch (HttpRequestException)
        {
            // as above
        }
    }
}
