using OrtAdapter.Build.Checkpoints;
using OrtAdapter.Onnx;

namespace OrtAdapter.Build.Export;

/// <summary>
/// Turns the eval graph's trainable inputs (adapter and head tensors, fed by the trainer) back into initializers
/// holding trained values, so the model needs only the text inputs.
/// </summary>
public sealed class BindTrainableTensorsPass(IReadOnlyDictionary<string, SafeTensor> tensors, string origin)
{
    public void Apply(OnnxGraph graph, IReadOnlyList<string> trainable)
    {
        foreach (var name in trainable)
        {
            var input = graph.Proto.Input.FirstOrDefault(i => i.Name == name)
                ?? throw new ExportException($"The eval graph has no input '{name}' for the trainable tensor of that name.");
            if (!tensors.TryGetValue(name, out var tensor))
                throw new ExportException($"{origin}: has no tensor '{name}', which the model needs.");
            var onnx = tensor.ToOnnx(name);
            var declared = TensorType.From(input.Type);
            if (declared is not null && (declared.ElemType != onnx.DataType
                || declared.Shape is { } shape && (shape.Count != onnx.Dims.Count || shape.Where((d, i) => d.Value is { } v && v != onnx.Dims[i]).Any())))
                throw new ExportException($"{origin}: tensor '{name}' is {DataTypes.Name(onnx.DataType)}[{string.Join(", ", onnx.Dims)}], the model expects {declared}.");
            graph.Proto.Input.Remove(input);
            graph.Invalidate();
            graph.AddInitializer(onnx);
        }
        graph.CleanupAndSort();
    }
}
