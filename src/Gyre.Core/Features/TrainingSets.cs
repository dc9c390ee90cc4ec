using Gyre.Core.Artifacts;
using Gyre.Core.Data;
using Gyre.Core.Data.Schemas;
using Gyre.Core.Errors;
using Gyre.Core.Naming;

namespace Gyre.Core.Features;

/// <summary>
/// Point-in-time correct training sets: entity rows with their timestamps, joined with the feature
/// groups' values as they were at each row's time (never after), and recorded as a dataset version
/// whose source names the groups' versions.
/// </summary>
public sealed class TrainingSets(FeatureGroups groups, IDatasetStore datasets, IDatasetObjectStore objects, DatasetIngest ingest, ITrainingSetJoiner joiner, ScratchSpace scratch)
{
    public async Task<TrainingSet> BuildAsync(TrainingSetRequest request, CancellationToken ct)
    {
        var problems = new List<string>();
        if (string.IsNullOrEmpty(request.Entities))
        {
            problems.Add("entities: expected the dataset version of the entity rows, NAME@VERSION");
        }
        if (request.Features is not { Count: > 0 })
        {
            problems.Add("features: expected GROUP:FEATURE or GROUP:* at least once");
        }
        var format = request.Format switch
        {
            null or "parquet" => DatasetFormat.Parquet,
            "csv" => DatasetFormat.Csv,
            _ => (DatasetFormat?)null,
        };
        if (format is null)
        {
            problems.Add($"format: expected parquet or csv, got '{request.Format}'");
        }
        var dataset = request.Dataset ?? TrainingSetRequest.DefaultDataset;
        Names.AddIf(problems, DatasetIngest.CheckName(dataset, "dataset"));
        GyreException.ThrowIfAny(problems);

        var entities = await datasets.ResolveAsync("entities", request.Entities, ct);
        var data = $"{entities.Name}@{entities.Version}";
        var columns = entities.Columns.ToDictionary(c => c.Name, StringComparer.Ordinal);
        // By default the column with role timestamp, else the only datetime column: either names the rows' time unambiguously.
        var datetimes = entities.Columns.Where(c => c.Type == ColumnType.Datetime).ToList();
        var timestamp = request.Timestamp ?? entities.Columns.FirstOrDefault(c => c.Role == ColumnRole.Timestamp)?.Name ?? (datetimes.Count == 1 ? datetimes[0].Name : null)
            ?? throw GyreException.Invalid($"timestamp: {data} has no column with role timestamp and {(datetimes.Count == 0 ? "no" : datetimes.Count.ToString(System.Globalization.CultureInfo.InvariantCulture))} datetime columns; name the column of each row's time");
        if (!columns.TryGetValue(timestamp, out var time))
        {
            throw GyreException.Invalid($"timestamp: '{timestamp}' is not a column of {data} (its columns: {string.Join(", ", columns.Keys)})");
        }
        if (time.Type != ColumnType.Datetime)
        {
            throw GyreException.Invalid($"timestamp: '{timestamp}' is a {SchemaRules.Wire(time.Type)} column of {data}; expected a datetime");
        }

        var selected = await FeatureSelection.SelectAsync(groups, "features", request.Features!, ct);
        var output = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (group, features) in selected)
        {
            foreach (var key in group.Entities.Where(k => !columns.ContainsKey(k)))
            {
                problems.Add($"entities: {data} has no column '{key}', the entity key of the feature group '{group.Name}'");
            }
            foreach (var feature in features)
            {
                if (columns.ContainsKey(feature))
                {
                    problems.Add($"features: '{group.Name}:{feature}' has the name of a column of {data}; the training set cannot hold both");
                }
                else if (!output.TryAdd(feature, group.Name))
                {
                    problems.Add($"features: '{feature}' is a feature of both '{output[feature]}' and '{group.Name}'; ask for one of them");
                }
            }
        }
        GyreException.ThrowIfAny(problems);

        var joined = new List<TrainingSetGroup>();
        foreach (var (group, features) in selected)
        {
            joined.Add(await TrainingSetGroup.ResolveAsync(group, features, datasets, objects, ct));
        }
        var path = scratch.NewFile(format == DatasetFormat.Csv ? ".csv" : ".parquet");
        try
        {
            await joiner.JoinAsync(new TrainingSetEntities(entities, await objects.LocalPathAsync(entities.Digest, entities.Format, ct), timestamp), joined, path, format!.Value, ct);
            var read = selected.Select(s => $"{s.Group.Name}@{s.Group.Version}").ToList();
            await using var file = File.OpenRead(path);
            var (version, _) = await ingest.AddAsync(dataset, file, format.Value, $"training set: entities {data}; features {string.Join(", ", read)}", long.MaxValue, ReadOptions.Default, ct);
            return new TrainingSet(version, read);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
