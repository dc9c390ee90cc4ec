using System.Text.Json.Serialization;

namespace Gyre.Core.Data;

/// <summary>The file formats a dataset version can have.</summary>
public enum DatasetFormat
{
    [JsonStringEnumMemberName("csv")]
    Csv,

    [JsonStringEnumMemberName("parquet")]
    Parquet,
}
