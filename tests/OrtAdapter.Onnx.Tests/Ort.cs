using Microsoft.ML.OnnxRuntime;
using OrtAdapter.Onnx;
using OrtAdapter.Onnx.Protobuf;

namespace OrtAdapter.Onnx.Tests;

/// <summary>Runs models on ONNX Runtime's CPU provider, single-threaded so results are reproducible bit for bit.</summary>
internal static class Ort
{
    static SessionOptions Options() => new() { IntraOpNumThreads = 1, InterOpNumThreads = 1, GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };

    public static Dictionary<string, float[]> Run(ModelProto model, IReadOnlyDictionary<string, OrtValue> inputs)
    {
        using var options = Options();
        using var session = new InferenceSession(ModelFile.ToBytes(model), options);
        return Run(session, inputs);
    }

    public static Dictionary<string, float[]> Run(string path, IReadOnlyDictionary<string, OrtValue> inputs)
    {
        using var options = Options();
        using var session = new InferenceSession(path, options);
        return Run(session, inputs);
    }

    static Dictionary<string, float[]> Run(InferenceSession session, IReadOnlyDictionary<string, OrtValue> inputs)
    {
        var names = session.InputNames.ToList();
        using var runOptions = new RunOptions();
        using var outputs = session.Run(runOptions, names, names.Select(n => inputs[n]).ToList(), session.OutputNames);
        return session.OutputNames.Zip(outputs).ToDictionary(p => p.First, p => p.Second.GetTensorDataAsSpan<float>().ToArray());
    }


    /// <summary>
    /// A fixed tokenized batch of 2 x 8 for the BERT-style models: [CLS] w w w [SEP] then padding in row 0,
    /// a full row 1; token types 0/1 in row 1.
    /// </summary>
    public static OrtInputs BertBatch()
    {
        long[] ids = [101, 2023, 2003, 1037, 102, 0, 0, 0, 101, 7592, 2088, 102, 2000, 3000, 4000, 102];
        long[] mask = [1, 1, 1, 1, 1, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1];
        long[] types = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1];
        for (int i = 0; i < ids.Length; i++) ids[i] %= 8010; // inside the 8,010-token vocabulary
        long[] shape = [2, 8];
        return new OrtInputs
        {
            ["input_ids"] = OrtValue.CreateTensorValueFromMemory(ids, shape),
            ["attention_mask"] = OrtValue.CreateTensorValueFromMemory(mask, shape),
            ["token_type_ids"] = OrtValue.CreateTensorValueFromMemory(types, shape),
        };
    }

    public static void AssertBitIdentical(Dictionary<string, float[]> expected, Dictionary<string, float[]> actual)
    {
        CollectionAssert.AreEquivalent(expected.Keys.ToList(), actual.Keys.ToList());
        foreach (var (name, e) in expected)
        {
            var a = actual[name];
            Assert.HasCount(e.Length, a, $"output '{name}' length");
            for (int i = 0; i < e.Length; i++)
                Assert.AreEqual(BitConverter.SingleToInt32Bits(e[i]), BitConverter.SingleToInt32Bits(a[i]), $"output '{name}'[{i}]: {e[i]} vs {a[i]}");
        }
    }
}

/// <summary>Named inputs for a run; disposing releases the native values.</summary>
internal sealed class OrtInputs : Dictionary<string, OrtValue>, IDisposable
{
    public OrtInputs() : base(StringComparer.Ordinal) { }

    public OrtInputs Floats(string name, float[] values, params long[] shape)
    {
        Add(name, OrtValue.CreateTensorValueFromMemory(values, shape));
        return this;
    }

    public void Dispose()
    {
        foreach (var v in Values) v.Dispose();
    }
}
