using Gyre.Core.Models;

namespace Gyre.Core.Serving.Protocol;

/// <summary>
/// A request's rows as its dialect sent them, before a variant is chosen: the gateway routes first,
/// then has the input read against the chosen variant's columns. Every dialect (JSON or gRPC) reads
/// into the same <see cref="ParsedRequest"/>, so routing, logging, shadowing and counting are one path.
/// </summary>
public interface IInferenceInput
{
    /// <summary>The rows against <paramref name="predictor"/>'s inputs; invalid_argument naming the field when they do not fit.</summary>
    ParsedRequest Read(IPredictor predictor);

    /// <summary>This input for a shadow variant, read after the request has finished: it must not depend on the request's buffers.</summary>
    IInferenceInput Detach();
}
