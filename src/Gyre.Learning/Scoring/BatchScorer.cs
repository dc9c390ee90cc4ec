using System.Globalization;
using DuckDB.NET.Data;
using Gyre.Core.Data;
using Gyre.Core.Errors;
using Gyre.Core.Learning.Models;
using Gyre.Learning.MlNet;
using Gyre.Learning.Onnx;
using Microsoft.ML;
using Microsoft.ML.Data;
using Tensor = Gyre.Core.Learning.Models.Tensor;

namespace Gyre.Learning.Scoring;

/// <summary>
/// Scores a CSV or Parquet file with a model package and writes the input's rows with the
/// predictions beside them, CSV or Parquet. DuckDB reads and writes the files (spilling to disk
/// past its memory limit); ML.NET reads the features from a file it streams; ONNX models see the
/// rows in batches. Output columns: <c>probability</c> and <c>predicted_label</c> (binary),
/// <c>probability_CLASS</c> per class and <c>predicted_label</c> (multiclass), <c>prediction</c>
/// (regression), <c>score_0</c>… when the task is unknown.
/// </summary>
public sealed class BatchScorer(string scratchDirectory) : IModelScorer
{
    public const int OnnxBatchRows = 8192;

    public Task<long> ScoreAsync(ModelPackage package, byte[] model, string input, DatasetFormat inputFormat, string output, DatasetFormat outputFormat, CancellationToken ct) =>
        Task.Run(() =>
        {
            using var connection = Open(input, inputFormat, ct, out var interrupt);
            using (interrupt)
            {
                var predictions = Predict(connection, package, model, input, inputFormat, ct);
                Write(connection, package, predictions, output, outputFormat);
                return (long)predictions.Count;
            }
        }, ct);

    /// <summary>The predictions for every row of a file, with the text of some of its columns (a label, a slice), in row order.</summary>
    public Task<(IReadOnlyList<double[]> Predictions, IReadOnlyDictionary<string, IReadOnlyList<string?>> Columns)> PredictAsync(
        ModelPackage package, byte[] model, string input, DatasetFormat inputFormat, IReadOnlyList<string> columns, CancellationToken ct) =>
        Task.Run(() =>
        {
            using var connection = Open(input, inputFormat, ct, out var interrupt);
            using (interrupt)
            {
                var predictions = Predict(connection, package, model, input, inputFormat, ct);
                var texts = columns.ToDictionary(c => c, c => (IReadOnlyList<string?>)Query(connection,
                    $"SELECT {Quote(c)}::VARCHAR FROM input", r => r.IsDBNull(0) ? null : r.GetString(0)));
                return ((IReadOnlyList<double[]>)predictions, (IReadOnlyDictionary<string, IReadOnlyList<string?>>)texts);
            }
        }, ct);

    private DuckDBConnection Open(string input, DatasetFormat inputFormat, CancellationToken ct, out CancellationTokenRegistration interrupt)
    {
        var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        interrupt = ct.Register(() =>
        {
            using var command = connection.CreateCommand();
            command.Cancel();
        });
        Execute(connection, $"SET temp_directory = {Literal(Path.Combine(scratchDirectory, "spill"))}");
        try
        {
            // A view, read as a stream in file order by every query (DuckDB keeps insertion order).
            var source = inputFormat == DatasetFormat.Csv
                ? $"read_csv({Literal(input)}, delim = ',', quote = '\"', escape = '\"', header = true)"
                : $"read_parquet({Literal(input)})";
            Execute(connection, $"CREATE VIEW input AS SELECT * FROM {source}");
            Execute(connection, "DESCRIBE input");
        }
        catch (DuckDBException e)
        {
            interrupt.Dispose();
            connection.Dispose();
            throw GyreException.Invalid($"input: not a readable {(inputFormat == DatasetFormat.Csv ? "CSV" : "Parquet")} file: {e.Message.Split('\n')[0]}");
        }
        return connection;
    }

