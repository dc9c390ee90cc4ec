using System.Globalization;
using System.Text.Json.Nodes;
using Gyre.Core.Artifacts;
using Gyre.Core.Data;
using Gyre.Core.Errors;
using Gyre.Core.Serving.Log;

namespace Gyre.Core.Pipelines.Steps.BuiltIn;

/// <summary>
/// <c>ingest</c>: the data a pipeline starts from. <c>dataset: NAME@VERSION</c> (or <c>NAME</c>,
/// <c>NAME@latest</c>) names a stored version, looked up afresh on every run; with <c>path</c>, a
/// file is added as a version of <c>dataset</c> (the same content is the same version); with
/// <c>endpoint</c>, the endpoint's predictions that have feedback since <c>since</c> become a
/// version: the inputs as sent, and the actual under the <c>label</c> column.
/// </summary>
internal sealed class IngestStep(StepArtifacts artifacts, DatasetIngest ingest, IPredictionLog predictions, ScratchSpace scratch, TimeProvider time)
    : StepType(artifacts)
{
    public override string Name => "ingest";

    public override IReadOnlyList<StepParameter> Parameters { get; } =
    [
        new("dataset", ParameterKind.String, "NAME@VERSION, NAME@latest, or with path or endpoint the dataset to add a version to", Required: true),
        new("path", ParameterKind.String, "a CSV or Parquet file to add as a version"),
        new("endpoint", ParameterKind.String, "an endpoint whose predictions with feedback become a version"),
        new("since", ParameterKind.String, "with endpoint: an ISO 8601 time, an age such as 7d, 12h or 30m, or drift: the start of the window whose drift alarm started the run (default: all)"),
        new("label", ParameterKind.String, "with endpoint: the column the actuals go in (default: the pipeline's label parameter, else 'label')"),
    ];

    public override bool Cacheable(JsonObject with) => with.ContainsKey("path");

    public override IReadOnlyList<string> Check(JsonObject with)
    {
        var problems = new List<string>();
        var dataset = with["dataset"]!.GetValue<string>();
        if (with.ContainsKey("path") && with.ContainsKey("endpoint"))
        {
            problems.Add("path: give path or endpoint, not both");
        }
        if ((with.ContainsKey("path") || with.ContainsKey("endpoint")) && dataset.Contains('@', StringComparison.Ordinal))
        {
            problems.Add($"dataset: with path or endpoint, name the dataset to add a version to, without a version; got '{dataset}'");
        }
        if ((with.ContainsKey("since") || with.ContainsKey("label")) && !with.ContainsKey("endpoint"))
        {
            problems.Add("since: since and label go with endpoint");
        }
        if (with["since"]?.GetValue<string>() is { } since && since != "drift" && Since(since, DateTimeOffset.UnixEpoch) is null)
        {
            problems.Add($"since: expected an ISO 8601 time, an age such as 7d, 12h or 30m, or drift; got '{since}'");
        }
        return problems;
    }

    public override async Task<IReadOnlyList<PipelineArtifact>> InputsAsync(StepContext context, CancellationToken ct) =>
        context.String("path") is { } path ? [await Files.ArtifactAsync("source", context.FullPath(path), ct)] : [];

    public override async Task<StepResult> ExecuteAsync(StepContext context, IReadOnlyList<PipelineArtifact> inputs, CancellationToken ct)
    {
        var dataset = context.String("dataset")!;
        DatasetVersion version;
        if (context.String("path") is not null)
        {
            version = await FromFileAsync(context, dataset, inputs[0], ct);
        }
        else if (context.String("endpoint") is { } endpoint)
        {
            version = await FromPredictionsAsync(context, dataset, endpoint, ct);
        }
        else
        {
            version = await ResolveDatasetAsync("dataset", dataset, ct);
        }
        await context.Log.WriteLineAsync($"dataset {version.Name}@{version.Version}: {version.Rows} rows, {version.Digest}");
        return new StepResult([DatasetArtifact("dataset", version)], $"{version.Name}@{version.Version} ({version.Rows} rows)");
    }

    private async Task<DatasetVersion> FromFileAsync(StepContext context, string dataset, PipelineArtifact source, CancellationToken ct)
    {
        // The digest is known from the file's size and time: an unchanged file is not read again.
        if (await Datasets.FindByDigestAsync(dataset, source.Digest, ct) is { } known)
        {
            await context.Log.WriteLineAsync($"{source.Uri} is already {known.Name}@{known.Version}");
            return known;
        }
        var path = ArtifactUris.FilePath(source.Uri);
        await using var stream = File.OpenRead(path);
        var (version, _) = await ingest.AddAsync(dataset, stream, DatasetFormats.FromFileName(path),
            $"pipeline {context.Pipeline} run {context.RunId}", long.MaxValue, ReadOptions.Default, ct);
        return version;
    }

    private async Task<DatasetVersion> FromPredictionsAsync(StepContext context, string dataset, string endpoint, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var since = context.String("since") switch
        {
            null => DateTimeOffset.UnixEpoch,
            "drift" => DriftStart(context, endpoint),
            var text => Since(text, now)!.Value,
        };
        var label = context.String("label") ?? context.Param("label") ?? "label";
        var path = scratch.NewFile(".csv", "feedback");
        try
        {
            var rows = await FeedbackCsv.WriteAsync(predictions, endpoint, since.ToUnixTimeMilliseconds(), now.ToUnixTimeMilliseconds() + 1, label, path, ct);
            if (rows == 0)
            {
                throw GyreException.Invalid($"endpoint: '{endpoint}' has no predictions with feedback since {since:O}");
            }
            await context.Log.WriteLineAsync($"{rows} predictions of '{endpoint}' with feedback since {since:O}");
            await using var stream = File.OpenRead(path);
            var (version, _) = await ingest.AddAsync(dataset, stream, DatasetFormat.Csv,
                $"endpoint {endpoint} feedback, pipeline {context.Pipeline} run {context.RunId}", long.MaxValue, ReadOptions.Default, ct);
            return version;
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>
    /// Where the drift alarm that started this run was raised: retraining after drift learns from the
    /// world as it is now. The alarm comes with the run (the policy put it in the trigger); a run
    /// started another way has none to start from.
    /// </summary>
    private static DateTimeOffset DriftStart(StepContext context, string endpoint) =>
        context.Trigger?.Drift is { } alarm && alarm.Endpoint == endpoint
            ? DateTimeOffset.FromUnixTimeMilliseconds(alarm.Start)
            : throw GyreException.Invalid($"since: drift starts from the drift alarm on '{endpoint}' that started the run, and this run "
                + $"was started {(context.Trigger is { } t ? $"by {t.Type}" : "otherwise")}{(context.Trigger?.Drift is { } other ? $" for '{other.Endpoint}'" : "")}; "
                + "give since a time or an age to run it by hand");

    /// <summary>An ISO 8601 time, or an age (<c>7d</c>, <c>12h</c>, <c>30m</c>) before <paramref name="now"/>.</summary>
    internal static DateTimeOffset? Since(string text, DateTimeOffset now)
    {
        if (text.Length > 1 && long.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n <= 36_500)
        {
            return text[^1] switch
            {
                'd' => now.AddDays(-n),
                'h' => now.AddHours(-n),
                'm' => now.AddMinutes(-n),
                _ => null,
            };
        }
        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at : null;
    }
}
