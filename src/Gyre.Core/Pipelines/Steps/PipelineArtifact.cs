using System.Text.Json.Nodes;

namespace Gyre.Core.Pipelines.Steps;

/// <summary>
/// Something a step read or made, in ML Metadata's sense: a dataset version, a model version, a
/// file, a report. <c>Role</c> is how steps downstream ask for it (<c>dataset</c>, <c>train</c>,
/// <c>test</c>, <c>model</c>, <c>file:NAME</c> ...); <c>Uri</c> names it across runs (see
/// <see cref="ArtifactUris"/>); <c>Digest</c> is its content's, so that caching and lineage see
/// the same thing under the same name.
/// </summary>
public sealed record PipelineArtifact(string Role, string Type, string Uri, string Digest, JsonObject? Properties = null);
