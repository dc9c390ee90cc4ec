using System.Text.Json;
using Gyre.Core.Json;
using Gyre.Core.Monitoring.Windows;

namespace Gyre.Core.Tests.Monitoring;

/// <summary>A window's logged inputs read column by column give what reading each row as a JSON document gives.</summary>
public sealed class LoggedColumnsTests
{
    private static readonly string[] Rows =
    [
        """{"age": 41, "city": "Lyon", "vip": true, "tags": ["a", 1], "embedding": [0.5, -1, null], "extra": {"k": [1, 2]}}""",
        """{"age": 3.25, "city": null, "vip": false, "embedding": [1, 2, 3], "caf\u00e9": "é", "zip": 75001}""",
        """{"city": "Paris", "age": "unknown", "embedding": null}""",
        """[1, 2, 3]""",
        """{}""",
    ];

    [Fact]
    public void Columns_ReadAsTheRowsDocumentsRead()
    {
        var window = LoggedColumns.Read(Rows);
        var documents = Rows.Select(r => JsonDocument.Parse(r).RootElement).ToList();
        JsonElement Value(int row, string name) => documents[row].ValueKind == JsonValueKind.Object && documents[row].TryGetProperty(name, out var v) ? v : default;
        Assert.Equal(5, window.Count);
        foreach (var name in new[] { "age", "city", "vip", "zip", "café", "extra" })
        {
            Assert.True(window.Has(name), name);
            // Numbers: a JSON number, NaN otherwise; texts: as a category reads each value.
            Assert.Equal(documents.Select((_, r) => Value(r, name) is { ValueKind: JsonValueKind.Number } n ? n.GetDouble() : double.NaN), window.Numbers(name));
            Assert.Equal(documents.Select((_, r) => JsonValues.Text(Value(r, name))), window.Texts(name));
        }
        Assert.False(window.Has("missing"));
        Assert.All(window.Numbers("missing"), n => Assert.True(double.IsNaN(n)));
        Assert.Equal(new string?[5], window.Texts("missing"));
        // An array of numbers is a vector (null elements NaN); an array of anything else is text.
        Assert.True(window.IsVector("embedding"));
        Assert.False(window.IsVector("tags"));
        var vectors = window.Vectors("embedding");
        Assert.Equal([0.5, -1, double.NaN], vectors[0]!);
        Assert.Equal([1.0, 2, 3], vectors[1]!);
        Assert.Null(vectors[2]);
        Assert.Equal(new string?[] { """["a", 1]""", null, null, null, null }, window.Texts("tags"));
        Assert.Equal(new string?[5], window.Texts("embedding"));
    }
}
