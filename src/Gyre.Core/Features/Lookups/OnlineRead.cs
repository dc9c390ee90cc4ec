using System.Text.Json;

namespace Gyre.Core.Features.Lookups;

/// <summary><c>POST /api/v1/feature-groups/{name}/online</c>: the entities to read, each an object of its key columns.</summary>
public sealed record OnlineReadRequest(IReadOnlyList<Dictionary<string, JsonElement>>? Entities);

/// <summary>The online store's values of each entity asked for, in the order asked.</summary>
public sealed record OnlineRead(IReadOnlyList<OnlineEntity> Rows);

/// <summary>An entity's key (its values joined by commas), whether it has fresh values, their event time (ms) and the values.</summary>
public sealed record OnlineEntity(string Entity, bool Found, long? EventTime, JsonElement? Features, bool? Expired = null);

