using System.Collections.Concurrent;
using Gyre.Core.Features.Online;

namespace Gyre.Core.Features.Lookups;

/// <summary>
/// Reads a group's online store, honouring its time-to-live: a value older than it at the time of
/// reading counts as missing. The gateway answers from memory: each entity read (found or not) is
/// kept for its group's materialisation, the one the caller's <see cref="FeatureGroup"/> names, and
/// the group's entries are dropped when a caller brings a newer one (the gateway's lookups hold a
/// group's record for <see cref="FeatureLookups.Held"/>, so a materialisation reaches its answers
/// within that). At most <see cref="MaxEntries"/> entities are kept; past that, reads go to the store.
/// </summary>
public sealed class OnlineValues(IOnlineFeatureStore online, TimeProvider time)
{
    /// <summary>The most entities kept in memory, over all groups (a few hundred bytes each).</summary>
    public const int MaxEntries = 1_000_000;

    private readonly ConcurrentDictionary<string, Held> _groups = new(StringComparer.Ordinal);
    private int _entries;

    /// <summary>The rows of the keys asked for; a key with none, or with only an expired one, is absent (<paramref name="expired"/> gets those that expired).</summary>
    public async Task<IReadOnlyDictionary<string, OnlineFeatureRow>> GetAsync(FeatureGroup group, IReadOnlyCollection<string> keys, ICollection<OnlineFeatureRow>? expired, CancellationToken ct)
    {
        var held = Of(group);
        var rows = new Dictionary<string, OnlineFeatureRow>(keys.Count, StringComparer.Ordinal);
        List<string>? unknown = null;
        foreach (var key in keys)
        {
            if (!held.Rows.TryGetValue(key, out var row))
            {
                (unknown ??= []).Add(key);
            }
            else if (row is not null)
            {
                rows[key] = row;
            }
        }
        if (unknown is not null)
        {
            var read = await online.GetAsync(group.Name, unknown, ct);
            foreach (var key in unknown)
            {
                var row = read.GetValueOrDefault(key);
                if (row is not null)
                {
                    rows[key] = row;
                }
                if (Volatile.Read(ref _entries) < MaxEntries && held.Rows.TryAdd(key, row))
                {
                    Interlocked.Increment(ref _entries);
                }
            }
        }
        return Fresh(group, rows, expired);
    }

    /// <summary>The entries held for the group's materialisation; a newer one replaces them.</summary>
    private Held Of(FeatureGroup group)
    {
        var epoch = group.OnlineState();
        while (true)
        {
            if (_groups.TryGetValue(group.Name, out var held) && held.Epoch.CompareTo(epoch) >= 0)
            {
                return held;
            }
            var fresh = new Held(epoch);
            if (held is null ? _groups.TryAdd(group.Name, fresh) : _groups.TryUpdate(group.Name, fresh, held))
            {
                // Counted again from what is held now (a reader may still have added to the entries just dropped).
                Volatile.Write(ref _entries, _groups.Values.Sum(h => h.Rows.Count));
                return fresh;
            }
        }
    }

    private Dictionary<string, OnlineFeatureRow> Fresh(FeatureGroup group, Dictionary<string, OnlineFeatureRow> rows, ICollection<OnlineFeatureRow>? expired)
    {
        if (group.TtlSeconds is not { } ttl)
        {
            return rows;
        }
        var oldest = time.GetUtcNow().ToUnixTimeMilliseconds() - ttl * 1000;
        foreach (var (key, row) in rows)
        {
            if (row.EventTime < oldest)
            {
                rows.Remove(key);
                expired?.Add(row);
            }
        }
        return rows;
    }

    /// <summary>A group's entries, for one materialisation (the group's creation and materialisation times): null for an entity the store does not have.</summary>
    private sealed record Held((long Created, long Materialized) Epoch)
    {
        public ConcurrentDictionary<string, OnlineFeatureRow?> Rows { get; } = new(StringComparer.Ordinal);
    }
}
