using System.Globalization;
using System.Text;
using Gyre.Core.Pipelines.Runs;

namespace Gyre.Storage.Pipelines;

/// <summary>Step logs as files under the home: <c>pipeline-logs/RUN/STEP.log</c>, appended by every attempt, flushed line by line so that they can be read while the step runs.</summary>
internal sealed class FileStepLogs(string root) : IStepLogs
{
    public Task<TextWriter> OpenAsync(long runId, string stepId, CancellationToken ct)
    {
        var path = PathOf(runId, stepId);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite);
        return Task.FromResult(TextWriter.Synchronized(new StreamWriter(stream, new UTF8Encoding(false)) { AutoFlush = true }));
    }

    public async Task<string?> ReadAsync(long runId, string stepId, CancellationToken ct)
    {
        var path = PathOf(runId, stepId);
        if (!File.Exists(path))
        {
            return null;
        }
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        return await reader.ReadToEndAsync(ct);
    }

    // Step ids are checked by the pipeline file's rules (letters, digits, '-' and '_'), so they are safe as file names.
    public string PathOf(long runId, string stepId) => Path.Combine(root, runId.ToString(CultureInfo.InvariantCulture), stepId + ".log");
}
