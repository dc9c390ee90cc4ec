using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Gyre.Core.Errors;
using Gyre.Core.Features.Online;

namespace Gyre.Core.Features.Lookups;

/// <summary>
/// The gateway's feature lookups. A request's rows (objects) carry the entity keys and whatever else
/// the caller knows; each row gets the endpoint's looked-up features it does not send itself, from
/// the online store, one read per group per request. The rows that reach the model, and the
/// prediction log, are the filled ones, so retraining from the log sees exactly what the model saw.
/// The groups' records are held for <see cref="Held"/>: a new materialisation reaches the answers
/// within that (the values themselves are held in memory per materialisation, <see cref="OnlineValues"/>).
/// </summary>
public sealed class FeatureLookups(FeatureGroups groups, OnlineValues online, TimeProvider time)
{
    /// <summary>How long a lookup's groups are held before they are read again (one small read per endpoint's lookup each time).</summary>
    public static readonly TimeSpan Held = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<string, (IReadOnlyList<LookupGroup> Groups, long Until)> _plans = new(StringComparer.Ordinal);

    /// <summary>Checks a lookup (field <c>features</c>): known groups and features, each feature from one group, a known missing policy.</summary>
    public async Task<FeatureLookup> CheckAsync(FeatureLookup lookup, CancellationToken ct)
    {
        var problems = new List<string>();
        if (lookup.Lookup is not { Count: > 0 })
        {
            problems.Add("features.lookup: expected GROUP:FEATURE or GROUP:* at least once");
        }
        if (lookup.Missing is { } missing && !MissingPolicies.All.Contains(missing))
        {
            problems.Add($"features.missing: expected {string.Join(" or ", MissingPolicies.All)}, got '{missing}'");
        }
        GyreException.ThrowIfAny(problems);
        await PlanAsync(lookup, fresh: true, ct);
        return lookup with { Missing = lookup.MissingPolicy };
    }

    /// <summary>
    /// The body with the rows under the first of <paramref name="rowMembers"/> it has filled in. Refused
    /// (400) when the rows are not objects, a row lacks an entity key, or, under the reject policy, the
    /// online store has no fresh values for its entity; (413) when there are more than <paramref name="maxRows"/>.
    /// </summary>
    public async Task<JsonDocument> FillAsync(FeatureLookup lookup, JsonElement body, IReadOnlyList<string> rowMembers, int maxRows, CancellationToken ct)
    {
        var member = body.ValueKind == JsonValueKind.Object
            ? rowMembers.FirstOrDefault(m => body.TryGetProperty(m, out var rows) && rows.ValueKind == JsonValueKind.Array)
            : null;
        if (member is null)
        {
            throw GyreException.Invalid($"body: this endpoint looks up features by entity key, so it takes rows as objects: {{\"{(rowMembers.Count > 0 ? rowMembers[0] : "instances")}\": [{{column: value, ...}}]}}"
                + (rowMembers.Count == 0 ? " on /endpoints/{name}/predict, KServe V1 or MLflow's /invocations" : ""));
        }
        var rows = body.GetProperty(member);
        if (rows.GetArrayLength() > maxRows)
        {
            // Refused before any lookup, as the dialect would refuse it after.
            throw new GyreException(ErrorCode.PayloadTooLarge, $"{member}: {rows.GetArrayLength()} rows; a request takes at most {maxRows}");
        }
        var plan = await PlanAsync(lookup, fresh: false, ct);
        var found = new List<Dictionary<string, JsonElement>>(plan.Count);
        var stored = new List<JsonDocument>();
        try
        {
            var keys = new string?[plan.Count][];
            for (var g = 0; g < plan.Count; g++)
            {
                keys[g] = Keys(plan[g], rows, member);
                var wanted = keys[g].OfType<string>().ToHashSet(StringComparer.Ordinal);
                var expired = new List<OnlineFeatureRow>();
                var values = wanted.Count == 0 ? new Dictionary<string, OnlineFeatureRow>() : await online.GetAsync(plan[g].Group, wanted, expired, ct);
                var parsed = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
                foreach (var (key, row) in values)
                {
                    var document = JsonDocument.Parse(row.Features);
                    stored.Add(document);
                    parsed[key] = document.RootElement;
                }
                if (lookup.MissingPolicy == MissingPolicies.Reject)
                {
                    RejectMissing(plan[g], keys[g], parsed, expired, member);
                }
                found.Add(parsed);
            }
            return Write(body, member, rows, plan, keys, found);
        }
        finally
        {
            foreach (var document in stored)
            {
                document.Dispose();
            }
        }
    }