    private List<double[]> Predict(DuckDBConnection connection, ModelPackage package, byte[] model, string input, DatasetFormat inputFormat, CancellationToken ct)
    {
        var present = Query(connection, "DESCRIBE input", r => r.GetString(0)).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var missing = package.FeatureColumns.Where(c => !present.Contains(c)).ToList();
        if (missing.Count > 0)
        {
            throw GyreException.Invalid($"input: {string.Join(", ", missing.Select(c => $"'{c}'"))} missing; the model needs the columns {string.Join(", ", package.FeatureColumns)}");
        }
        var predictions = package.Flavor == ModelPackage.MlNet ? MlNet(connection, package, model, input, inputFormat) : Onnx(connection, package, model, ct);
        ct.ThrowIfCancellationRequested();
        return predictions;
    }

    /// <summary>
    /// ML.NET reads a CSV input itself, each feature from its position in the header; a Parquet
    /// input is first written out as a CSV of the features, which ML.NET's loader can read.
    /// </summary>
    private List<double[]> MlNet(DuckDBConnection connection, ModelPackage package, byte[] model, string input, DatasetFormat inputFormat)
    {
        var (ml, transformer) = MlNetPackageLoader.Load(package, model);
        var categorical = package.Signature.Inputs.Select(i => i.DataType == TensorDataTypes.Bytes).ToList();
        Directory.CreateDirectory(scratchDirectory);
        var features = Path.Combine(scratchDirectory, Guid.NewGuid().ToString("N") + ".csv");
        try
        {
            var positions = Enumerable.Range(0, package.FeatureColumns.Count).ToList();
            var file = features;
            if (inputFormat == DatasetFormat.Csv)
            {
                var header = Query(connection, "DESCRIBE input", r => r.GetString(0));
                positions = [.. package.FeatureColumns.Select(c => header.FindIndex(h => string.Equals(h, c, StringComparison.OrdinalIgnoreCase)))];
                file = input;
            }
            else
            {
                var columns = package.FeatureColumns.Select((c, i) => categorical[i] ? $"{Quote(c)}::VARCHAR" : $"{Quote(c)}::DOUBLE");
                Execute(connection, $"COPY (SELECT {string.Join(", ", columns)} FROM input) TO {Literal(features)} (FORMAT csv, HEADER true, DELIMITER ',', QUOTE '\"')");
            }
            var loader = MlNetTrainer.CsvLoader(ml,
                [.. package.FeatureColumns.Select((_, i) => new TextLoader.Column(MlNetTrainer.Column(i), categorical[i] ? DataKind.String : DataKind.Single, positions[i]))]);
            var scored = transformer.Transform(loader.Load(file));
            var predictions = new List<double[]>();
            if (package.Task == ModelTasks.Multiclass)
            {
                var column = scored.Schema["Score"];
                using var cursor = scored.GetRowCursor([column]);
                var get = cursor.GetGetter<VBuffer<float>>(column);
                VBuffer<float> score = default;
                while (cursor.MoveNext())
                {
                    get(ref score);
                    var values = score.DenseValues().Select(v => (double)Math.Max(v, 0)).ToArray();
                    var sum = values.Sum();
                    predictions.Add(sum > 0 ? [.. values.Select(v => v / sum)] : values);
                }
            }
            else
            {
                var column = scored.Schema[package.Task == ModelTasks.Binary ? "Probability" : "Score"];
                using var cursor = scored.GetRowCursor([column]);
                var get = cursor.GetGetter<float>(column);
                float value = 0;
                while (cursor.MoveNext())
                {
                    get(ref value);
                    predictions.Add([value]);
                }
            }
            return predictions;
        }
        finally
        {
            File.Delete(features);
        }
    }

