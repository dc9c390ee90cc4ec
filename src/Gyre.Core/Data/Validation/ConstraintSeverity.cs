using System.Text.Json.Serialization;

namespace Gyre.Core.Data.Validation;

/// <summary>Deequ's check levels: a failed error constraint fails the version, a warning only reports.</summary>
public enum ConstraintSeverity
{
    [JsonStringEnumMemberName("error")]
    Error,

    [JsonStringEnumMemberName("warning")]
    Warning,
}
