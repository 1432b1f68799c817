using System.Text.Json;
using OrtAdapter.Inference.Classification;
using OrtAdapter.Onnx;
using OrtAdapter.Onnx.Protobuf;
using DataType = OrtAdapter.Onnx.Protobuf.TensorProto.Types.DataType;

namespace OrtAdapter.Inference.Tests;

/// <summary>
/// Makes an export-shaped model until <c>ortadapter export</c> writes real ones: bert-mini-uncased (opset 17) with a mean
/// pool, a random linear head and a softmax appended, outputs <c>logits</c>, <c>probabilities</c> (and <c>pooled</c>),
/// and the metadata <see cref="TextClassifier"/> reads.
/// </summary>
internal static class ExportedTestModel
{
    public static readonly string[] Labels = ["negative", "neutral", "positive"];

    public const int MaxLength = 64;

    /// <summary>How the tokenizer travels with the model.</summary>
    public enum TokenizerPlacement
    {
        /// <summary>vocab.txt and tokenizer_config.json contents in metadata keys.</summary>
        Embedded,

        /// <summary>The files beside the model, listed in the metadata.</summary>
        Beside,

        /// <summary>No tokenizer at all.</summary>
        None,
    }

    /// <summary>Writes the model to <paramref name="path"/>; <paramref name="editMetadata"/> may change the metadata first.</summary>
    public static string Write(string path, TokenizerPlacement tokenizer = TokenizerPlacement.Embedded, bool withPooled = true,
        Action<Dictionary<string, string>>? editMetadata = null)
    {
        var graph = OnnxGraph.Load(Path.Combine(RepoPaths.BertMiniUncased, "model_opset17.onnx"));
        var b = new OpBuilder(graph, "test_head");
        const int hidden = 256;
        int elem = (int)DataType.Float;

        // pooled = sum_s(h * m) / max(sum_s(m), eps); logits = pooled W + b; probabilities = softmax(logits).
        var mask = b.Unsqueeze(b.Cast("attention_mask", elem), 2);
        var sum = b.ReduceSum(b.Mul("last_hidden_state", mask), [1], keepDims: false);
        var count = b.Clip(b.ReduceSum(mask, [1], keepDims: false), b.Scalar(1e-9, elem), "");
        Named(graph, OpTypes.Div, [sum, count], TextClassifier.PooledOutput);
        var rng = new Random(1234);
        // Weights large enough that the three probabilities differ clearly from one sentence to the next.
        var w = Enumerable.Range(0, hidden * Labels.Length).Select(_ => (float)(rng.NextDouble() * 2 - 1) * 0.6f).ToArray();
        var weight = b.Constant(TensorData.FromFloats("", w, hidden, Labels.Length));
        var bias = b.Constant(TensorData.FromFloats("", [0.1f, -0.2f, 0.05f], Labels.Length));
        var logits = Named(graph, OpTypes.Add, [b.MatMul(TextClassifier.PooledOutput, weight), bias], TextClassifier.LogitsOutput);
        Named(graph, OpTypes.Softmax, [logits], TextClassifier.ProbabilitiesOutput, Attr.Int("axis", 1));

        graph.Proto.Output.Clear();
        Output(graph, TextClassifier.LogitsOutput, Labels.Length);
        Output(graph, TextClassifier.ProbabilitiesOutput, Labels.Length);
        if (withPooled) Output(graph, TextClassifier.PooledOutput, hidden);
        graph.CleanupAndSort();

        var metadata = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [ExportMetadataKeys.Labels] = JsonSerializer.Serialize(Labels),
            [ExportMetadataKeys.Task] = "single-label",
            [ExportMetadataKeys.MaxLength] = MaxLength.ToString(System.Globalization.CultureInfo.InvariantCulture),
            [ExportMetadataKeys.LowerCase] = "true",
        };
        string[] tokenizerFiles = ["vocab.txt", "tokenizer_config.json"];
        if (tokenizer == TokenizerPlacement.Embedded)
        {
            foreach (var f in tokenizerFiles)
                metadata[ExportMetadataKeys.TokenizerFilePrefix + f] = File.ReadAllText(Path.Combine(RepoPaths.BertMiniUncased, f));
        }
        else if (tokenizer == TokenizerPlacement.Beside)
        {
            metadata[ExportMetadataKeys.TokenizerFiles] = JsonSerializer.Serialize(tokenizerFiles);
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            foreach (var f in tokenizerFiles)
                File.Copy(Path.Combine(RepoPaths.BertMiniUncased, f), Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, f), overwrite: true);
        }
        editMetadata?.Invoke(metadata);
        graph.Model.MetadataProps.Clear();
        foreach (var (key, value) in metadata.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            graph.Model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        ModelFile.Save(graph.Model, path);
        return path;
    }

    private static string Named(OnnxGraph graph, string opType, string[] inputs, string output, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = opType, Name = graph.UniqueName($"test_head/{opType}") };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        node.Attribute.AddRange(attributes);
        graph.AddNode(node);
        return output;
    }

    private static void Output(OnnxGraph graph, string name, int width) =>
        graph.Proto.Output.Add(new ValueInfoProto
        {
            Name = name,
            Type = new TensorType((int)DataType.Float, [Dim.Named("batch_size"), Dim.Of(width)]).ToTypeProto(),
        });
}
