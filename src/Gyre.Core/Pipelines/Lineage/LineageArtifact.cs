using System.Text.Json.Nodes;

namespace Gyre.Core.Pipelines.Lineage;

/// <summary>An artifact in the lineage graph (ML Metadata's Artifact), one per URI.</summary>
public sealed record LineageArtifact(long Id, string Type, string Uri, string Digest, long CreationTime, JsonObject? Properties = null);
