using Gyre.Core.Errors;
using Gyre.Core.Models;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Tensor = Gyre.Core.Models.Tensor;

namespace Gyre.Learning.Onnx;

/// <summary>
/// An ONNX model run by ONNX Runtime. The signature is read from the graph; inputs are checked
/// against it (names, element count, fixed dimensions) before they reach the runtime, so that a
/// wrong request is an invalid_argument naming the input, never a runtime crash. One session
/// serves many threads: ONNX Runtime's <c>Run</c> is thread-safe.
/// </summary>
public sealed class OnnxModel : IDisposable
{
    private static readonly Lazy<string> EmptyFolder = new(() => Directory.CreateTempSubdirectory("gyre-onnx-").FullName);

    private readonly InferenceSession _session;

    private OnnxModel(InferenceSession session)
    {
        _session = session;
        Signature = new ModelSignature(
            session.InputMetadata.Select(m => Spec(m.Key, m.Value)).ToList(),
            session.OutputMetadata.Select(m => Spec(m.Key, m.Value)).ToList());
    }

    public ModelSignature Signature { get; }

    /// <summary>Loads a model from its bytes; invalid_argument when they are not an ONNX model Gyre can run.</summary>
    public static OnnxModel Load(byte[] model)
    {
        OnnxExternalData.Refuse(model);
        InferenceSession session;
        try
        {
            using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
            // Were a model to name an external file after all, ONNX Runtime would look for it in
            // this empty folder of the process's own, never in the working folder (the home).
            options.AddSessionConfigEntry("session.model_external_initializers_file_folder_path", EmptyFolder.Value);
            session = new InferenceSession(model, options);
        }
        catch (OnnxRuntimeException e)
        {
            throw GyreException.Invalid($"model: not an ONNX model ONNX Runtime can load: {e.Message.Split('\n')[0]}");
        }
        var loaded = new OnnxModel(session);
        var unsupported = loaded.Signature.Inputs.Concat(loaded.Signature.Outputs).Where(t => t.DataType.StartsWith('?')).ToList();
        if (unsupported.Count > 0)
        {
            loaded.Dispose();
            throw GyreException.Invalid($"model: {string.Join(", ", unsupported.Select(t => $"'{t.Name}' is a {t.DataType[1..]}"))}; Gyre runs numeric tensors (FP32, FP64, INT32, INT64, BOOL)");
        }
        return loaded;
    }

    /// <summary>Runs the model on one batch; every output comes back as a flat row-major tensor of doubles.</summary>
    public IReadOnlyList<Tensor> Run(IReadOnlyList<Tensor> inputs)
    {
        var problems = new List<string>();
        var values = new List<NamedOnnxValue>();
        foreach (var spec in Signature.Inputs)
        {
            var input = inputs.FirstOrDefault(t => t.Name == spec.Name);
            if (input is null)
            {
                problems.Add($"inputs: the model needs '{spec.Name}' ({spec.DataType} {Shape(spec.Shape)})");
                continue;
            }
            if (Mismatch(spec, input) is { } problem)
            {
                problems.Add(problem);
                continue;
            }
            values.Add(Value(spec, input));
        }
        foreach (var extra in inputs.Where(t => Signature.Inputs.All(s => s.Name != t.Name)))
        {
            problems.Add($"inputs: '{extra.Name}' is not an input of the model; its inputs are {string.Join(", ", Signature.Inputs.Select(s => s.Name))}");
        }
        GyreException.ThrowIfAny(problems);
        using var results = _session.Run(values);
        return results.Select(Read).ToList();
    }

    public void Dispose() => _session.Dispose();

    private static string? Mismatch(TensorSpec spec, Tensor input)
    {
        var count = input.Shape.Aggregate(1L, (a, b) => a * b);
        if (input.Shape.Count != spec.Shape.Count || input.Shape.Any(d => d < 0) || count != input.Values.Length
            || spec.Shape.Zip(input.Shape).Any(d => d.First >= 0 && d.First != d.Second))
        {
            return $"{spec.Name}: expected shape {Shape(spec.Shape)} ({spec.DataType}), got {Shape(input.Shape)} with {input.Values.Length} values";
        }
        return null;
    }

    private static NamedOnnxValue Value(TensorSpec spec, Tensor input)
    {
        var dims = input.Shape.Select(d => (int)d).ToArray();
        return spec.DataType switch
        {
            TensorDataTypes.Fp32 => NamedOnnxValue.CreateFromTensor(spec.Name, new DenseTensor<float>(input.Values.Select(v => (float)v).ToArray(), dims)),
            TensorDataTypes.Fp64 => NamedOnnxValue.CreateFromTensor(spec.Name, new DenseTensor<double>(input.Values, dims)),
            TensorDataTypes.Int64 => NamedOnnxValue.CreateFromTensor(spec.Name, new DenseTensor<long>(input.Values.Select(v => (long)v).ToArray(), dims)),
            TensorDataTypes.Int32 => NamedOnnxValue.CreateFromTensor(spec.Name, new DenseTensor<int>(input.Values.Select(v => (int)v).ToArray(), dims)),
            _ => NamedOnnxValue.CreateFromTensor(spec.Name, new DenseTensor<bool>(input.Values.Select(v => v != 0).ToArray(), dims)),
        };
    }

    private static Tensor Read(DisposableNamedOnnxValue value) => value.Value switch
    {
        DenseTensor<float> t => new Tensor(value.Name, Dims(t.Dimensions), t.Buffer.ToArray().Select(v => (double)v).ToArray()),
        DenseTensor<double> t => new Tensor(value.Name, Dims(t.Dimensions), t.Buffer.ToArray()),
        DenseTensor<long> t => new Tensor(value.Name, Dims(t.Dimensions), t.Buffer.ToArray().Select(v => (double)v).ToArray()),
        DenseTensor<int> t => new Tensor(value.Name, Dims(t.Dimensions), t.Buffer.ToArray().Select(v => (double)v).ToArray()),
        DenseTensor<bool> t => new Tensor(value.Name, Dims(t.Dimensions), t.Buffer.ToArray().Select(v => v ? 1.0 : 0.0).ToArray()),
        _ => throw GyreException.Invalid($"model: output '{value.Name}' is not a numeric tensor"),
    };

    private static List<long> Dims(ReadOnlySpan<int> dimensions)
    {
        var dims = new List<long>(dimensions.Length);
        foreach (var d in dimensions)
        {
            dims.Add(d);
        }
        return dims;
    }

    private static TensorSpec Spec(string name, NodeMetadata metadata) =>
        new(name, DataType(metadata), metadata.IsTensor ? metadata.Dimensions.Select(d => (long)d).ToList() : []);

    /// <summary>The Open Inference Protocol's name of a tensor's element type; "?" and the runtime's name when Gyre cannot run it.</summary>
    private static string DataType(NodeMetadata metadata) => !metadata.IsTensor ? $"?{metadata.OnnxValueType}" : metadata.ElementDataType switch
    {
        TensorElementType.Float => TensorDataTypes.Fp32,
        TensorElementType.Double => TensorDataTypes.Fp64,
        TensorElementType.Int64 => TensorDataTypes.Int64,
        TensorElementType.Int32 => TensorDataTypes.Int32,
        TensorElementType.Bool => TensorDataTypes.Bool,
        var other => $"?{other} tensor",
    };

    private static string Shape(IReadOnlyList<long> shape) => "[" + string.Join(", ", shape) + "]";
}
