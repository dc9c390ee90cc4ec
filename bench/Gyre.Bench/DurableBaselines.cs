using System.Runtime.InteropServices;
using System.Text;
using System.Threading.Channels;
using Gyre.Core.Serving.Log;
using Gyre.Storage.Serving;
using Microsoft.Win32.SafeHandles;

namespace Gyre.Bench;

/// <summary>
/// What the bare endpoint does between reading a body and answering, in the two durable
/// baselines of <c>serve</c>: they tell how much of the 0.7x goal durability alone takes on this
/// machine, apart from Gyre's model, JSON and routing.
/// </summary>
internal interface IDurableSink : IDisposable
{
    /// <summary>Completes once the body is on disk.</summary>
    Task KeepAsync(string body);
}

/// <summary>Gyre's own prediction log, durable: the body as one record's inputs.</summary>
internal sealed class PredictionLogSink : IDurableSink
{
    private readonly string _folder = Directory.CreateTempSubdirectory("gyre-bench-log-").FullName;
    private readonly PredictionLog _log;

    public PredictionLogSink()
    {
        _log = PredictionLog.Open(Path.Combine(_folder, "predictions.db"), TimeProvider.System);
    }

    public Task KeepAsync(string body)
    {
        var now = DateTimeOffset.UtcNow;
        var record = new PredictionRecord(PredictionIds.New(now), "bare", "stable", "bare", 1, now.ToUnixTimeMilliseconds(), 0, body, "0.5", "weighted");
        return _log.AppendAsync([record], durable: true).AsTask();
    }

    public void Dispose()
    {
        _log.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }
}

/// <summary>
/// The least any durable log does for a request: group commit and nothing else. Two writer
/// threads take what callers queued, write it with one <c>pwrite</c> over a preallocated file of
/// their own and wait for one <c>fdatasync</c>, then answer the group (Gyre's journal does the
/// same, and beside it encodes records and fills its tables). No framing, no checksums, no
/// replay: a floor to measure against, not a log.
/// </summary>
internal sealed class GroupCommitSink : IDurableSink
{
    private const int Writers = 2;
    private const int FileBytes = 64 << 20;

    private readonly string _folder = Directory.CreateTempSubdirectory("gyre-bench-sync-").FullName;
    private readonly Channel<(byte[] Payload, TaskCompletionSource Done)> _queue = Channel.CreateUnbounded<(byte[], TaskCompletionSource)>();
    private readonly Thread[] _writers = new Thread[Writers];

    public GroupCommitSink()
    {
        for (var i = 0; i < Writers; i++)
        {
            var file = File.OpenHandle(Path.Combine(_folder, $"log.{i}"), FileMode.CreateNew, FileAccess.ReadWrite);
            // Written over, never grown: a sync then needs no change to the file system's metadata.
            RandomAccess.Write(file, new byte[FileBytes], 0);
            RandomAccess.FlushToDisk(file);
            _writers[i] = new Thread(() => Write(file)) { IsBackground = true, Name = $"bench-group-commit-{i}" };
            _writers[i].Start();
        }
    }

    public Task KeepAsync(string body)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _queue.Writer.TryWrite((Encoding.UTF8.GetBytes(body), done));
        return done.Task;
    }

    private void Write(SafeFileHandle file)
    {
        var buffer = new MemoryStream();
        var group = new List<TaskCompletionSource>();
        long offset = 0;
        using (file)
        {
            while (_queue.Reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
            {
                buffer.SetLength(0);
                while (_queue.Reader.TryRead(out var pending))
                {
                    buffer.Write(pending.Payload);
                    group.Add(pending.Done);
                }
                if (offset + buffer.Length > FileBytes)
                {
                    offset = 0;
                }
                RandomAccess.Write(file, buffer.GetBuffer().AsSpan(0, (int)buffer.Length), offset);
                if (FDataSync(file) != 0)
                {
                    throw new IOException($"fdatasync failed (errno {Marshal.GetLastPInvokeError()})");
                }
                offset += buffer.Length;
                foreach (var done in group)
                {
                    done.TrySetResult();
                }
                group.Clear();
            }
        }
    }

    public void Dispose()
    {
        _queue.Writer.TryComplete();
        foreach (var writer in _writers)
        {
            writer.Join();
        }
        Directory.Delete(_folder, recursive: true);
    }

    [DllImport("libc", EntryPoint = "fdatasync", SetLastError = true)]
    private static extern int FDataSync(SafeFileHandle file);
}
