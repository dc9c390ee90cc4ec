using Gyre.Core.Data;
using Gyre.Core.Data.Schemas;
using Gyre.Core.Errors;

namespace Gyre.Core.Features;

/// <summary>
/// Creates feature groups over a dataset version, ingests new rows into their offline store (checked
/// against the group's schema first: a file that does not match is refused whole, and nothing is
/// kept), lists, shows and deletes them.
/// </summary>
public sealed class FeatureGroups(IFeatureGroupStore store, Online.IOnlineFeatureStore online, Online.IFeatureMaterializer engine, IDatasetStore datasets, IDatasetObjectStore objects,
    DatasetIngest ingest, Artifacts.ScratchSpace scratch, TimeProvider time)
{
    /// <summary>The longest time-to-live: ten years, in seconds.</summary>
    public const long MaxTtlSeconds = 10L * 366 * 86400;

    /// <summary>The most dimensions a vector feature may have.</summary>
    public const int MaxDimensions = 4096;

    public async Task<FeatureGroup> CreateAsync(NewFeatureGroup request, CancellationToken ct)
    {
        var problems = new List<string>();
        if (DatasetIngest.CheckName(request.Name ?? "") is { } badName)
        {
            problems.Add(badName);
        }
        else if (DatasetIngest.CheckName(FeatureGroup.DatasetOf(request.Name!)) is not null)
        {
            problems.Add($"name: '{request.Name}' is too long for a feature group (its rows go to the dataset '{FeatureGroup.DatasetOf(request.Name!)}')");
        }
        if (request.Entities is not { Count: > 0 })
        {
            problems.Add("entities: expected the entity key column(s)");
        }
        if (string.IsNullOrEmpty(request.EventTime))
        {
            problems.Add("event_time: expected the column of each row's event time");
        }
        if (request.TtlSeconds is { } ttl && ttl is < 1 or > MaxTtlSeconds)
        {
            problems.Add($"ttl_seconds: expected 1 to {MaxTtlSeconds} (ten years), got {ttl}");
        }
        if (string.IsNullOrEmpty(request.From))
        {
            problems.Add("from: expected the dataset version the group starts from, NAME@VERSION");
        }
        GyreException.ThrowIfAny(problems);

        var source = await datasets.ResolveAsync("from", request.From, ct);
        var data = $"{source.Name}@{source.Version}";
        if (source.Status == DatasetStatuses.Failed)
        {
            throw GyreException.Conflict($"from: {data} is failed (a validation error or a schema mismatch); a feature group starts from a sound version");
        }
        var columns = source.Columns.ToDictionary(c => c.Name, StringComparer.Ordinal);
        string Known() => string.Join(", ", source.Columns.Select(c => c.Name));
        foreach (var entity in request.Entities!.Where(e => !columns.ContainsKey(e)))
        {
            problems.Add($"entities: '{entity}' is not a column of {data} (its columns: {Known()})");
        }
        if (!columns.TryGetValue(request.EventTime, out var eventTime))
        {
            problems.Add($"event_time: '{request.EventTime}' is not a column of {data} (its columns: {Known()})");
        }
        else if (eventTime.Type != ColumnType.Datetime)
        {
            problems.Add($"event_time: '{request.EventTime}' is a {SchemaRules.Wire(eventTime.Type)} column of {data}; expected a datetime");
        }
        var keys = new HashSet<string>([.. request.Entities!, request.EventTime], StringComparer.Ordinal);
        var features = request.Features ?? [.. source.Columns.Select(c => c.Name).Where(c => !keys.Contains(c))];
        foreach (var feature in features)
        {
            if (!columns.ContainsKey(feature))
            {
                problems.Add($"features: '{feature}' is not a column of {data} (its columns: {Known()})");
            }
            else if (keys.Contains(feature))
            {
                problems.Add($"features: '{feature}' is the group's entity key or event time, not a feature");
            }
        }
        if (features.Count == 0)
        {
            problems.Add($"features: {data} has no column besides the entity key and the event time");
        }
        var vectors = request.Vectors ?? new Dictionary<string, int>();
        foreach (var (column, dimensions) in vectors)
        {
            if (!features.Contains(column))
            {
                problems.Add($"vectors.{column}: not a feature of the group (its features: {string.Join(", ", features)})");
            }
            else if (columns[column].Type is not (ColumnType.Text or ColumnType.Categorical))
            {
                problems.Add($"vectors.{column}: a {SchemaRules.Wire(columns[column].Type)} column of {data}; a vector feature is text holding JSON arrays of numbers, [0.1, 0.2, ...]");
            }
            if (dimensions is < 1 or > MaxDimensions)
            {
                problems.Add($"vectors.{column}: expected 1 to {MaxDimensions} dimensions, got {dimensions}");
            }
        }
        GyreException.ThrowIfAny(problems);
        if (vectors.Count > 0 && await engine.FirstBadVectorAsync(await objects.LocalPathAsync(source.Digest, source.Format, ct), source.Format, vectors, ct) is { } badVector)
        {
            throw GyreException.Invalid($"from: {data}: {badVector}");
        }

        if (await store.GetAsync(request.Name!, ct) is not null)
        {
            throw GyreException.Conflict($"name: the feature group '{request.Name}' exists");
        }
        var dataset = FeatureGroup.DatasetOf(request.Name!);
        if (await HasVersionsAsync(dataset, ct))
        {
            throw GyreException.Conflict($"name: the dataset '{dataset}', where the group's ingests would go, exists already");
        }
        // Ingests must carry the same columns, of the same types: the group's schema, with nothing else.
        var declared = new Dictionary<string, DeclaredColumn>(StringComparer.Ordinal);
        foreach (var entity in request.Entities!)
        {
            declared[entity] = new DeclaredColumn(columns[entity].Type, ColumnRole.Id);
        }
        declared[request.EventTime] = new DeclaredColumn(ColumnType.Datetime, ColumnRole.Timestamp);
        foreach (var feature in features)
        {
            declared[feature] = new DeclaredColumn(columns[feature].Type, ColumnRole.Feature);
        }
        await datasets.SetSchemaAsync(dataset, new DatasetSchema(declared, AllowExtraColumns: false), ct);
        // A materialisation of a group of this name deleted while it ran may have written after the delete.
        await online.DeleteAsync(request.Name!, ct);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var group = new FeatureGroup(request.Name!, request.Entities!, request.EventTime, [.. features.Select(f => new FeatureColumn(f, columns[f].Type, vectors.TryGetValue(f, out var d) ? d : null))], dataset,
            [new FeatureGroupPart(source.Name, source.Version, source.Rows, now)], now, request.TtlSeconds, request.Description);
        await store.AddAsync(group, ct);
        return group;
    }

    public async Task<FeatureGroup> GetAsync(string name, CancellationToken ct) =>
        await store.GetAsync(name, ct) ?? throw GyreException.NotFound($"feature group '{name}' not found");

    public Task<IReadOnlyList<FeatureGroup>> ListAsync(CancellationToken ct) => store.ListAsync(ct);

    /// <summary>
    /// Appends a file's rows to the group's offline store as a new part; the same file again adds
    /// nothing (<c>Added</c> false). A file whose columns or types differ from the group's is refused whole.
    /// </summary>
    public async Task<(FeatureGroup Group, FeatureGroupPart Part, bool Added)> IngestAsync(string name, Stream content, DatasetFormat format, long maxBytes, CancellationToken ct)
    {
        var group = await GetAsync(name, ct);
        var vectors = group.Features.Where(f => f.Dimensions is not null).ToDictionary(f => f.Name, f => f.Dimensions!.Value);
        var (version, _) = vectors.Count == 0
            ? await ingest.AddAsync(group.Dataset, content, format, $"feature group {name}", maxBytes, ReadOptions.Default, strict: true, ct)
            : await IngestVectorsAsync(group, vectors, content, format, maxBytes, ct);
        if (group.Parts.FirstOrDefault(p => p.Dataset == version.Name && p.Version == version.Version) is { } known)
        {
            return (group, known, false);
        }
        var part = new FeatureGroupPart(version.Name, version.Version, version.Rows, time.GetUtcNow().ToUnixTimeMilliseconds());
        return (await store.AddPartAsync(name, part, ct), part, true);
    }

    /// <summary>A file with vector features: kept aside and checked first (every vector of its length, finite), so a bad one refuses the whole file.</summary>
    private async Task<(DatasetVersion, bool)> IngestVectorsAsync(FeatureGroup group, Dictionary<string, int> vectors, Stream content, DatasetFormat format, long maxBytes, CancellationToken ct)
    {
        var path = scratch.NewFile(format == DatasetFormat.Csv ? ".csv" : ".parquet");
        try
        {
            await using (var file = File.Create(path))
            {
                await content.CopyToAsync(file, ct);
                if (file.Length > maxBytes)
                {
                    throw new GyreException(ErrorCode.PayloadTooLarge, $"body: over the limit of {maxBytes} bytes");
                }
            }
            if (await engine.FirstBadVectorAsync(path, format, vectors, ct) is { } bad)
            {
                throw GyreException.Invalid(bad);
            }
            await using var checkedFile = File.OpenRead(path);
            return await ingest.AddAsync(group.Dataset, checkedFile, format, $"feature group {group.Name}", maxBytes, ReadOptions.Default, strict: true, ct);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>Deletes a group, its online store and the dataset its ingests went to (the version it was created from stays).</summary>
    public async Task DeleteAsync(string name, CancellationToken ct)
    {
        var group = await GetAsync(name, ct);
        if (!await store.DeleteAsync(name, ct))
        {
            throw GyreException.NotFound($"feature group '{name}' not found");
        }
        await online.DeleteAsync(name, ct);
        try
        {
            await datasets.DeleteWithContentsAsync(objects, group.Dataset, ct);
        }
        catch (GyreException e) when (e.Code == ErrorCode.NotFound)
        {
            // Never ingested into: only its schema was there, or nothing.
        }
    }

    private async Task<bool> HasVersionsAsync(string dataset, CancellationToken ct)
    {
        try
        {
            return (await datasets.ListVersionsAsync(dataset, 1, null, ct)).Items.Count > 0;
        }
        catch (GyreException e) when (e.Code == ErrorCode.NotFound)
        {
            return false;
        }
    }
}
