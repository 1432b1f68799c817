using OrtAdapter.Build.Heads;
using OrtAdapter.Build.Losses;
using OrtAdapter.Inference;
using OrtAdapter.Onnx;
using OrtAdapter.Onnx.Protobuf;
using OrtAdapter.Testing.Checking;
using DataType = OrtAdapter.Onnx.Protobuf.TensorProto.Types.DataType;

namespace OrtAdapter.Build.Tests.Losses;

/// <summary>
/// A tiny double graph for loss tests: random "logits" [B, C] and "pooled" [B, H] initializers (trainable in the
/// gradient checks), optional teacher logits / target embedding / second view, and the composer on top.
/// </summary>
sealed class LossGraph
{
    readonly Random _rng;

    public LossGraph(int batch, int classes, int hidden, int seed = 7, int opset = 17)
    {
        _rng = new Random(seed);
        Batch = batch; Classes = classes; Hidden = hidden;
        var model = new ModelProto { IrVersion = 8, Graph = new GraphProto { Name = "loss_test" } };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = opset });
        Graph = new OnnxGraph(model);
        Logits = Random(1.5, batch * classes);
        Pooled = Random(1, batch * hidden);
        Graph.AddInitializer(TensorData.FromDoubles(HeadNames.Logits, Logits, batch, classes));
        Graph.AddInitializer(TensorData.FromDoubles(HeadNames.Pooled, Pooled, batch, hidden));
    }

    public OnnxGraph Graph { get; }
    public ModelProto Model => Graph.Model;
    public int Batch { get; }
    public int Classes { get; }
    public int Hidden { get; }
    public double[] Logits { get; }
    public double[] Pooled { get; }
    public double[]? View2 { get; private set; }

    public double[] Random(double scale, int n) => [.. Enumerable.Range(0, n).Select(_ => scale * (2 * _rng.NextDouble() - 1))];

    public long[] RandomLabels() => [.. Enumerable.Range(0, Batch).Select(_ => (long)_rng.Next(Classes))];

    /// <summary>Adds a second pooled view (a trainable initializer like the first).</summary>
    public string AddView2()
    {
        View2 = Random(1, Batch * Hidden);
        Graph.AddInitializer(TensorData.FromDoubles(LossNames.PooledView2, View2, Batch, Hidden));
        return LossNames.PooledView2;
    }

    public ComposedLoss Compose(TaskKind task, params WeightedLoss[] terms) => Compose(task, null, terms);

    public ComposedLoss Compose(TaskKind task, Func<LossComposerOptions, LossComposerOptions>? adjust, params WeightedLoss[] terms)
    {
        var options = new LossComposerOptions { Task = task, Terms = terms };
        return LossComposer.Apply(Graph, adjust?.Invoke(options) ?? options);
    }

    public static TensorFeed Labels(long[] labels) => TensorFeed.Of(LossNames.Labels, labels, labels.Length);
    public TensorFeed DenseLabels(double[] values) => TensorFeed.Of(LossNames.Labels, values, Batch, Classes);
    public static TensorFeed Weight(int k, double w) => new(LossNames.Weight(k), new[] { w }, []);

    public static int Double => (int)DataType.Double;
}