    /// <summary>Each row's key in a group, or null when the row sends every feature asked of the group itself (nothing to look up).</summary>
    private static string?[] Keys(LookupGroup group, JsonElement rows, string member)
    {
        var keys = new string?[rows.GetArrayLength()];
        var r = 0;
        var values = new string[group.Group.Entities.Count];
        foreach (var row in rows.EnumerateArray())
        {
            if (row.ValueKind != JsonValueKind.Object)
            {
                throw GyreException.Invalid($"{member}[{r}]: expected an object of column values with the entity key ({string.Join(", ", group.Group.Entities)}); this endpoint looks up features");
            }
            if (group.Features.All(f => row.TryGetProperty(f, out _)))
            {
                r++;
                continue;
            }
            for (var k = 0; k < values.Length; k++)
            {
                var entity = group.Group.Entities[k];
                values[k] = row.TryGetProperty(entity, out var value) && EntityKeys.Text(value) is { } text ? text
                    : throw GyreException.Invalid($"{member}[{r}].{entity}: expected the entity key of the feature group '{group.Group.Name}' (a string or a number), "
                        + (row.TryGetProperty(entity, out _) ? $"got {value.ValueKind.ToString().ToLowerInvariant()}" : "which the row does not have"));
            }
            keys[r++] = EntityKeys.Of(values);
        }
        return keys;
    }

    private static void RejectMissing(LookupGroup group, string?[] keys, Dictionary<string, JsonElement> found, List<OnlineFeatureRow> expired, string member)
    {
        for (var r = 0; r < keys.Length; r++)
        {
            if (keys[r] is not { } key || found.ContainsKey(key))
            {
                continue;
            }
            var field = $"{member}[{r}].{string.Join(",", group.Group.Entities)}";
            var old = expired.FirstOrDefault(e => e.EntityKey == key);
            throw GyreException.Invalid(old is null
                ? $"{field}: the feature group '{group.Group.Name}' has no features for {EntityKeys.Show(key)} in its online store (the endpoint's missing policy is reject)"
                : $"{field}: the feature group '{group.Group.Name}' has for {EntityKeys.Show(key)} only values from "
                    + $"{DateTimeOffset.FromUnixTimeMilliseconds(old.EventTime).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)}, "
                    + $"older than its time-to-live of {group.Group.TtlSeconds} s (the endpoint's missing policy is reject)");
        }
    }

    /// <summary>The body again, each row with the features it did not send: the stored value, or null when there is none.</summary>
    private static JsonDocument Write(JsonElement body, string member, JsonElement rows, IReadOnlyList<LookupGroup> plan, string?[][] keys, List<Dictionary<string, JsonElement>> found)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            foreach (var property in body.EnumerateObject())
            {
                if (!property.NameEquals(member))
                {
                    property.WriteTo(json);
                    continue;
                }
                json.WritePropertyName(property.Name);
                json.WriteStartArray();
                var r = 0;
                foreach (var row in rows.EnumerateArray())
                {
                    json.WriteStartObject();
                    foreach (var value in row.EnumerateObject())
                    {
                        value.WriteTo(json);
                    }
                    for (var g = 0; g < plan.Count; g++)
                    {
                        if (keys[g][r] is not { } key)
                        {
                            continue;
                        }
                        var has = found[g].TryGetValue(key, out var values);
                        foreach (var feature in plan[g].Features)
                        {
                            if (row.TryGetProperty(feature, out _))
                            {
                                continue; // the request's value wins
                            }
                            json.WritePropertyName(feature);
                            if (has && values.TryGetProperty(feature, out var stored))
                            {
                                stored.WriteTo(json);
                            }
                            else
                            {
                                json.WriteNullValue();
                            }
                        }
                    }
                    json.WriteEndObject();
                    r++;
                }
                json.WriteEndArray();
            }
            json.WriteEndObject();
        }
        return JsonDocument.Parse(buffer.WrittenMemory);
    }

    private async Task<IReadOnlyList<LookupGroup>> PlanAsync(FeatureLookup lookup, bool fresh, CancellationToken ct)
    {
        var key = string.Join('\n', lookup.Lookup!);
        var now = time.GetTimestamp();
        if (!fresh && _plans.TryGetValue(key, out var held) && now < held.Until)
        {
            return held.Groups;
        }
        var selected = await FeatureSelection.SelectAsync(groups, "features.lookup", lookup.Lookup!, ct);
        var owners = new Dictionary<string, string>(StringComparer.Ordinal);
        var problems = new List<string>();
        foreach (var (group, features) in selected)
        {
            foreach (var feature in features.Where(f => !owners.TryAdd(f, group.Name)))
            {
                problems.Add($"features.lookup: '{feature}' is a feature of both '{owners[feature]}' and '{group.Name}'; look up one of them");
            }
        }
        GyreException.ThrowIfAny(problems);
        IReadOnlyList<LookupGroup> plan = [.. selected.Select(s => new LookupGroup(s.Group, s.Features))];
        _plans[key] = (plan, now + (long)(Held.TotalSeconds * time.TimestampFrequency));
        return plan;
    }

    private sealed record LookupGroup(FeatureGroup Group, IReadOnlyList<string> Features);
}
