using Gyre.Core.Artifacts;
using Gyre.Core.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Gyre.Server.Api;

/// <summary>
/// Removes the artifacts of a purged experiment or run. The metadata is already gone, so a
/// failure here is logged rather than reported: the purge itself succeeded.
/// </summary>
internal static class ArtifactCleanup
{
    public static async Task DeleteAsync(HttpContext context, IArtifactStore artifacts, string root, string kind, string id)
    {
        try
        {
            await artifacts.DeleteRootAsync(root, CancellationToken.None);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Gyre.Artifacts");
            GyreLog.ArtifactCleanupFailed(logger, e, kind, id);
        }
    }
}
