using OrtAdapter.Onnx;
using OrtAdapter.Onnx.Protobuf;

namespace OrtAdapter.Training.Runtime;

/// <summary>Small helper graphs the runtime builds for itself (never written to disk): a new opset-17 model and its values.</summary>
static class RuntimeModel
{
    public const int Opset = 17;

    public static OnnxGraph Create(string name)
    {
        var model = new ModelProto { IrVersion = 8, ProducerName = "OrtAdapter", Graph = new GraphProto { Name = name } };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = Opset });
        return new OnnxGraph(model);
    }

    /// <summary>A graph input or output of the given element type; <paramref name="shape"/> null leaves the rank open.</summary>
    public static ValueInfoProto Value(string name, int elemType, IReadOnlyList<Dim>? shape) =>
        new() { Name = name, Type = new TensorType(elemType, shape).ToTypeProto() };
}
