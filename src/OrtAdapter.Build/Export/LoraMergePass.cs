using OrtAdapter.Onnx;
using OrtAdapter.Onnx.Protobuf;

namespace OrtAdapter.Build.Export;

/// <summary>
/// Merges LoRA branches into the weights they adapt: finds <c>Add(linear(x), [Mul](MatMul(MatMul(x, A), B), s))</c>
/// by structure (A [In, r], B [r, Out], s a scalar constant, the linear layer <c>MatMul(x, W) [+ b]</c> reading
/// the same x), stores <c>W' = W + s·A·B</c> (computed in double) and drops the branch. Run after
/// <see cref="IdentityEliminationPass"/>, so the branch's input Identity is gone.
/// </summary>
public static class LoraMergePass
{
    /// <summary>Returns how many branches were merged.</summary>
    public static int Apply(OnnxGraph graph)
    {
        int merged = 0;
        foreach (var add in graph.Nodes.Where(n => n.OpType == OpTypes.Add && n.Domain.Length == 0).ToList())
        {
            for (int side = 0; side < 2; side++)
            {
                if (Match(graph, add.Input[side], add.Input[1 - side]) is not { } m) continue;
                Merge(graph, m);
                graph.ReplaceAllUses(add.Output[0], add.Input[side]);
                merged++;
                break;
            }
        }
        graph.CleanupAndSort();
        return merged;
    }

    sealed record Branch(NodeProto LinearMatMul, TensorProto W, TensorProto A, TensorProto B, double Scale);

    static Branch? Match(OnnxGraph g, string linearOut, string update)
    {
        // The update: [Mul(s)] after MatMul(MatMul(x, A), B), every intermediate read only by the branch.
        double scale = 1;
        var node = g.Producer(update);
        if (node is { OpType: OpTypes.Mul } mul && g.Consumers(update).Count == 1)
        {
            int c = Array.FindIndex(mul.Input.ToArray(), i => GraphConstants.ScalarValue(g, i) is not null);
            if (c < 0) return null;
            scale = GraphConstants.ScalarValue(g, mul.Input[c])!.Value;
            update = mul.Input[1 - c];
            node = g.Producer(update);
        }
        if (node is not { OpType: OpTypes.MatMul } mmB || g.Consumers(mmB.Output[0]).Count != 1) return null;
        var mmA = g.Producer(mmB.Input[0]);
        if (mmA is not { OpType: OpTypes.MatMul } || g.Consumers(mmA.Output[0]).Count != 1) return null;
        if (g.Initializer(mmA.Input[1]) is not { Dims.Count: 2 } a || g.Initializer(mmB.Input[1]) is not { Dims.Count: 2 } b) return null;
        var x = mmA.Input[0];

        // The linear layer reading the same x: MatMul(x, W), optionally + bias.
        var linear = g.Producer(linearOut);
        if (linear is { OpType: OpTypes.Add })
            linear = linear.Input.Select(g.Producer).FirstOrDefault(p => p is { OpType: OpTypes.MatMul } && p.Input[0] == x);
        if (linear is not { OpType: OpTypes.MatMul } || linear.Input[0] != x) return null;
        if (g.Initializer(linear.Input[1]) is not { Dims.Count: 2 } w) return null;
        if (a.Dims[0] != w.Dims[0] || b.Dims[1] != w.Dims[1] || a.Dims[1] != b.Dims[0]) return null;
        if (!DataTypes.IsFloat(w.DataType) || w.DataType != a.DataType || w.DataType != b.DataType) return null;
        return new Branch(linear, w, a, b, scale);
    }

    static void Merge(OnnxGraph g, Branch m)
    {
        var w = TensorData.ToDoublesConverting(m.W);
        var a = TensorData.ToDoublesConverting(m.A);
        var b = TensorData.ToDoublesConverting(m.B);
        int rows = (int)m.W.Dims[0], cols = (int)m.W.Dims[1], rank = (int)m.A.Dims[1];
        for (int i = 0; i < rows; i++)
            for (int k = 0; k < rank; k++)
            {
                var aik = m.Scale * a[i * rank + k];
                for (int j = 0; j < cols; j++) w[i * cols + j] += aik * b[k * cols + j];
            }
        WeightRewrite.Set(g, m.LinearMatMul, 1, m.W, w, ".lora_merged");
    }
}
