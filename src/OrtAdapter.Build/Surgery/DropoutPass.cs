using OrtAdapter.Onnx;
using OrtAdapter.Onnx.Protobuf;

namespace OrtAdapter.Build.Surgery;

/// <summary>
/// Inserts dropout into a TRAINING graph at BERT's sites: the embeddings after their layer norm, the attention
/// probabilities, and each sublayer's output projection before the residual add (and before any adapter:
/// <c>LayerNorm(x + adapter(dropout(proj)))</c>), plus extra points such as LoRA inputs. Masks are fed, not drawn:
/// each site reads input <c>dropout_mask.&lt;k&gt;</c> of the value's type and shape, holding 0 (dropped) or 1/(1-p)
/// (kept), and computes <c>x·mask</c>, so a trainer generating masks from (seed, step) makes runs reproducible.
/// A float mask costs one Mul forward and one backward; a bool mask with Where was 20% of a step in ONNX Runtime.
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
        g.Proto.Input.Add(new ValueInfoProto { Name = mask, Type = new TensorType(type.ElemType, type.Shape).ToTypeProto() });
        g.Invalidate();

        var b = new OpBuilder(g, $"dropout.{k}");
        var kept = b.Mul(point.Value, mask);
        g.ReplaceAllUses(point.Value, kept, except: g.Producer(kept));
        return new DropoutSite(mask, dims, point.Rate, point.Value);
    }
}
