using Gyre.Core.Artifacts;
using Gyre.Core.Data;
using Microsoft.AspNetCore.Http;

namespace Gyre.Server.Http;

/// <summary>Answers with a Parquet file written to scratch space by <c>write</c>, as an attachment named <c>fileName</c>; the file is removed afterwards.</summary>
internal static class ParquetDownload
{
    public static async Task SendAsync(HttpContext context, ScratchSpace scratch, string fileName, Func<string, Task> write, CancellationToken ct)
    {
        var path = scratch.NewFile(".parquet");
        try
        {
            await write(path);
            context.Response.ContentType = DatasetFormats.ParquetMediaType;
            context.Response.Headers.ContentDisposition = HeaderValues.Attachment(fileName);
            await context.Response.SendFileAsync(path, ct);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
