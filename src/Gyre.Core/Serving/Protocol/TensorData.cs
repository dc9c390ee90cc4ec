using System.Text;
using Gyre.Core.Models;

namespace Gyre.Core.Serving.Protocol;

/// <summary>
/// A tensor's values in row-major order, as its transport carried them: JSON values
/// (<see cref="JsonTensorData"/>) or numbers and strings already decoded from binary contents
/// (<see cref="ArrayTensorData"/>). Each value is read against the model's column and logged as JSON.
/// </summary>
public abstract class TensorData
{
    /// <summary>The request's name for the values' field (<c>data</c> in JSON, <c>contents</c> in gRPC), for error messages.</summary>
    public abstract string Field { get; }

    /// <summary>Refuses the data unless it holds exactly <paramref name="expected"/> values.</summary>
    internal abstract void CheckCount(long expected, string where);

    /// <summary>Value <paramref name="i"/> for a number column; <paramref name="datatype"/> is the tensor's, which must hold it.</summary>
    internal abstract double Number(int i, string datatype, ModelInput input, ValuePath where);

    /// <summary>Value <paramref name="i"/> for a text column (null when missing).</summary>
    internal abstract string? Text(int i, ModelInput input, ValuePath where);

    /// <summary>Appends value <paramref name="i"/> as JSON, for the prediction log.</summary>
    internal abstract void AppendJson(StringBuilder row, int i);
}
