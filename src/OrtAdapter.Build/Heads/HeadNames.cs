namespace OrtAdapter.Build.Heads;

/// <summary>Names the head pass gives to graph values, so later stages (losses, trainer, export) can find them.</summary>
public static class HeadNames
{
    public const string Logits = "logits";
    public const string Pooled = "pooled";
    public const string Weight = "head.weight";
    public const string Bias = "head.bias";
    public const string DropoutMask = "dropout_mask.head";
    public const string HiddenState = "last_hidden_state";
    public const string AttentionMask = "attention_mask";
}
