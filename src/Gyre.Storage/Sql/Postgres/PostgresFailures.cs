using System.Net.Sockets;
using Gyre.Core.Errors;
using Npgsql;

namespace Gyre.Storage.Sql.Postgres;

/// <summary>Sorts PostgreSQL's failures into the ones a caller should retry and the bugs.</summary>
internal static class PostgresFailures
{
    /// <summary>A serialization failure or a deadlock: the transaction lost a race and can run again.</summary>
    public static bool LostARace(PostgresException e) =>
        e.SqlState is PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected;

    /// <summary>
    /// A connection that broke under a statement: the server restarted or cut it (an open connection
    /// from the pool, since failures to open are reported before any statement runs).
    /// </summary>
    public static bool BrokenConnection(Exception e) => e switch
    {
        PostgresException p => p.SqlState.StartsWith("08", StringComparison.Ordinal) || p.SqlState is "57P01" or "57P02" or "57P03",
        NpgsqlException or EndOfStreamException or IOException or SocketException => true,
        _ => false,
    };

    /// <summary>
    /// The server is unreachable, going down, out of connections or out of disk, or the pool is
    /// exhausted: a 503 with a message that names the database (never its password).
    /// </summary>
    public static GyreException? Unavailable(Exception e, string location) => e switch
    {
        PostgresException p when p.SqlState.StartsWith("08", StringComparison.Ordinal)
            || p.SqlState.StartsWith("53", StringComparison.Ordinal)
            || p.SqlState.StartsWith("57P", StringComparison.Ordinal) =>
            new GyreException(ErrorCode.Unavailable, $"the metadata database {location} is unavailable ({p.MessageText}); retry", inner: e),
        PostgresException => null,
        NpgsqlException or SocketException or TimeoutException or EndOfStreamException or IOException =>
            new GyreException(ErrorCode.Unavailable, $"the metadata database {location} is unreachable ({Innermost(e)}); retry", inner: e),
        _ => null,
    };

    /// <summary>The root cause's message ("Connection refused", "timeout…"), which says more than the wrappers around it.</summary>
    private static string Innermost(Exception e)
    {
        while (e.InnerException is { } inner)
        {
            e = inner;
        }
        return e.Message.Split('\n')[0].TrimEnd('.');
    }
}
