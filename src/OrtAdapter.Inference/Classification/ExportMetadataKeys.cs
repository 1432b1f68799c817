namespace OrtAdapter.Inference.Classification;

/// <summary>The <c>metadata_props</c> keys an OrtAdapter export carries (read through ONNX Runtime's custom metadata map).</summary>
public static class ExportMetadataKeys
{
    /// <summary>Required: the label names, a JSON array of strings, one per logit.</summary>
    public const string Labels = "ortadapter.labels";

    /// <summary>Optional: "single-label" (default), "multi-label" or "regression".</summary>
    public const string Task = "ortadapter.task";

    /// <summary>Optional: the truncation length used in training (special tokens included).</summary>
    public const string MaxLength = "ortadapter.max_length";

    /// <summary>Optional: "true"/"false", overrides <c>do_lower_case</c> of the tokenizer config.</summary>
    public const string LowerCase = "ortadapter.tokenizer.lower_case";

    /// <summary>Prefix of embedded tokenizer files: <c>ortadapter.tokenizer.file.vocab.txt</c> holds vocab.txt's text.</summary>
    public const string TokenizerFilePrefix = "ortadapter.tokenizer.file.";

    /// <summary>Optional: a JSON array of tokenizer file names stored beside the model (relative to its folder).</summary>
    public const string TokenizerFiles = "ortadapter.tokenizer.files";
}
