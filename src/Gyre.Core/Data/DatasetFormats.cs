using Gyre.Core.Errors;

namespace Gyre.Core.Data;

/// <summary>Media types and file extensions of <see cref="DatasetFormat"/>.</summary>
public static class DatasetFormats
{
    public const string CsvMediaType = "text/csv";
    public const string ParquetMediaType = "application/vnd.apache.parquet";

    public static DatasetFormat FromMediaType(string? mediaType) => mediaType?.ToLowerInvariant() switch
    {
        CsvMediaType => DatasetFormat.Csv,
        ParquetMediaType => DatasetFormat.Parquet,
        _ => throw new GyreException(ErrorCode.UnsupportedMediaType,
            $"Content-Type: expected {CsvMediaType} or {ParquetMediaType}, got '{mediaType}'"),
    };

    public static DatasetFormat FromFileName(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".csv" => DatasetFormat.Csv,
        ".parquet" => DatasetFormat.Parquet,
        var other => throw GyreException.Invalid($"file: cannot tell the format from the extension '{other}': expected .csv or .parquet, or give --format"),
    };

    public static string MediaType(this DatasetFormat format) => format == DatasetFormat.Csv ? CsvMediaType : ParquetMediaType;

    public static string Extension(this DatasetFormat format) => format == DatasetFormat.Csv ? ".csv" : ".parquet";
}
