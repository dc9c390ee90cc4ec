using System.Text;
using Gyre.Client;
using Gyre.Core.Data;

namespace Gyre.Server.Tests;

/// <summary>Datasets the tests make from CSV text.</summary>
internal static class TestDatasets
{
    /// <summary>Adds <paramref name="csv"/> as version 1 of a new dataset named after <paramref name="prefix"/>, under <paramref name="schema"/> when given; returns its name.</summary>
    public static async Task<string> AddCsvAsync(this GyreClient client, string prefix, string csv, string? schema = null)
    {
        var name = Unique.Name(prefix);
        if (schema is not null)
        {
            await client.Datasets.SetSchemaAsync(name, schema);
        }
        await using var stream = new MemoryStream(Encoding.UTF8.GetBytes(csv));
        await client.Datasets.AddAsync(name, stream, DatasetFormat.Csv);
        return name;
    }
}
