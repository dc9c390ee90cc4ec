using System.Buffers.Binary;
using System.Text;
using Gyre.Core.Errors;
using Gyre.Core.Serving.Protocol;
using Google.Protobuf;

namespace Gyre.Server.Inference.Grpc;

/// <summary>
/// A gRPC infer request's input tensors as <see cref="OipTensor"/>s: each tensor's values from the
/// contents field of its datatype, or from its entry of <c>raw_input_contents</c> (little-endian,
/// row-major; a BYTES element a 4-byte length and its bytes). Values in another type's field, a raw
/// entry of the wrong size, or both forms at once are refused, naming the tensor.
/// </summary>
internal static class GrpcTensors
{
    public static List<OipTensor> Of(ModelInferRequest request)
    {
        if (request.Inputs.Count == 0)
        {
            throw GyreException.Invalid("inputs: expected a non-empty list of tensors {name, shape, datatype, contents}");
        }
        var raw = request.RawInputContents.Count > 0;
        if (raw && request.RawInputContents.Count != request.Inputs.Count)
        {
            throw GyreException.Invalid($"raw_input_contents: expected one entry per input ({request.Inputs.Count}), got {request.RawInputContents.Count}");
        }
        var tensors = new List<OipTensor>(request.Inputs.Count);
        for (var i = 0; i < request.Inputs.Count; i++)
        {
            var input = request.Inputs[i];
            var where = $"inputs[{i}]";
            if (input.Name.Length == 0)
            {
                throw GyreException.Invalid($"{where}.name: expected the tensor's name");
            }
            if (input.Datatype.Length == 0)
            {
                throw GyreException.Invalid($"{where}.datatype: expected a datatype such as FP32 or BYTES");
            }
            if (raw && input.Contents is { } typed && typed.CalculateSize() > 0)
            {
                throw GyreException.Invalid($"{where}.contents: a request with raw_input_contents carries no typed contents");
            }
            var data = raw ? Raw(request.RawInputContents[i], input.Datatype, $"raw_input_contents[{i}]") : Typed(input.Contents ?? new InferTensorContents(), input.Datatype, where);
            tensors.Add(new OipTensor(i, input.Name, input.Shape, input.Datatype, data));
        }
        return tensors;
    }

    private static TensorData Typed(InferTensorContents contents, string datatype, string where)
    {
        var (field, count) = datatype switch
        {
            "BOOL" => ("bool_contents", contents.BoolContents.Count),
            "INT8" or "INT16" or "INT32" => ("int_contents", contents.IntContents.Count),
            "INT64" => ("int64_contents", contents.Int64Contents.Count),
            "UINT8" or "UINT16" or "UINT32" => ("uint_contents", contents.UintContents.Count),
            "UINT64" => ("uint64_contents", contents.Uint64Contents.Count),
            "FP32" => ("fp32_contents", contents.Fp32Contents.Count),
            "FP64" => ("fp64_contents", contents.Fp64Contents.Count),
            "BYTES" => ("bytes_contents", contents.BytesContents.Count),
            "FP16" => throw GyreException.Invalid($"{where}.contents: an FP16 tensor travels as raw_input_contents; it has no contents field"),
            _ => throw GyreException.Invalid($"{where}.datatype: expected an Open Inference Protocol datatype (BOOL, INT8 to INT64, UINT8 to UINT64, FP16, FP32, FP64, BYTES), got '{datatype}'"),
        };
        // The wire cannot say which field was meant: values in any other field are a mistake, not ignored.
        if (contents.CalculateSize() > 0 && count == 0)
        {
            throw GyreException.Invalid($"{where}.contents: a {datatype} tensor's values go in {field}, which is empty");
        }
        var name = $"contents.{field}";
        return datatype switch
        {
            "BOOL" => ArrayTensorData.Numbers(name, datatype, [.. contents.BoolContents.Select(b => b ? 1.0 : 0.0)]),
            "INT8" => ArrayTensorData.Numbers(name, datatype, Ranged(contents.IntContents, sbyte.MinValue, sbyte.MaxValue, datatype, where)),
            "INT16" => ArrayTensorData.Numbers(name, datatype, Ranged(contents.IntContents, short.MinValue, short.MaxValue, datatype, where)),
            "INT32" => ArrayTensorData.Numbers(name, datatype, [.. contents.IntContents.Select(v => (double)v)]),
            "INT64" => ArrayTensorData.Numbers(name, datatype, [.. contents.Int64Contents.Select(v => (double)v)]),
            "UINT8" => ArrayTensorData.Numbers(name, datatype, Ranged(contents.UintContents.Select(v => (long)v), 0, byte.MaxValue, datatype, where)),
            "UINT16" => ArrayTensorData.Numbers(name, datatype, Ranged(contents.UintContents.Select(v => (long)v), 0, ushort.MaxValue, datatype, where)),
            "UINT32" => ArrayTensorData.Numbers(name, datatype, [.. contents.UintContents.Select(v => (double)v)]),
            "UINT64" => ArrayTensorData.Numbers(name, datatype, [.. contents.Uint64Contents.Select(v => (double)v)]),
            "FP32" => ArrayTensorData.Numbers(name, datatype, [.. contents.Fp32Contents.Select(v => (double)v)]),
            "FP64" => ArrayTensorData.Numbers(name, datatype, [.. contents.Fp64Contents]),
            _ => ArrayTensorData.Texts(name, [.. contents.BytesContents.Select((b, k) => Utf8(b.Span, $"{where}.contents.bytes_contents[{k}]"))]),
        };
    }

