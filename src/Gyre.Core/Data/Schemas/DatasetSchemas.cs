using Gyre.Core.Errors;
using Gyre.Core.Naming;

namespace Gyre.Core.Data.Schemas;

/// <summary>Sets declared schemas and checks stored versions against them.</summary>
public sealed class DatasetSchemas(IDatasetStore store, IDatasetObjectStore objects, IDatasetReader reader)
{
    public async Task<DatasetSchema> SetAsync(string name, DatasetSchema? schema, CancellationToken ct)
    {
        var problems = new List<string>();
        Names.AddIf(problems, DatasetIngest.CheckName(name));
        problems.AddRange(SchemaRules.Validate(schema).Select(p => "schema: " + p));
        GyreException.ThrowIfAny(problems);
        await store.SetSchemaAsync(name, schema!, ct);
        return schema!;
    }

    public async Task<DatasetSchema> GetAsync(string name, CancellationToken ct) =>
        await store.GetSchemaAsync(name, ct) ?? throw GyreException.NotFound($"dataset '{name}' has no declared schema");

    /// <summary>
    /// Reads a stored version again and compares it with the schema as it is now, recording the
    /// columns' roles and the mismatches on the version (a version with mismatches is failed).
    /// With no schema set, the version's roles and mismatches are cleared.
    /// </summary>
    public async Task<DatasetVersion> CheckAsync(string name, long version, CancellationToken ct)
    {
        var found = await store.GetVersionAsync(name, version, ct);
        var schema = await store.GetSchemaAsync(name, ct);
        DatasetFile file;
        try
        {
            file = await reader.InspectAsync(await objects.LocalPathAsync(found.Digest, found.Format, ct), found.Format, found.Reading, SchemaCheck.Domains(schema), ct);
        }
        catch (GyreException e) when (e.Code == ErrorCode.InvalidArgument)
        {
            // The file was read once already when it was added: failing now is the server's trouble, not the caller's.
            throw new GyreException(ErrorCode.Unavailable, $"the stored dataset {found.Name}@{found.Version} could not be read again: {e.Message}", inner: e);
        }
        var (columns, mismatches) = SchemaCheck.Apply(schema, file);
        return await store.SetSchemaCheckAsync(name, found.Version, columns, mismatches, ct);
    }
}
