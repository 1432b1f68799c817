using OrtAdapter.Onnx;
using OrtAdapter.Onnx.Protobuf;

namespace OrtAdapter.Autodiff;

/// <summary>
/// A gradient rule for a small subgraph rather than one node: composites such as GELU or a LayerNorm exported op by
/// op, whose closed-form gradient takes a few memory-bound passes where the node-by-node chain takes twice as many.
/// Given a candidate root (the subgraph's last node) and the inferred types, a pattern returns the match, or null.
/// </summary>
public delegate PatternMatch? GradientPattern(OnnxGraph graph, NodeProto root, IReadOnlyDictionary<string, TensorType> types);

/// <summary>A matched subgraph: the engine runs <paramref name="Rule"/> at the root and skips the interior nodes.</summary>
/// <param name="Name">What was recognised, e.g. "Gelu" (reported in <see cref="GradientResult.Fused"/>).</param>
/// <param name="Interior">The subgraph's nodes other than the root. The engine fuses only when their outputs are read by
/// nothing outside the subgraph, so no other gradient can reach them.</param>
/// <param name="Node">A node that is not in the graph and stands for the subgraph: its inputs are the values the rule
/// differentiates and the forward values it reuses, its outputs the root's; the rule sees it as <see cref="GradContext.Node"/>.</param>
/// <param name="Rule">The subgraph's gradient rule.</param>
public sealed record PatternMatch(string Name, IReadOnlyList<NodeProto> Interior, NodeProto Node, GradientRule Rule);
