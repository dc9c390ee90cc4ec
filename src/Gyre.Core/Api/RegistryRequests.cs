using Gyre.Core.Tracking;

namespace Gyre.Core.Api;

/// <summary><c>POST /api/v1/models</c>.</summary>
public sealed record CreateModelRequest(string? Name, string? Description = null, IReadOnlyList<Tag>? Tags = null);

/// <summary><c>PATCH /api/v1/models/{name}</c>: rename and/or describe.</summary>
public sealed record UpdateModelRequest(string? NewName = null, string? Description = null);

/// <summary><c>POST /api/v1/models/{name}/versions</c>: register an artifact of a run as the next version.</summary>
public sealed record CreateModelVersionRequest(RunId? RunId, string? ArtifactPath, string? Description = null, IReadOnlyList<Tag>? Tags = null);

/// <summary><c>PATCH /api/v1/models/{name}/versions/{version}</c>.</summary>
public sealed record UpdateModelVersionRequest(string? Description);

/// <summary><c>PUT /api/v1/models/{name}/aliases/{alias}</c>.</summary>
public sealed record SetAliasRequest(long? Version);
