namespace Gyre.Core.Data.Schemas;

/// <summary>One way a version's column differs from the declared schema; <c>Kind</c> is one of <see cref="SchemaMismatchKinds"/>.</summary>
public sealed record SchemaMismatch(string Column, string Kind, string Expected, string Found);
