using Microsoft.ML.OnnxRuntime;
using OrtAdapter.Onnx;
using OrtAdapter.Onnx.Protobuf;

namespace OrtAdapter.Build.Tests.Surgery;

/// <summary>Runs graphs on ONNX Runtime's CPU provider, single-threaded, on a fixed padded batch.</summary>
static class SurgeryOrt
{
    public const int Batch = 2, Sequence = 8;

    /// <summary>Runs <paramref name="graph"/> on the fixed batch, feeding <paramref name="masks"/> (float: 0 or 1/(1-p)) to dropout mask inputs; returns every float output.</summary>
    public static Dictionary<string, float[]> Run(OnnxGraph graph, IReadOnlyDictionary<string, byte[]>? masks = null)
    {
        using var options = new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1 };
        using var session = new InferenceSession(ModelFile.ToBytes(graph.Model), options);
        var feeds = new List<OrtValue>();
        try
        {
            foreach (var name in session.InputNames) feeds.Add(Feed(name, session.InputMetadata[name], masks));
            using var run = new RunOptions();
            using var outputs = session.Run(run, session.InputNames, feeds, session.OutputNames);
            return session.OutputNames.Zip(outputs).ToDictionary(p => p.First, p => p.Second.GetTensorDataAsSpan<float>().ToArray());
        }
        finally
        {
            foreach (var f in feeds) f.Dispose();
        }
    }

    /// <summary>The concrete shape of a mask for the fixed batch (batch_size = 2, sequence_length = 8).</summary>
    public static long[] Shape(string[] dims) => [.. dims.Select(d => d switch
    {
        "batch_size" => (long)Batch,
        "sequence_length" => Sequence,
        _ => long.Parse(d, System.Globalization.CultureInfo.InvariantCulture),
    })];

    static OrtValue Feed(string name, NodeMetadata meta, IReadOnlyDictionary<string, byte[]>? masks)
    {
        long[] shape = [Batch, Sequence];
        switch (name)
        {
            // Row 0 is padded after 5 tokens, row 1 is full and uses both token types.
            case "input_ids": return OrtValue.CreateTensorValueFromMemory(new long[] { 101, 2023, 2003, 1037, 102, 0, 0, 0, 101, 7592, 2088, 102, 2000, 3000, 4000, 102 }, shape);
            case "attention_mask": return OrtValue.CreateTensorValueFromMemory(new long[] { 1, 1, 1, 1, 1, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1 }, shape);
            case "token_type_ids": return OrtValue.CreateTensorValueFromMemory(new long[] { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1 }, shape);
        }
        if (masks is not null && masks.TryGetValue(name, out var mask))
        {
            var dims = meta.Dimensions.Select((d, i) => d > 0 ? (long)d : meta.SymbolicDimensions[i] == "batch_size" ? Batch : Sequence).ToArray();
            return OrtValue.CreateTensorValueFromMemory(mask, dims);
        }
        throw new InvalidOperationException($"No feed for input '{name}'.");
    }

    /// <summary>Adds a graph output for an inner value (float, shape left to ORT).</summary>
    public static void Expose(OnnxGraph graph, string value) =>
        graph.Proto.Output.Add(new ValueInfoProto { Name = value, Type = new TensorType(1, null).ToTypeProto() });

    public static double MaxDifference(float[] a, float[] b)
    {
        Assert.HasCount(a.Length, b);
        double max = 0;
        for (int i = 0; i < a.Length; i++) max = Math.Max(max, Math.Abs(a[i] - (double)b[i]) / Math.Max(1.0, Math.Abs((double)b[i])));
        return max;
    }

    /// <summary>Replaces an initializer's values with Normal(0, std²) values (same element type and shape).</summary>
    public static void Randomize(OnnxGraph graph, string name, double std, int seed)
    {
        var t = graph.Initializer(name) ?? throw new InvalidOperationException($"No initializer '{name}'.");
        var rng = new Random(seed);
        var values = new float[TensorData.ElementCount(t.Dims)];
        for (int i = 0; i < values.Length; i++) values[i] = (float)(std * Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble()));
        t.RawData = TensorData.FromFloats(name, values, [.. t.Dims]).RawData;
        t.FloatData.Clear();
    }
}
