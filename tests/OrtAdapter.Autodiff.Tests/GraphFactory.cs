using OrtAdapter.Onnx;
using OrtAdapter.Onnx.Protobuf;
using DataType = OrtAdapter.Onnx.Protobuf.TensorProto.Types.DataType;

namespace OrtAdapter.Autodiff.Tests;

/// <summary>Builds small test graphs: trainable initializers with random values, fed inputs, one op under test, a scalar loss.</summary>
sealed class GraphFactory
{
    readonly Random _rng;

    public GraphFactory(int opset = 17, int seed = 1, DataType elem = DataType.Double)
    {
        _rng = new Random(seed);
        Elem = elem;
        var model = new ModelProto { IrVersion = 8, Graph = new GraphProto { Name = "test" } };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = opset });
        Graph = new OnnxGraph(model);
        B = new OpBuilder(Graph, "t");
    }

    public OnnxGraph Graph { get; }
    public OpBuilder B { get; }
    public DataType Elem { get; }
    public ModelProto Model => Graph.Model;

    /// <summary>A trainable initializer with random values in [lo, hi).</summary>
    public string Param(string name, long[] shape, double lo = -1, double hi = 1)
    {
        var n = (int)TensorData.ElementCount(shape);
        var values = Enumerable.Range(0, n).Select(_ => lo + (hi - lo) * _rng.NextDouble()).ToArray();
        Graph.AddInitializer(Elem == DataType.Double
            ? TensorData.FromDoubles(name, values, shape)
            : TensorData.FromFloats(name, values.Select(v => (float)v).ToArray(), shape));
        return name;
    }

    /// <summary>A graph input with a declared type; pass null dims for symbolic ones.</summary>
    public string Input(string name, DataType elem, params object[] dims)
    {
        var shape = dims.Select(d => d is string s ? Dim.Named(s) : Dim.Of(Convert.ToInt64(d, System.Globalization.CultureInfo.InvariantCulture))).ToList();
        Graph.Proto.Input.Add(new ValueInfoProto { Name = name, Type = new TensorType((int)elem, shape).ToTypeProto() });
        Graph.Invalidate();
        return name;
    }

    /// <summary>Loss = sum(value * fixed random weights), so every output coordinate gets a distinct gradient.</summary>
    public string WeightedSumLoss(string value, long[] shape)
    {
        var weights = Param("loss_weights_" + value.Replace('/', '_'), shape);
        var loss = B.ReduceSum(B.Mul(value, weights), [], keepDims: false);
        Graph.Proto.Output.Add(new ValueInfoProto { Name = loss, Type = new TensorType((int)Elem, []).ToTypeProto() });
        return loss;
    }

    public double[] RandomDoubles(int n, double lo = -1, double hi = 1) => Enumerable.Range(0, n).Select(_ => lo + (hi - lo) * _rng.NextDouble()).ToArray();
}
