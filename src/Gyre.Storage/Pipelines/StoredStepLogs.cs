using System.Globalization;
using System.Text;
using Gyre.Core.Artifacts;
using Gyre.Core.Errors;
using Gyre.Core.Pipelines.Runs;

namespace Gyre.Storage.Pipelines;

/// <summary>
/// Step logs for servers that share an object store: a step writes its log to a local file as it
/// runs (so this server reads it live) and copies it to <c>pipelines/RUN/logs/STEP.log</c> in the
/// store when the step ends, where every server reads it. A step that runs again (a resumed run)
/// on another server starts from the stored log, so the copy it leaves holds every attempt.
/// </summary>
internal sealed class StoredStepLogs(FileStepLogs local, IArtifactStore store) : IStepLogs
{
    public async Task<TextWriter> OpenAsync(long runId, string stepId, CancellationToken ct)
    {
        var path = local.PathOf(runId, stepId);
        try
        {
            if (!File.Exists(path) && await ReadStoredAsync(runId, stepId, ct) is { } earlier)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                await File.WriteAllTextAsync(path, earlier, new UTF8Encoding(false), ct);
            }
        }
        catch (GyreException e) when (e.Code == ErrorCode.Unavailable)
        {
            // The store away does not stop a step: its log starts afresh here, and its copy replaces the store's when the step ends.
        }
        var writer = await local.OpenAsync(runId, stepId, ct);
        return new ClosingWriter(writer, () => CopyToStoreAsync(runId, stepId, path));
    }

    public async Task<string?> ReadAsync(long runId, string stepId, CancellationToken ct) =>
        await local.ReadAsync(runId, stepId, ct) ?? await ReadStoredAsync(runId, stepId, ct);

    private async Task<string?> ReadStoredAsync(long runId, string stepId, CancellationToken ct)
    {
        try
        {
            await using var stream = await store.OpenReadAsync(Root(runId), PathIn(stepId), ct);
            using var reader = new StreamReader(stream);
            return await reader.ReadToEndAsync(ct);
        }
        catch (GyreException e) when (e.Code == ErrorCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>Copies the finished log to the store; when the store is away the local file stays, readable on this server.</summary>
    private async Task CopyToStoreAsync(long runId, string stepId, string path)
    {
        try
        {
            await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            await store.WriteAsync(Root(runId), PathIn(stepId), file, long.MaxValue, CancellationToken.None);
        }
        catch (GyreException e) when (e.Code == ErrorCode.Unavailable)
        {
            // kept locally
        }
    }

    private static string Root(long runId) => "pipelines/" + runId.ToString(CultureInfo.InvariantCulture);

    private static ArtifactPath PathIn(string stepId) => ArtifactPath.Parse($"logs/{stepId}.log");

    /// <summary>A log writer that copies the log to the store once it is closed.</summary>
    private sealed class ClosingWriter(TextWriter inner, Func<Task> closed) : TextWriter
    {
        public override Encoding Encoding => inner.Encoding;

        public override void Write(char value) => inner.Write(value);

        public override void Write(string? value) => inner.Write(value);

        public override void WriteLine(string? value) => inner.WriteLine(value);

        public override Task WriteAsync(string? value) => inner.WriteAsync(value);

        public override Task WriteLineAsync(string? value) => inner.WriteLineAsync(value);

        public override void Flush() => inner.Flush();

        public override async ValueTask DisposeAsync()
        {
            await inner.DisposeAsync();
            await closed();
            await base.DisposeAsync();
        }

        /// <remarks>The executor closes logs asynchronously; a synchronous close only closes the local file.</remarks>
        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}
