using DuckDB.NET.Data;
using Gyre.Core.Data;
using Gyre.Core.Errors;
using Gyre.Core.Models;
using static Gyre.Storage.Data.DuckDbSql;

namespace Gyre.Storage.Data;

/// <summary>One data file opened as the view <c>input</c> of its own DuckDB instance.</summary>
internal sealed class DuckDbFeatureFile : IFeatureFile
{
    private readonly SpillingConnection _duck;

    private DuckDbFeatureFile(SpillingConnection duck, IReadOnlyList<string> columns)
    {
        _duck = duck;
        Columns = columns;
    }

    public IReadOnlyList<string> Columns { get; }

    public static DuckDbFeatureFile Open(string spillRoot, string path, DatasetFormat format, CancellationToken ct)
    {
        var duck = DuckDbSql.Open(spillRoot, ct);
        try
        {
            // A view, read as a stream in file order by every query (DuckDB keeps insertion order).
            var source = format == DatasetFormat.Csv
                ? $"read_csv({Literal(path)}, delim = ',', quote = '\"', escape = '\"', header = true)"
                : $"read_parquet({Literal(path)})";
            Execute(duck.Connection, $"CREATE VIEW input AS SELECT * FROM {source}");
            return new DuckDbFeatureFile(duck, Query(duck.Connection, "DESCRIBE input", r => r.GetString(0)));
        }
        catch (DuckDBException e)
        {
            duck.Dispose();
            throw GyreException.Invalid($"input: not a readable {(format == DatasetFormat.Csv ? "CSV" : "Parquet")} file: {e.Message.Split('\n')[0]}");
        }
    }

    public IEnumerable<FeatureBatch> Read(IReadOnlyList<ModelInput> inputs, int rows)
    {
        // TRY_CAST: a value that is not a number reads as missing, as ML.NET's own loader reads it.
        var columns = inputs.Select(i => i.Text ? $"{Quote(i.Name)}::VARCHAR" : $"TRY_CAST({Quote(i.Name)} AS DOUBLE)");
        using var command = _duck.Connection.CreateCommand();
        command.CommandText = $"SELECT {string.Join(", ", columns)} FROM input";
        using var reader = command.ExecuteReader();
        var first = 1L;
        while (true)
        {
            var numbers = inputs.Select(i => i.Text ? null : new double[rows]).ToArray();
            var texts = inputs.Select(i => i.Text ? new string?[rows] : null).ToArray();
            var n = 0;
            while (n < rows && reader.Read())
            {
                for (var j = 0; j < inputs.Count; j++)
                {
                    if (texts[j] is { } text)
                    {
                        text[n] = reader.IsDBNull(j) ? null : reader.GetString(j);
                    }
                    else
                    {
                        numbers[j]![n] = reader.IsDBNull(j) ? double.NaN : reader.GetDouble(j);
                    }
                }
                n++;
            }
            if (n == 0)
            {
                yield break;
            }
            yield return new FeatureBatch(n, [.. inputs.Select((input, j) => new FeatureColumn(input.Name,
                numbers[j] is { } values ? values[..n] : null, texts[j] is { } strings ? strings[..n] : null))], first);
            first += n;
            if (n < rows)
            {
                yield break;
            }
        }
    }

    public IReadOnlyList<string?> Texts(string column) =>
        Query(_duck.Connection, $"SELECT {Quote(column)}::VARCHAR FROM input", r => r.IsDBNull(0) ? null : r.GetString(0));

    public void WriteScored(ScoredColumns scores, string output, DatasetFormat format)
    {
        var definitions = scores.Names.Select(n => $"{Quote(n)} DOUBLE").ToList();
        if (scores.LabelName is { } label)
        {
            definitions.Add($"{Quote(label)} VARCHAR");
        }
        Execute(_duck.Connection, $"CREATE TABLE scores ({string.Join(", ", definitions)})");
        using (var appender = _duck.Connection.CreateAppender("scores"))
        {
            for (var i = 0; i < scores.Rows.Count; i++)
            {
                var row = appender.CreateRow();
                foreach (var value in scores.Rows[i])
                {
                    row = row.AppendValue(value);
                }
                if (scores.Labels is { } labels)
                {
                    row = row.AppendValue(labels[i]);
                }
                row.EndRow();
            }
        }
        var to = format == DatasetFormat.Csv ? "FORMAT csv, HEADER true" : "FORMAT parquet";
        Execute(_duck.Connection, $"COPY (SELECT input.*, scores.* FROM input POSITIONAL JOIN scores) TO {Literal(output)} ({to})");
    }

    public void Dispose() => _duck.Dispose();
}
