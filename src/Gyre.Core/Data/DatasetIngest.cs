using Gyre.Core.Data.Schemas;
using Gyre.Core.Errors;
using Gyre.Core.Naming;
using Gyre.Core.Tracking;

namespace Gyre.Core.Data;

/// <summary>
/// Adds a dataset version from a stream: hash while streaming to a temporary file, return the
/// existing version when the content is known, otherwise inspect the file, compare it with the
/// dataset's declared schema, commit it under its digest and record the version. A failure at any
/// step leaves neither a file nor a record.
/// </summary>
public sealed class DatasetIngest(IDatasetStore store, IDatasetObjectStore objects, IDatasetReader reader)
{
    public Task<(DatasetVersion Version, bool Created)> AddAsync(
        string name, Stream content, DatasetFormat format, string? source, long maxBytes, ReadOptions options, CancellationToken ct) =>
        AddAsync(name, content, format, source, maxBytes, options, strict: false, ct);

    /// <summary>
    /// Adds a version as <see cref="AddAsync(string, Stream, DatasetFormat, string?, long, ReadOptions, CancellationToken)"/> does;
    /// when <paramref name="strict"/>, a file that does not match the declared schema is refused (a 400 naming each column)
    /// and nothing is kept, where otherwise it would be recorded as failed.
    /// </summary>
    public async Task<(DatasetVersion Version, bool Created)> AddAsync(
        string name, Stream content, DatasetFormat format, string? source, long maxBytes, ReadOptions options, bool strict, CancellationToken ct)
    {
        var problems = new List<string>();
        Names.AddIf(problems, CheckName(name));
        if (source is not null)
        {
            Names.AddIf(problems, Names.CheckValue("source", source, TrackingLimits.MaxTagValueLength));
        }
        GyreException.ThrowIfAny(problems);
        await using var staged = await objects.StageAsync(content, format, maxBytes, ct);
        return await RecordAsync(name, staged, format, source, options, null, ct, strict);
    }

    /// <summary>Records a staged file as a version of <paramref name="name"/>: the end of every add, and of each part of a split.</summary>
    internal async Task<(DatasetVersion Version, bool Created)> RecordAsync(
        string name, IStagedObject staged, DatasetFormat format, string? source, ReadOptions options, Derived? derived, CancellationToken ct, bool strict = false)
    {
        if (staged.SizeBytes == 0)
        {
            throw GyreException.Invalid("body: the file is empty");
        }
        if (await store.FindByDigestAsync(name, staged.Digest, ct) is { } known)
        {
            if (known.Reading.OnBadRows != options.OnBadRows && format == DatasetFormat.Csv)
            {
                // Returning it would hand back rows read another way than the caller asked for.
                throw GyreException.Conflict(
                    $"on_bad_rows: this content is {name}@{known.Version} already, read with on_bad_rows={Wire(known.Reading.OnBadRows)}; add it with that policy or under another name");
            }
            return (known, false);
        }
        var schema = derived is null ? await store.GetSchemaAsync(name, ct) : null;
        var file = await reader.InspectAsync(staged.Path, format, options, SchemaCheck.Domains(schema), ct);
        var (columns, mismatches) = derived is null ? SchemaCheck.Apply(schema, file) : (derived.Apply(file.Columns), []);
        if (strict && mismatches.Count > 0)
        {
            // Refused before the content is committed: the staged file goes with the error, which names
            // for a column of the wrong type the first line whose value does not read as the declared one.
            var problems = new List<string>();
            foreach (var m in mismatches)
            {
                var misfit = m.Kind == SchemaMismatchKinds.WrongType && format == DatasetFormat.Csv && schema?.Columns.GetValueOrDefault(m.Column)?.Type is { } wanted
                    ? await reader.FirstMisfitAsync(staged.Path, m.Column, wanted, ct)
                    : null;
                problems.Add($"{m.Column}: expected {m.Expected}, found {m.Found}" + (misfit is { } at ? $" (line {at.Line}: '{at.Value}')" : ""));
            }
            GyreException.ThrowIfAny(problems);
        }
        await staged.CommitAsync(ct);
        return await store.AddVersionAsync(name,
            new NewDatasetVersion(staged.Digest, format, staged.SizeBytes, file, source, options, columns, mismatches, derived?.From), ct);
    }

    private static string Wire(BadRowPolicy policy) => policy == BadRowPolicy.Skip ? "skip" : "fail";

    /// <summary>A key without '/': the name is one segment of the dataset's URL.</summary>
    public static string? CheckName(string name, string field = "name") =>
        Names.CheckKey(field, name) ?? (name.Contains('/') ? $"{field}: dataset name '{name}' must not contain '/'" : null);

    /// <summary>
    /// A version derived from another keeps the source's column types and roles: a smaller part
    /// could otherwise be inferred differently (a categorical column read as free text).
    /// </summary>
    internal sealed record Derived(DatasetDerivation From, IReadOnlyList<ColumnSchema> SourceColumns)
    {
        public IReadOnlyList<ColumnSchema> Apply(IReadOnlyList<ColumnSchema> columns)
        {
            var source = SourceColumns.ToDictionary(c => c.Name, StringComparer.OrdinalIgnoreCase);
            return columns.Select(c => source.TryGetValue(c.Name, out var s) ? c with { Type = s.Type, Role = s.Role } : c).ToList();
        }
    }
}
