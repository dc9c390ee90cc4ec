using Gyre.Core.Models;

namespace Gyre.Core.Serving.Protocol;

/// <summary>A request's rows as the model reads them, and each row as JSON for the prediction log.</summary>
public sealed record ParsedRequest(FeatureBatch Batch, IReadOnlyList<string> RowInputs);
