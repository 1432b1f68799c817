namespace OrtAdapter.Build.Surgery;

/// <summary>One post-LN transformer encoder block, found by graph pattern.</summary>
/// <param name="Index">0-based position in the encoder.</param>
/// <param name="Input">The block's input value as found (the previous layer norm's output); after embedding dropout the projections read the dropped value, see <see cref="LinearLayer.Input"/>.</param>
/// <param name="Query">Query projection (its path reaches Q·Kᵀ as the left operand).</param>
/// <param name="Key">Key projection (right operand of Q·Kᵀ, through a Transpose).</param>
/// <param name="Value">Value projection (right operand of probs·V).</param>
/// <param name="AttentionProbs">The attention probabilities [batch, heads, seq, seq]: the Softmax output (or the Reshape back after a flattened Softmax).</param>
/// <param name="Attention">Attention output projection, residual Add and layer norm.</param>
/// <param name="FfnUp">FFN up-projection [H, F].</param>
/// <param name="Activation">The FFN non-linearity recognised between up- and down-projection ("gelu-erf", "gelu-tanh", "gelu", "relu").</param>
/// <param name="Ffn">FFN down-projection [F, H], residual Add and layer norm.</param>
public sealed record TransformerBlock(int Index, string Input, LinearLayer Query, LinearLayer Key, LinearLayer Value,
    string AttentionProbs, ResidualSublayer Attention, LinearLayer FfnUp, string Activation, ResidualSublayer Ffn)
{
    /// <summary>The block's output (the FFN layer norm's output).</summary>
    public string Output => Ffn.Output;
}
