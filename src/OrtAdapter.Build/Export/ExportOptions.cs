namespace OrtAdapter.Build.Export;

/// <summary>Options of a lean inference export (<see cref="ModelExporter"/>).</summary>
public sealed class ExportOptions
{
    /// <summary>Also output the pooled sentence embedding as <c>pooled</c>. Default false (logits and probabilities only).</summary>
    public bool Embedding { get; init; }

    /// <summary>
    /// Store float weights as float16, each followed by a Cast to float, so the file halves and the CPU provider
    /// computes in float as before. Default false.
    /// </summary>
    public bool Float16 { get; init; }

    /// <summary>Quantize MatMul weights to 8 bits with dynamic activation quantization (<see cref="Int8MatMulPass"/>). Default false.</summary>
    public bool Int8 { get; init; }

    /// <summary>Also write the adapter-only file <c>&lt;name&gt;.adapter.safetensors</c> beside the model. Default true.</summary>
    public bool WriteAdapterFile { get; init; } = true;

    /// <summary>Replace an existing model (and adapter) file. Default false: an existing file is an error.</summary>
    public bool Overwrite { get; init; }

    public static ExportOptions Default { get; } = new();
}
