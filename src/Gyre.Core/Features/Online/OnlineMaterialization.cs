using Gyre.Core.Data;

namespace Gyre.Core.Features.Online;

/// <summary>
/// <c>gyre features materialize</c>: brings a group's online store up to date with its offline store,
/// incrementally. Only the parts ingested since the last materialisation are read; each entity keeps
/// the newest of its stored row and theirs, so a late row (an event time before the freshness point)
/// is read and counted, and stored only where it is the entity's latest. Two materialisations at once
/// are harmless: the same rows written twice change nothing.
/// </summary>
public sealed class OnlineMaterialization(FeatureGroups groups, IFeatureGroupStore store, IOnlineFeatureStore online, IFeatureMaterializer materializer,
    IDatasetStore datasets, IDatasetObjectStore objects, TimeProvider time)
{
    public async Task<MaterializeResult> MaterializeAsync(string name, CancellationToken ct)
    {
        var group = await groups.GetAsync(name, ct);
        var from = group.Materialized?.Parts ?? 0;
        if (from >= group.Parts.Count)
        {
            return new MaterializeResult(group, 0, 0, 0, 0, UpToDate: true);
        }
        var parts = new List<MaterializingPart>();
        for (var i = from; i < group.Parts.Count; i++)
        {
            var part = group.Parts[i];
            var version = await datasets.GetVersionAsync(part.Dataset, part.Version, ct);
            parts.Add(new MaterializingPart(i, version, await objects.LocalPathAsync(version.Digest, version.Format, ct)));
        }
        var watermark = group.Materialized?.EventTime;
        long updated = 0;
        var read = await materializer.ReadLatestAsync(group, parts, watermark, async (rows, token) => updated += await online.UpsertAsync(name, rows, token), ct);
        var newest = (watermark, read.NewestEventTime) switch
        {
            ({ } a, { } b) => Math.Max(a, b),
            (var a, var b) => a ?? b,
        };
        var materialized = new Materialization(group.Parts.Count, newest, await online.CountAsync(name, ct), time.GetUtcNow().ToUnixTimeMilliseconds());
        var now = await store.SetMaterializedAsync(name, materialized, ct);
        return new MaterializeResult(now, parts.Count, read.Rows, updated, read.LateRows, UpToDate: false);
    }
}
