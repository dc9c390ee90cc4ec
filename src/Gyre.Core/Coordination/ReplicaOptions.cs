using System.Security.Cryptography;

namespace Gyre.Core.Coordination;

/// <summary>
/// This process among the replicas: its roles, the name it holds leases under, and how long a lease
/// lasts without a heartbeat (<c>--lease-ttl</c>), which bounds how soon another replica takes a
/// dead one's singletons over.
/// </summary>
public sealed record ReplicaOptions
{
    public static readonly TimeSpan DefaultLeaseTtl = TimeSpan.FromSeconds(10);

    public ReplicaRoles Roles { get; init; } = ReplicaRoles.All;

    /// <summary>Unique per process: host, process id and a random part, so a restarted process on the same host is another holder.</summary>
    public string Holder { get; init; } = $"{Environment.MachineName}:{Environment.ProcessId}:{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}";

    public TimeSpan LeaseTtl { get; init; } = DefaultLeaseTtl;

    /// <summary>The holders of the replicas this process runs (tests run several), which are alive whatever their process id says.</summary>
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> Running = new(StringComparer.Ordinal);

    /// <summary>Records that this process runs a replica under <see cref="Holder"/> (its singletons call it).</summary>
    public void MarkRunning() => Running.TryAdd(Holder, true);

    public bool Has(ReplicaRoles role) => (Roles & role) == role;

    /// <summary>
    /// Whether <paramref name="holder"/> names a process of this host that is gone: another process id
    /// that no longer runs, or this very process id with a random part this process never used (a
    /// container restarted in place, whose process has the same id again). Its leases can be taken at once rather than
    /// after they run out. A holder of another host, or a live process, is never judged gone.
    /// </summary>
    public bool IsGoneFromThisHost(string holder)
    {
        var parts = holder.Split(':');
        var mine = Holder.Split(':');
        if (parts.Length != 3 || mine.Length != 3 || parts[0] != mine[0] || holder == Holder
            || !int.TryParse(parts[1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var pid))
        {
            return false;
        }
        if (parts[1] == mine[1])
        {
            return !Running.ContainsKey(holder);
        }
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return process.HasExited;
        }
        catch (ArgumentException)
        {
            return true; // no such process
        }
    }

    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (LeaseTtl < TimeSpan.FromSeconds(2) || LeaseTtl > TimeSpan.FromMinutes(5))
        {
            problems.Add($"--lease-ttl: expected 2 to 300 seconds, got {LeaseTtl.TotalSeconds}");
        }
        if (Roles == ReplicaRoles.None)
        {
            problems.Add("--roles: expected at least one of api, gateway, worker");
        }
        return problems;
    }
}
