using OrtAdapter.Onnx.Protobuf;
using DataType = OrtAdapter.Onnx.Protobuf.TensorProto.Types.DataType;

namespace OrtAdapter.Bench.Encoders;

/// <summary>
/// A randomly initialised BERT encoder laid out exactly as PyTorch 2.6 <c>torch.onnx.export</c> writes HuggingFace
/// BertModel: same nodes in the same order, same node, value and initializer names, same attributes and constants,
/// inputs input_ids/attention_mask/token_type_ids (int64 [batch_size, sequence_length]) and outputs
/// last_hidden_state [batch_size, sequence_length, hidden] and pooler_output [batch_size, hidden]. Only the weight
/// values (and the producer fields) differ, so benchmarks and structural tests can run without the exported file.
/// </summary>
public static class SyntheticEncoder
{
    /// <summary>producer_name of generated models (an export says "pytorch").</summary>
    public const string ProducerName = "OrtAdapter.SyntheticEncoder";

    /// <summary>Builds the model; the same options give a byte-identical model.</summary>
    public static ModelProto Create(SyntheticEncoderOptions? options = null)
    {
        options ??= new SyntheticEncoderOptions();
        options.Validate();
        var numbering = new TorchExportNumbering(options.Layers, fusedLayerNorm: options.Opset >= 17);
        var graph = new GraphProto { Name = "main_graph" };
        var model = new ModelProto
        {
            IrVersion = options.Opset >= 15 ? 8 : 7, // the IR version ONNX pairs with the opset, as torch writes it
            ProducerName = ProducerName,
            ProducerVersion = "1",
            DocString = $"Random-weight BertModel in the layout of a PyTorch 2.6 torch.onnx.export ({options}).",
            Graph = graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Version = options.Opset });

        // Named parameters in state-dict order, then the pre-transposed Linear weights, as the exporter lists them.
        var parameters = BertParameters.StateDict(options, numbering);
        var tensors = parameters.Where(p => p.MatMulName is null).Concat(parameters.Where(p => p.MatMulName is not null))
            .Select(p => BertParameters.Create(p, options));
        var (kept, aliases) = options.DeduplicateInitializers
            ? InitializerDeduplication.Apply(tensors)
            : (tensors.ToList(), []);
        graph.Initializer.AddRange(kept);

        var writer = new ExportNodeWriter(graph);
        for (int i = aliases.Count - 1; i >= 0; i--) writer.LooseIdentity(aliases[i].Target, aliases[i].Alias);
        BertExportGraph.Emit(writer, options, numbering);
        writer.NameLooseNodes();

        foreach (var name in (string[])["input_ids", "attention_mask", "token_type_ids"])
            graph.Input.Add(Value(name, DataType.Int64, "batch_size", "sequence_length"));
        graph.Output.Add(Value("last_hidden_state", DataType.Float, "batch_size", "sequence_length", options.Hidden));
        graph.Output.Add(Value("pooler_output", DataType.Float, "batch_size", options.Hidden));
        return model;
    }

    /// <summary>A tensor value whose dims are symbolic (string) or fixed (int).</summary>
    static ValueInfoProto Value(string name, DataType type, params object[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (var d in dims)
            shape.Dim.Add(d is string symbol ? new TensorShapeProto.Types.Dimension { DimParam = symbol }
                : new TensorShapeProto.Types.Dimension { DimValue = (int)d });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } },
        };
    }
}