    private static List<double[]> Onnx(DuckDBConnection connection, ModelPackage package, byte[] model, CancellationToken ct)
    {
        using var onnx = OnnxPackageLoader.Load(package, model);
        var width = package.FeatureColumns.Count;
        var predictions = new List<double[]>();
        var batch = new List<double>(OnnxBatchRows * width);
        void Flush()
        {
            var rows = batch.Count / width;
            if (rows == 0)
            {
                return;
            }
            var inputs = package.FeatureInput is { } name
                ? [new Tensor(name, [rows, width], [.. batch])]
                : package.FeatureColumns.Select((c, j) => new Tensor(c, [rows, 1], [.. Enumerable.Range(0, rows).Select(r => batch[(r * width) + j])])).ToList();
            var result = onnx.Run(inputs).Single(t => t.Name == package.Output);
            var k = result.Values.Length / rows;
            for (var r = 0; r < rows; r++)
            {
                predictions.Add(result.Values[(r * k)..((r + 1) * k)]);
            }
            batch.Clear();
            ct.ThrowIfCancellationRequested();
        }
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {string.Join(", ", package.FeatureColumns.Select(c => $"{Quote(c)}::DOUBLE"))} FROM input";
        using var reader = command.ExecuteReader();
        var row = 0L;
        while (reader.Read())
        {
            row++;
            for (var j = 0; j < width; j++)
            {
                if (reader.IsDBNull(j))
                {
                    throw GyreException.Invalid($"input: row {row} has no value for '{package.FeatureColumns[j]}'; an ONNX model needs every feature");
                }
                batch.Add(reader.GetDouble(j));
            }
            if (batch.Count == OnnxBatchRows * width)
            {
                Flush();
            }
        }
        Flush();
        return predictions;
    }

    /// <summary>Appends the predictions in row order and writes the input joined with them.</summary>
    private static void Write(DuckDBConnection connection, ModelPackage package, List<double[]> predictions, string output, DatasetFormat format)
    {
        var k = predictions.Count > 0 ? predictions[0].Length : 1;
        var names = OutputNames(package, k);
        var labels = package.Classes is { Count: >= 2 } classes && package.Task is ModelTasks.Binary or ModelTasks.Multiclass ? classes : null;
        Execute(connection, $"CREATE TABLE scores ({string.Join(", ", names.Select(n => $"{Quote(n)} DOUBLE"))}{(labels is null ? "" : ", predicted_label VARCHAR")})");
        using (var appender = connection.CreateAppender("scores"))
        {
            for (var i = 0; i < predictions.Count; i++)
            {
                var row = appender.CreateRow();
                foreach (var value in predictions[i])
                {
                    row = row.AppendValue(value);
                }
                if (labels is not null)
                {
                    var p = predictions[i];
                    var predicted = p.Length == 1 ? (p[0] >= 0.5 ? labels[1] : labels[0]) : labels[Array.IndexOf(p, p.Max())];
                    row = row.AppendValue(predicted);
                }
                row.EndRow();
            }
        }
        var to = format == DatasetFormat.Csv ? "FORMAT csv, HEADER true" : "FORMAT parquet";
        Execute(connection, $"""
            COPY (SELECT input.*, scores.* FROM input POSITIONAL JOIN scores) TO {Literal(output)} ({to})
            """);
    }

    private static List<string> OutputNames(ModelPackage package, int k) => package.Task switch
    {
        ModelTasks.Binary when k == 1 => ["probability"],
        ModelTasks.Regression => ["prediction"],
        ModelTasks.Binary or ModelTasks.Multiclass when package.Classes is { } classes && classes.Count == k => [.. classes.Select(c => $"probability_{c}")],
        _ => [.. Enumerable.Range(0, k).Select(i => $"score_{i.ToString(CultureInfo.InvariantCulture)}")],
    };

    private static string Quote(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static string Literal(string text) => "'" + text.Replace("'", "''", StringComparison.Ordinal) + "'";

    private static void Execute(DuckDBConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static List<T> Query<T>(DuckDBConnection connection, string sql, Func<System.Data.Common.DbDataReader, T> map)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<T>();
        while (reader.Read())
        {
            rows.Add(map(reader));
        }
        return rows;
    }
}
