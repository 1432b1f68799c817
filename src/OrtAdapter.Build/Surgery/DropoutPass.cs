using OrtAdapter.Onnx;
using OrtAdapter.Onnx.Protobuf;
using DataType = OrtAdapter.Onnx.Protobuf.TensorProto.Types.DataType;

namespace OrtAdapter.Build.Surgery;

/// <summary>
/// Inserts dropout into a TRAINING graph at BERT's sites: the embeddings after their layer norm, the attention
/// probabilities, and each sublayer's output projection before the residual add (and before any adapter:
/// <c>LayerNorm(x + adapter(dropout(proj)))</c>), plus extra points such as LoRA inputs. Masks are fed, not drawn:
/// each site reads a uint8 input <c>dropout_mask.&lt;k&gt;</c> of the value's shape, 0 (dropped) or 1 (kept), and
/// computes <c>x · DequantizeLinear(mask, 1/(1-p))</c> (for float32 values; <c>x · Cast(mask) · 1/(1-p)</c> for
/// others), so a trainer generating masks from (seed, step) makes runs reproducible. One byte per element instead of
/// four: a W1 step's masks are 58 MB instead of 233 MB, and the float mask exists only while a Mul reads it (the
/// backward dequantizes again, see Rematerialization). A bool mask with Where was 20 % of a step in ONNX Runtime.
/// Sites at rate 0 are left out. Eval graphs and exports never get this pass.
/// </summary>
public sealed class DropoutPass(DropoutOptions? options = null)
{
    public DropoutOptions Options { get; } = options ?? new();

    public IReadOnlyList<DropoutSite> Apply(OnnxGraph graph, EncoderStructure structure, IEnumerable<DropoutPoint>? extraPoints = null)
    {
        DropoutOptions.CheckRate(Options.HiddenRate, nameof(Options.HiddenRate));
        DropoutOptions.CheckRate(Options.AttentionRate, nameof(Options.AttentionRate));
        var points = new List<DropoutPoint> { new(structure.Embeddings.Output, Options.HiddenRate) };
        foreach (var b in structure.Blocks)
        {
            points.Add(new(b.AttentionProbs, Options.AttentionRate));
            points.Add(new(b.Attention.Projection.Output, Options.HiddenRate));
            points.Add(new(b.Ffn.Projection.Output, Options.HiddenRate));
        }
        foreach (var p in extraPoints ?? [])
        {
            DropoutOptions.CheckRate(p.Rate, $"of point '{p.Value}'");
            points.Add(p);
        }
        points.RemoveAll(p => p.Rate == 0);
        if (points.Count == 0) return [];

        // Shapes before any edit: every site value keeps its shape through the pass.
        var types = ShapeInference.Infer(graph);
        var sites = points.Select((p, k) => Insert(graph, p, k, types)).ToList();
        graph.CleanupAndSort();
        return sites;
    }

    /// <summary>
    /// <c>value · mask / (1 - rate)</c> for a uint8 mask (1 = kept): DequantizeLinear gives the scaled float mask in
    /// one op (float32 values, opset 10+), else Cast and Mul. The scale is 1/(1-rate) in float32 as the trainers take it.
    /// </summary>
    public static string ApplyMask(OpBuilder b, string value, string mask, float rate, int elemType)
    {
        var scale = 1.0 / (1.0 - rate);
        var factor = elemType == (int)DataType.Float && b.Opset >= 10
            ? b.Op(OpTypes.DequantizeLinear, [mask, b.Scalar((float)scale, elemType)])
            : b.Mul(b.Cast(mask, elemType), b.Scalar(scale, elemType));
        return b.Mul(value, factor);
    }

    static DropoutSite Insert(OnnxGraph g, DropoutPoint point, int k, Dictionary<string, TensorType> types)
    {
        if (!g.IsDefined(point.Value)) throw new InvalidOperationException($"Dropout point '{point.Value}' is not a value of the graph.");
        if (!types.TryGetValue(point.Value, out var type) || type.Shape is null)
            throw new InvalidOperationException($"Dropout site '{point.Value}': its rank is unknown, so the shape of its mask cannot be declared.");
        if (!DataTypes.IsFloat(type.ElemType))
            throw new InvalidOperationException($"Dropout site '{point.Value}' holds {DataTypes.Name(type.ElemType)}, not a floating type.");
        var dims = type.Shape.Select((d, i) => d.Value?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? d.Param
            ?? throw new InvalidOperationException($"Dropout site '{point.Value}': dim {i} of {type} is unknown, so the mask's shape cannot be declared.")).ToArray();

        var mask = g.UniqueName($"dropout_mask.{k}");
        if (mask != $"dropout_mask.{k}") throw new InvalidOperationException($"The graph already has a value 'dropout_mask.{k}': dropout was already inserted.");
        g.Proto.Input.Add(new ValueInfoProto { Name = mask, Type = new TensorType((int)DataType.Uint8, type.Shape).ToTypeProto() });
        g.Invalidate();

        var b = new OpBuilder(g, $"dropout.{k}");
        var kept = ApplyMask(b, point.Value, mask, point.Rate, type.ElemType);
        g.ReplaceAllUses(point.Value, kept, except: g.Producer(kept));
        return new DropoutSite(mask, dims, point.Rate, point.Value);
    }
}
