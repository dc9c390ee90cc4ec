using Gyre.Core.Serving.Endpoints;

namespace Gyre.Core.Pipelines;

/// <summary>Pipeline names travel in URL paths: they follow the endpoints' rule.</summary>
public static class PipelineNames
{
    public static string? Check(string field, string? name) => EndpointNames.Check(field, name, "a pipeline");
}
