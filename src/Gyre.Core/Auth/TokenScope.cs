using System.Text.Json.Serialization;

namespace Gyre.Core.Auth;

/// <summary>What a token may do. Each scope includes the ones before it: admin ⊃ write ⊃ read.</summary>
public enum TokenScope
{
    [JsonStringEnumMemberName("read")]
    Read = 1,

    [JsonStringEnumMemberName("write")]
    Write = 2,

    [JsonStringEnumMemberName("admin")]
    Admin = 3,
}