    private static double[] Ranged(IEnumerable<int> values, long min, long max, string datatype, string where) => Ranged(values.Select(v => (long)v), min, max, datatype, where);

    private static double[] Ranged(IEnumerable<long> values, long min, long max, string datatype, string where)
    {
        var result = new List<double>();
        foreach (var value in values)
        {
            result.Add(value >= min && value <= max ? value
                : throw GyreException.Invalid($"{where}.contents[{result.Count}]: a {datatype} tensor cannot hold {value}; expected an integer that fits {datatype}"));
        }
        return [.. result];
    }

    private static TensorData Raw(ByteString bytes, string datatype, string where)
    {
        var span = bytes.Span;
        if (datatype == "BYTES")
        {
            var texts = new List<string?>();
            while (span.Length > 0)
            {
                if (span.Length < 4 || BinaryPrimitives.ReadUInt32LittleEndian(span) is var length && length > span.Length - 4)
                {
                    throw GyreException.Invalid($"{where}: element {texts.Count} runs past the end; each BYTES element is a 4-byte little-endian length and then its bytes");
                }
                texts.Add(Utf8(span.Slice(4, (int)length), $"{where}[{texts.Count}]"));
                span = span[(4 + (int)length)..];
            }
            return ArrayTensorData.Texts("raw_input_contents", [.. texts]);
        }
        var size = datatype switch
        {
            "BOOL" or "INT8" or "UINT8" => 1,
            "INT16" or "UINT16" or "FP16" => 2,
            "INT32" or "UINT32" or "FP32" => 4,
            "INT64" or "UINT64" or "FP64" => 8,
            _ => throw GyreException.Invalid($"{where}: expected an Open Inference Protocol datatype for its input, got '{datatype}'"),
        };
        if (span.Length % size != 0)
        {
            throw GyreException.Invalid($"{where}: {span.Length} bytes is not a whole number of {datatype} values ({size} bytes each)");
        }
        var values = new double[span.Length / size];
        for (var k = 0; k < values.Length; k++)
        {
            var at = span.Slice(k * size, size);
            values[k] = datatype switch
            {
                "BOOL" => at[0] != 0 ? 1 : 0,
                "INT8" => (sbyte)at[0],
                "UINT8" => at[0],
                "INT16" => BinaryPrimitives.ReadInt16LittleEndian(at),
                "UINT16" => BinaryPrimitives.ReadUInt16LittleEndian(at),
                "FP16" => (double)BinaryPrimitives.ReadHalfLittleEndian(at),
                "INT32" => BinaryPrimitives.ReadInt32LittleEndian(at),
                "UINT32" => BinaryPrimitives.ReadUInt32LittleEndian(at),
                "FP32" => BinaryPrimitives.ReadSingleLittleEndian(at),
                "INT64" => BinaryPrimitives.ReadInt64LittleEndian(at),
                "UINT64" => BinaryPrimitives.ReadUInt64LittleEndian(at),
                _ => BinaryPrimitives.ReadDoubleLittleEndian(at),
            };
        }
        return ArrayTensorData.Numbers("raw_input_contents", datatype, values);
    }

    private static string Utf8(ReadOnlySpan<byte> bytes, string where)
    {
        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw GyreException.Invalid($"{where}: not valid UTF-8; a BYTES value for a text column is UTF-8 text");
        }
    }
}
