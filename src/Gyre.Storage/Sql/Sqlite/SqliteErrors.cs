using Microsoft.Data.Sqlite;

namespace Gyre.Storage.Sql.Sqlite;

/// <summary>Recognises SQLite's constraint failures, which stores turn into domain errors.</summary>
internal static class SqliteErrors
{
    private const int SqliteConstraint = 19;
    private const int SqliteConstraintUnique = 2067;
    private const int SqliteConstraintPrimaryKey = 1555;

    public static bool IsUniqueViolation(this SqliteException exception) =>
        exception.SqliteErrorCode == SqliteConstraint
        && exception.SqliteExtendedErrorCode is SqliteConstraintUnique or SqliteConstraintPrimaryKey;
}
