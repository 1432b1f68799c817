using OrtAdapter.Onnx;
using OrtAdapter.Onnx.Protobuf;
using DataType = OrtAdapter.Onnx.Protobuf.TensorProto.Types.DataType;

namespace OrtAdapter.Onnx.Tests;

/// <summary>Hand-built models for edit tests.</summary>
internal static class SmallGraphs
{
    /// <summary>An empty model at an opset (IR 8), wrapped in a graph view.</summary>
    public static OnnxGraph Empty(int opset = 17)
    {
        var model = new ModelProto { IrVersion = 8, ProducerName = "OrtAdapter.Onnx.Tests", Graph = new GraphProto { Name = "test" } };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = opset });
        return new OnnxGraph(model);
    }

    public static void Input(OnnxGraph g, string name, params long[] dims) =>
        g.Proto.Input.Add(Value(name, DataType.Float, dims));

    public static void Output(OnnxGraph g, string name, params long[] dims) =>
        g.Proto.Output.Add(Value(name, DataType.Float, dims));

    public static ValueInfoProto Value(string name, DataType type, params long[] dims) =>
        new() { Name = name, Type = new TensorType((int)type, dims.Select(Dim.Of).ToList()).ToTypeProto() };

    /// <summary>Sequential values 0.1 * (i - n/2), so signs differ.</summary>
    public static float[] Ramp(int n) => Enumerable.Range(0, n).Select(i => 0.1f * (i - n / 2)).ToArray();
}
