using System.Text;
using Npgsql;
using NpgsqlTypes;

namespace Gyre.Storage.Serving;

/// <summary>
/// Writes a batch's blocks into PostgreSQL with one binary <c>COPY</c>, so that a batch costs one
/// round trip however many blocks it holds. The copy begins with the batch's first block, on the
/// connection of the batch's transaction (<see cref="Begin"/>), and ends with <see cref="Flushed"/>.
/// </summary>
internal sealed class PostgresBlockWriter : PredictionBlockBuilder
{
    private const string Copy = "COPY prediction_blocks (endpoint, first_time, last_time, records, payload) FROM STDIN (FORMAT BINARY)";

    private NpgsqlConnection? _connection;
    private NpgsqlBinaryImporter? _copy;

    /// <summary>The next batch goes through this connection, inside its transaction.</summary>
    public void Begin(NpgsqlConnection connection) => _connection = connection;

    protected override void Write(OpenBlock block)
    {
        _copy ??= (_connection ?? throw new InvalidOperationException("prediction log: a batch of blocks without a connection")).BeginBinaryImport(Copy);
        _copy.StartRow();
        _copy.Write(Encoding.UTF8.GetString(block.Endpoint), NpgsqlDbType.Text);
        _copy.Write(block.First, NpgsqlDbType.Bigint);
        _copy.Write(block.Last, NpgsqlDbType.Bigint);
        _copy.Write(block.Count, NpgsqlDbType.Integer);
        _copy.Write(block.Payload, NpgsqlDbType.Bytea);
    }

    protected override void Flushed()
    {
        _copy?.Complete();
        End();
    }

    protected override void Discarded() => End();

    public override void Dispose() => End();

    private void End()
    {
        // Disposing an import that was not completed cancels it.
        _copy?.Dispose();
        _copy = null;
        _connection = null;
    }
}
