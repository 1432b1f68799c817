using OrtAdapter.Build.Export;
using OrtAdapter.Build.Losses;
using OrtAdapter.Inference.Tokenization;

namespace OrtAdapter.Training.Batching;

/// <summary>One batch, ready to bind: tokens padded to its longest row, and the targets of its task.</summary>
/// <param name="ExampleIndices">Indices of the examples in the list the batch was made from, row by row.</param>
/// <param name="Inputs">Input ids, attention mask and token types, <c>[B, S]</c> with S the longest row.</param>
/// <param name="LabelIds">Single-label classification: the class id of each row, <c>[B]</c>; otherwise null.</param>
/// <param name="Targets">Regression: the target of each row, <c>[B]</c>; multi-label: multi-hot rows, <c>[B * C]</c>; otherwise null.</param>
/// <param name="Vectors">The rows' number lists by graph input (teacher logits <c>[B * C]</c>, target embeddings <c>[B * H]</c>, ...), row-major; null for none.</param>
public sealed record Batch(int[] ExampleIndices, TokenizedBatch Inputs, long[]? LabelIds, float[]? Targets,
    IReadOnlyDictionary<string, float[]>? Vectors = null)
{
    /// <summary>Rows in the batch.</summary>
    public int Size => ExampleIndices.Length;

    /// <summary>Whether a data input comes from the tokenizer or the labels (every other one from <see cref="Vectors"/>).</summary>
    public static bool IsTokenOrLabelInput(string name) => InferenceOutputsPass.TextInputs.Contains(name) || name == LossNames.Labels;

    /// <summary>
    /// The values of the data input named <paramref name="name"/> (the contract's <c>Data</c> source) with their shape,
    /// or null when the batch has no such column.
    /// </summary>
    public BatchColumn? Column(string name)
    {
        long b = Size, s = Inputs.SequenceLength;
        return name switch
        {
            "input_ids" => new(Inputs.InputIds, [b, s]),
            "attention_mask" => new(Inputs.AttentionMask, [b, s]),
            "token_type_ids" => new(Inputs.TokenTypeIds, [b, s]),
            LossNames.Labels when LabelIds is { } ids => new(ids, [b]),
            LossNames.Labels when Targets is { } t => new(t, [b, t.Length / b]),
            _ when Vectors?.GetValueOrDefault(name) is { } vectors => new(vectors, [b, vectors.Length / b]),
            _ => null,
        };
    }
}

/// <summary>One column of a batch: long or float values, row-major, and their shape.</summary>
public sealed record BatchColumn(Array Values, long[] Shape);
