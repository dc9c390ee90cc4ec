namespace Gyre.Core.Data.Schemas;

/// <summary>The kinds of <see cref="SchemaMismatch"/>.</summary>
public static class SchemaMismatchKinds
{
    public const string MissingColumn = "missing_column";
    public const string UnexpectedColumn = "unexpected_column";
    public const string WrongType = "wrong_type";
    public const string MissingValues = "missing_values";
    public const string OutOfDomain = "out_of_domain";
    public const string WrongRoleType = "wrong_role_type";
}
