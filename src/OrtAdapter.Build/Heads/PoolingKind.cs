namespace OrtAdapter.Build.Heads;

/// <summary>How one vector per sequence is taken from the encoder's hidden states [batch, seq, H].</summary>
public enum PoolingKind
{
    /// <summary>Mean over the tokens the attention mask keeps: sum(h * m) / sum(m).</summary>
    Mean,

    /// <summary>The first token ([CLS]) of each sequence.</summary>
    Cls,
}
