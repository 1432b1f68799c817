namespace OrtAdapter.Inference.Tokenization;

/// <summary>Options of <see cref="ByteLevelBpeTokenizer"/>; the defaults are RoBERTa's.</summary>
public sealed class ByteLevelBpeOptions
{
    /// <summary>Prefix a space to a text that does not start with whitespace (<c>add_prefix_space</c>). Default false.</summary>
    public bool AddPrefixSpace { get; init; }

    /// <summary>The default maximum sequence length (<c>model_max_length</c>). Default 512.</summary>
    public int ModelMaxLength { get; init; } = 512;

    /// <summary>Sequence start (<c>cls_token</c>, else <c>bos_token</c>). Default "&lt;s&gt;".</summary>
    public string ClsToken { get; init; } = "<s>";

    /// <summary>Sequence end and separator (<c>sep_token</c>, else <c>eos_token</c>). Default "&lt;/s&gt;".</summary>
    public string SepToken { get; init; } = "</s>";

    /// <summary>Default "&lt;pad&gt;".</summary>
    public string PadToken { get; init; } = "<pad>";

    /// <summary>Default "&lt;unk&gt;"; optional in the vocabulary (byte-level BPE never needs it).</summary>
    public string UnknownToken { get; init; } = "<unk>";

    /// <summary>Default "&lt;mask&gt;"; optional in the vocabulary.</summary>
    public string MaskToken { get; init; } = "<mask>";

    /// <summary>Reads a Hugging Face <c>tokenizer_config.json</c>; absent fields (or an absent file) keep the defaults.</summary>
    /// <exception cref="InvalidDataException">The file is malformed; the message names it.</exception>
    public static ByteLevelBpeOptions FromConfigFile(string path)
    {
        var config = TokenizerConfig.Read(path);
        var defaults = new ByteLevelBpeOptions();
        return new ByteLevelBpeOptions
        {
            AddPrefixSpace = config.GetBool("add_prefix_space") ?? defaults.AddPrefixSpace,
            ModelMaxLength = config.GetLength("model_max_length") ?? defaults.ModelMaxLength,
            ClsToken = config.GetToken("cls_token") ?? config.GetToken("bos_token") ?? defaults.ClsToken,
            SepToken = config.GetToken("sep_token") ?? config.GetToken("eos_token") ?? defaults.SepToken,
            PadToken = config.GetToken("pad_token") ?? defaults.PadToken,
            UnknownToken = config.GetToken("unk_token") ?? defaults.UnknownToken,
            MaskToken = config.GetToken("mask_token") ?? defaults.MaskToken,
        };
    }
}
