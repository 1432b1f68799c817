namespace OrtAdapter.Build.Heads;

/// <summary>What <see cref="TaskHeadPass"/> added.</summary>
/// <param name="Logits">Graph output [batch, C] ("logits").</param>
/// <param name="Pooled">Graph output [batch, H] ("pooled"), before head dropout.</param>
/// <param name="Trainable">Initializers the head made trainable: "head.weight" [H, C], "head.bias" [C].</param>
/// <param name="DropoutMask">The bool mask input [batch, H] when head dropout is on, else null.</param>
/// <param name="HiddenSize">H.</param>
/// <param name="ElemType">Element type of the hidden state, logits and head parameters.</param>
public sealed record TaskHeadResult(string Logits, string Pooled, IReadOnlyList<string> Trainable, string? DropoutMask,
    long HiddenSize, int ElemType);
