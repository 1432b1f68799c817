using OrtAdapter.Testing.Checking;
using OrtAdapter.Build.Heads;
using OrtAdapter.Onnx;
using OrtAdapter.Onnx.Protobuf;
using DataType = OrtAdapter.Onnx.Protobuf.TensorProto.Types.DataType;

namespace OrtAdapter.Build.Tests.Heads;

/// <summary>
/// A tiny double "encoder" for head tests: last_hidden_state = input_embeds · enc.w ([batch, seq, H]), with a
/// trainable enc.w so gradients flow through the pooling; attention_mask int64 [batch, seq].
/// </summary>
sealed class HeadGraph
{
    readonly Random _rng = new(11);

    public HeadGraph(int batch, int seq, int hidden)
    {
        Batch = batch; Seq = seq; Hidden = hidden;
        var model = new ModelProto { IrVersion = 8, Graph = new GraphProto { Name = "head_test" } };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 17 });
        Graph = new OnnxGraph(model);
        var elem = (int)DataType.Double;
        Graph.Proto.Input.Add(new ValueInfoProto { Name = "input_embeds", Type = new TensorType(elem, [Dim.Named("batch"), Dim.Named("seq"), Dim.Of(hidden)]).ToTypeProto() });
        Graph.Proto.Input.Add(new ValueInfoProto { Name = HeadNames.AttentionMask, Type = new TensorType((int)DataType.Int64, [Dim.Named("batch"), Dim.Named("seq")]).ToTypeProto() });
        EncoderWeight = Random(hidden * hidden);
        Graph.AddInitializer(TensorData.FromDoubles("enc.w", EncoderWeight, hidden, hidden));
        Graph.AddNode(new NodeProto { OpType = OpTypes.MatMul, Name = "encoder", Input = { "input_embeds", "enc.w" }, Output = { HeadNames.HiddenState } });
        Graph.Proto.Output.Add(new ValueInfoProto { Name = HeadNames.HiddenState, Type = new TensorType(elem, [Dim.Named("batch"), Dim.Named("seq"), Dim.Of(hidden)]).ToTypeProto() });
        Embeds = Random(batch * seq * hidden);
        // Row 0 keeps 2 tokens, row 1 all, row 2 one: padding is really skipped by the mean.
        Mask = [.. Enumerable.Range(0, batch * seq).Select(i => (long)((i % seq) < new[] { 2, seq, 1 }[i / seq % 3] ? 1 : 0))];
    }

    public OnnxGraph Graph { get; }
    public int Batch { get; }
    public int Seq { get; }
    public int Hidden { get; }
    public double[] EncoderWeight { get; }
    public double[] Embeds { get; }
    public long[] Mask { get; }

    public double[] Random(int n) => [.. Enumerable.Range(0, n).Select(_ => 2 * _rng.NextDouble() - 1)];

    public List<TensorFeed> Feeds() =>
    [
        TensorFeed.Of("input_embeds", Embeds, Batch, Seq, Hidden),
        TensorFeed.Of(HeadNames.AttentionMask, Mask, Batch, Seq),
    ];

    /// <summary>The encoder output computed in C#: [batch, seq, H].</summary>
    public double[] HiddenStates()
    {
        var h = new double[Batch * Seq * Hidden];
        for (int t = 0; t < Batch * Seq; t++)
            for (int j = 0; j < Hidden; j++)
                for (int k = 0; k < Hidden; k++)
                    h[t * Hidden + j] += Embeds[t * Hidden + k] * EncoderWeight[k * Hidden + j];
        return h;
    }

    public double[] ReferencePooled(PoolingKind kind)
    {
        var h = HiddenStates();
        var pooled = new double[Batch * Hidden];
        for (int b = 0; b < Batch; b++)
        {
            double count = 0;
            for (int s = 0; s < Seq; s++)
            {
                var m = kind == PoolingKind.Cls ? (s == 0 ? 1 : 0) : Mask[b * Seq + s];
                count += m;
                for (int j = 0; j < Hidden; j++) pooled[b * Hidden + j] += m * h[(b * Seq + s) * Hidden + j];
            }
            for (int j = 0; j < Hidden; j++) pooled[b * Hidden + j] /= count;
        }
        return pooled;
    }

    /// <summary>x · W + b for x [batch, H], W [H, C], b [C].</summary>
    public static double[] Linear(double[] x, double[] w, double[] bias, int batch, int hidden)
    {
        var c = bias.Length;
        var y = new double[batch * c];
        for (int i = 0; i < batch; i++)
            for (int k = 0; k < c; k++)
            {
                y[i * c + k] = bias[k];
                for (int j = 0; j < hidden; j++) y[i * c + k] += x[i * hidden + j] * w[j * c + k];
            }
        return y;
    }
}
