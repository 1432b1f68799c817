using OrtAdapter.Onnx.Protobuf;

namespace OrtAdapter.Bench.Encoders;

/// <summary>
/// torch.onnx.export's initializer de-duplication: a tensor equal in type, shape and bytes to an earlier one is
/// dropped and its name becomes an Identity of the earlier one. The Identity nodes open the graph, last alias first.
/// </summary>
static class InitializerDeduplication
{
    /// <summary>The tensors to keep (in order) and the aliases (name, kept name) in order of appearance.</summary>
    public static (List<TensorProto> Kept, List<(string Alias, string Target)> Aliases) Apply(IEnumerable<TensorProto> tensors)
    {
        var kept = new List<TensorProto>();
        var aliases = new List<(string, string)>();
        foreach (var t in tensors)
        {
            var twin = kept.FirstOrDefault(k => k.DataType == t.DataType && k.Dims.Equals(t.Dims) && k.RawData.Equals(t.RawData));
            if (twin is null) kept.Add(t);
            else aliases.Add((t.Name, twin.Name));
        }
        return (kept, aliases);
    }
}
