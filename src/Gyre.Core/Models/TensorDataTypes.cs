namespace Gyre.Core.Models;

/// <summary>The Open Inference Protocol's datatype names, which Gyre uses in every signature.</summary>
public static class TensorDataTypes
{
    public const string Bool = "BOOL";
    public const string Int32 = "INT32";
    public const string Int64 = "INT64";
    public const string Fp32 = "FP32";
    public const string Fp64 = "FP64";
    public const string Bytes = "BYTES";
}
