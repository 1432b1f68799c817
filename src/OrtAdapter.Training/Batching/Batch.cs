using OrtAdapter.Inference.Tokenization;

namespace OrtAdapter.Training.Batching;

/// <summary>One batch, ready to bind: tokens padded to its longest row, and the targets of its task.</summary>
/// <param name="ExampleIndices">Indices of the examples in the list the batch was made from, row by row.</param>
/// <param name="Inputs">Input ids, attention mask and token types, <c>[B, S]</c> with S the longest row.</param>
/// <param name="LabelIds">Single-label classification: the class id of each row, <c>[B]</c>; otherwise null.</param>
/// <param name="Targets">Regression: the target of each row, <c>[B]</c>; multi-label: multi-hot rows, <c>[B * C]</c>; otherwise null.</param>
/// <param name="TeacherLogits">The rows' teacher logits, <c>[B * C]</c> row-major, when the data has them; otherwise null.</param>
/// <param name="TargetEmbeddings">The rows' target embeddings, <c>[B * H]</c> row-major, when the data has them; otherwise null.</param>
public sealed record Batch(int[] ExampleIndices, TokenizedBatch Inputs, long[]? LabelIds, float[]? Targets,
    float[]? TeacherLogits = null, float[]? TargetEmbeddings = null)
{
    /// <summary>Rows in the batch.</summary>
    public int Size => ExampleIndices.Length;
}
