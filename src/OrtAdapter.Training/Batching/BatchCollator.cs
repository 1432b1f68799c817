using OrtAdapter.Inference;
using OrtAdapter.Inference.Tokenization;
using OrtAdapter.Training.Data;

namespace OrtAdapter.Training.Batching;

/// <summary>
/// Turns example indices into <see cref="Batch"/>es. Every example is tokenized (and truncated) once, when the
/// collator is created; a batch only pads the cached ids to its longest row, so epochs never re-tokenize.
/// </summary>
public sealed class BatchCollator
{
    readonly IReadOnlyList<Example> examples;
    readonly EncodedText[] encoded;
    readonly int padId;

    BatchCollator(IReadOnlyList<Example> examples, EncodedText[] encoded, int padId, TaskKind task, int labelCount, IReadOnlyDictionary<string, int> vectorWidths)
    {
        this.examples = examples;
        this.encoded = encoded;
        this.padId = padId;
        Task = task;
        LabelCount = labelCount;
        Lengths = Array.ConvertAll(encoded, e => e.Length);
        VectorWidths = vectorWidths;
    }

    /// <summary>Tokenizes the examples and checks that each carries what <paramref name="task"/> needs.</summary>
    /// <param name="examples">The examples; batches refer to them by index.</param>
    /// <param name="tokenizer">The encoder's tokenizer.</param>
    /// <param name="task">Single-label, multi-label or regression.</param>
    /// <param name="labelCount">Number of classes (C); ignored for regression.</param>
    /// <param name="maxLength">Truncation length, special tokens included (default 128).</param>
    /// <exception cref="ArgumentException">An example lacks a target, has a label id outside 0..C-1, or has a number list
    /// (teacher logits, a target embedding) of another length than the others (or none where others have one); the message names its origin.</exception>
    public static BatchCollator Create(IReadOnlyList<Example> examples, ITextTokenizer tokenizer, TaskKind task,
        int labelCount, int maxLength = 128)
    {
        ArgumentNullException.ThrowIfNull(examples);
        ArgumentNullException.ThrowIfNull(tokenizer);
        if (task != TaskKind.Regression) ArgumentOutOfRangeException.ThrowIfLessThan(labelCount, 1);
        foreach (var example in examples) Check(example, task, labelCount);
        var inputs = examples.SelectMany(e => e.Vectors?.Keys ?? []).Distinct().Order(StringComparer.Ordinal);
        var vectorWidths = inputs.ToDictionary(input => input, input => VectorWidth(examples, e => e.Vector(input), $"'{input}'"), StringComparer.Ordinal);
        var encoded = new EncodedText[examples.Count];
        for (var i = 0; i < encoded.Length; i++) encoded[i] = tokenizer.Encode(examples[i].Text, examples[i].TextPair, maxLength);
        return new(examples, encoded, tokenizer.SpecialIds.Pad, task, task == TaskKind.Regression ? 0 : labelCount, vectorWidths);
    }

    public TaskKind Task { get; }

    /// <summary>Number of classes; 0 for regression.</summary>
    public int LabelCount { get; }

    /// <summary>The examples' number lists by graph input, with the length every example's list has.</summary>
    public IReadOnlyDictionary<string, int> VectorWidths { get; }

    /// <summary>Token length of each example after truncation, for <see cref="BatchPlan"/>.</summary>
    public IReadOnlyList<int> Lengths { get; }

    public int Count => encoded.Length;

    /// <summary>The batch of the given examples, in the given order.</summary>
    public Batch Collate(int[] indices)
    {
        ArgumentNullException.ThrowIfNull(indices);
        if (indices.Length == 0) throw new ArgumentException("A batch needs at least one example.", nameof(indices));
        var rows = indices.Length;
        var width = indices.Max(i => encoded[i].Length);
        var ids = new long[rows * width];
        var mask = new long[rows * width];
        var types = new long[rows * width];
        for (var r = 0; r < rows; r++)
        {
            var e = encoded[indices[r]];
            var offset = r * width;
            for (var t = 0; t < width; t++)
            {
                var real = t < e.Length;
                ids[offset + t] = real ? e.InputIds[t] : padId;
                mask[offset + t] = real ? 1 : 0;
                types[offset + t] = real ? e.TokenTypeIds[t] : 0;
            }
        }
        var inputs = new TokenizedBatch(ids, mask, types, rows, width);
        var batch = Task switch
        {
            TaskKind.SingleLabel => new Batch(indices, inputs, [.. indices.Select(i => (long)examples[i].LabelId)], null),
            TaskKind.MultiLabel => new Batch(indices, inputs, null, MultiHot(indices)),
            _ => new Batch(indices, inputs, null, [.. indices.Select(i => examples[i].Target!.Value)]),
        };
        return VectorWidths.Count == 0 ? batch
            : batch with { Vectors = VectorWidths.Keys.ToDictionary(input => input, input => Rows(indices, e => e.Vector(input)!), StringComparer.Ordinal) };
    }

    float[] Rows(int[] indices, Func<Example, float[]> vector) => [.. indices.SelectMany(i => vector(examples[i]))];

    /// <summary>The common length of a per-example vector, 0 when no example has one; all or none must, of one length.</summary>
    static int VectorWidth(IReadOnlyList<Example> examples, Func<Example, float[]?> vector, string what)
    {
        if (examples.Count == 0) return 0;
        var reference = examples[0];
        var width = vector(reference)?.Length ?? 0;
        string Has(int n) => n == 0 ? $"no {what}" : $"{what} of {n} values";
        foreach (var e in examples)
        {
            var length = vector(e)?.Length ?? 0;
            if (length != width)
                throw new ArgumentException($"{e.Origin}: has {Has(length)}, but {reference.Origin} has {Has(width)}; give {what} for every row or none, all of one length.", nameof(examples));
        }
        return width;
    }

    /// <summary>The batches of one epoch of <paramref name="plan"/>, from <paramref name="fromBatch"/> on.</summary>
    public IEnumerable<Batch> Batches(BatchPlan plan, int epoch, int fromBatch = 0)
    {
        ArgumentNullException.ThrowIfNull(plan);
        if (plan.ExampleCount != Count)
            throw new ArgumentException($"The plan covers {plan.ExampleCount} examples, the collator {Count}.", nameof(plan));
        return plan.Remaining(epoch, fromBatch).Select(Collate);
    }

    float[] MultiHot(int[] indices)
    {
        var hot = new float[indices.Length * LabelCount];
        for (var r = 0; r < indices.Length; r++)
        {
            foreach (var id in examples[indices[r]].LabelIds) hot[r * LabelCount + id] = 1f;
        }
        return hot;
    }

    static void Check(Example example, TaskKind task, int labelCount)
    {
        if (task == TaskKind.Regression)
        {
            if (example.Target is null) throw new ArgumentException($"{example.Origin}: regression example has no target.", nameof(example));
            return;
        }
        if (task == TaskKind.SingleLabel && example.LabelIds.Length != 1)
            throw new ArgumentException($"{example.Origin}: single-label example has {example.LabelIds.Length} label ids.", nameof(example));
        foreach (var id in example.LabelIds)
        {
            if ((uint)id >= (uint)labelCount)
                throw new ArgumentException($"{example.Origin}: label id {id} is outside 0..{labelCount - 1}.", nameof(example));
        }
    }
}
