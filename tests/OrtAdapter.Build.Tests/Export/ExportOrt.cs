using Microsoft.ML.OnnxRuntime;
using OrtAdapter.Build.Checkpoints;

namespace OrtAdapter.Build.Tests.Export;

/// <summary>Runs the eval graph and exported models on ONNX Runtime's CPU provider on fixed token batches.</summary>
static class ExportOrt
{
    /// <summary>A token batch: ids, mask and token types, [Batch, Sequence].</summary>
    public sealed record Tokens(long[] Ids, long[] Mask, long[] Types, int Batch, int Sequence);

    /// <summary>Two hand-made rows: one padded after 5 tokens, one full using both token types.</summary>
    public static Tokens Fixed { get; } = new(
        [101, 2023, 2003, 1037, 102, 0, 0, 0, 101, 7592, 2088, 102, 2000, 3000, 4000, 102],
        [1, 1, 1, 1, 1, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1],
        [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1], 2, 8);

    /// <summary><paramref name="batch"/> rows of random vocabulary ids, each [CLS] ... [SEP] then padding to a random length.</summary>
    public static Tokens Random(int batch, int sequence, int seed)
    {
        var rng = new Random(seed);
        long[] ids = new long[batch * sequence], mask = new long[batch * sequence], types = new long[batch * sequence];
        for (int b = 0; b < batch; b++)
        {
            int length = b == 0 ? sequence : rng.Next(3, sequence + 1);
            for (int s = 0; s < length; s++)
            {
                ids[b * sequence + s] = s == 0 ? 2 : s == length - 1 ? 3 : rng.Next(5, 8010);
                mask[b * sequence + s] = 1;
            }
        }
        return new Tokens(ids, mask, types, batch, sequence);
    }

    /// <summary>
    /// max |logits of the lean model - logits of the eval graph fed the trained tensors|, on the fixed batch and on 16
    /// random rows of up to 48 tokens: how a merging or folding export is checked against what was trained.
    /// </summary>
    public static IEnumerable<(Tokens Tokens, double Difference)> LogitsAgainstEval(string model, string evalModel, IReadOnlyDictionary<string, SafeTensor> tensors)
    {
        foreach (var tokens in new[] { Fixed, Random(16, 48, seed: 9) })
            yield return (tokens, MaxAbsDifference(Run(model, tokens)["logits"], Run(evalModel, tokens, tensors)["logits"]));
    }

    /// <summary>Runs a model file; extra feeds (trainable tensors, labels, loss weights) go to inputs of those names.</summary>
    public static Dictionary<string, float[]> Run(string model, Tokens tokens, IReadOnlyDictionary<string, SafeTensor>? tensors = null)
    {
        using var options = new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1 };
        using var session = new InferenceSession(model, options);
        var feeds = new List<OrtValue>();
        try
        {
            long[] shape = [tokens.Batch, tokens.Sequence];
            foreach (var name in session.InputNames)
            {
                feeds.Add(name switch
                {
                    "input_ids" => OrtValue.CreateTensorValueFromMemory(tokens.Ids, shape),
                    "attention_mask" => OrtValue.CreateTensorValueFromMemory(tokens.Mask, shape),
                    "token_type_ids" => OrtValue.CreateTensorValueFromMemory(tokens.Types, shape),
                    "labels" => OrtValue.CreateTensorValueFromMemory(Enumerable.Range(0, tokens.Batch).Select(i => (long)(i % 2)).ToArray(), [tokens.Batch]),
                    _ when name.StartsWith("loss_weight", StringComparison.Ordinal) => OrtValue.CreateTensorValueFromMemory(new[] { 0.5f }, []),
                    _ when tensors is not null && tensors.TryGetValue(name, out var t) => OrtValue.CreateTensorValueFromMemory(t.ToArray<float>(), [.. t.Shape]),
                    _ => throw new InvalidOperationException($"No feed for input '{name}'."),
                });
            }
            using var run = new RunOptions();
            using var outputs = session.Run(run, session.InputNames, feeds, session.OutputNames);
            return session.OutputNames.Zip(outputs).ToDictionary(p => p.First, p => p.Second.GetTensorDataAsSpan<float>().ToArray());
        }
        finally
        {
            foreach (var f in feeds) f.Dispose();
        }
    }

    public static double MaxAbsDifference(float[] a, float[] b)
    {
        Assert.HasCount(a.Length, b);
        double max = 0;
        for (int i = 0; i < a.Length; i++) max = Math.Max(max, Math.Abs(a[i] - (double)b[i]));
        return max;
    }

    /// <summary>Row-wise argmax of [rows, classes] values.</summary>
    public static int[] ArgMax(float[] values, int classes) =>
        Enumerable.Range(0, values.Length / classes).Select(r => Enumerable.Range(0, classes).MaxBy(c => values[r * classes + c])).ToArray();
}
