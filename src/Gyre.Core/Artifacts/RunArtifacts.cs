using System.Globalization;

namespace Gyre.Core.Artifacts;

/// <summary>Where the artifacts of experiments and runs live in the artifact store.</summary>
public static class RunArtifacts
{
    public const string Scheme = "gyre-artifacts:/";

    public static string ExperimentRoot(long experimentId) => experimentId.ToString(CultureInfo.InvariantCulture);

    public static string RunRoot(string experimentId, string runId) => $"{experimentId}/{runId}/artifacts";

    public static string ExperimentLocation(long experimentId) => Scheme + ExperimentRoot(experimentId);

    public static string RunUri(string experimentId, string runId) => Scheme + RunRoot(experimentId, runId);

    /// <summary>The artifact-store root of a run, from its artifact URI.</summary>
    public static string RootOf(string artifactUri) =>
        artifactUri.StartsWith(Scheme, StringComparison.Ordinal) ? artifactUri[Scheme.Length..] : artifactUri;
}
