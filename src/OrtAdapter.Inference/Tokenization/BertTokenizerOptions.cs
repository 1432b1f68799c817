namespace OrtAdapter.Inference.Tokenization;

/// <summary>Options of <see cref="BertWordPieceTokenizer"/>; the defaults are those of an uncased BERT.</summary>
public sealed class BertTokenizerOptions
{
    /// <summary>Lowercase the text (<c>do_lower_case</c>). Default true.</summary>
    public bool LowerCase { get; init; } = true;

    /// <summary>Strip accents (NFD, drop Mn) (<c>strip_accents</c>). Default null: strip when <see cref="LowerCase"/>.</summary>
    public bool? StripAccents { get; init; }

    /// <summary>Put spaces around CJK ideographs (<c>tokenize_chinese_chars</c>). Default true.</summary>
    public bool TokenizeChineseChars { get; init; } = true;

    /// <summary>Longer words (in code points) become one unknown token. Default 100.</summary>
    public int MaxInputCharsPerWord { get; init; } = 100;

    /// <summary>The default maximum sequence length (<c>model_max_length</c>). Default 512.</summary>
    public int ModelMaxLength { get; init; } = 512;

    /// <summary>Default "[CLS]".</summary>
    public string ClsToken { get; init; } = "[CLS]";

    /// <summary>Default "[SEP]".</summary>
    public string SepToken { get; init; } = "[SEP]";

    /// <summary>Default "[PAD]".</summary>
    public string PadToken { get; init; } = "[PAD]";

    /// <summary>Default "[UNK]".</summary>
    public string UnknownToken { get; init; } = "[UNK]";

    /// <summary>Default "[MASK]"; optional in the vocabulary.</summary>
    public string MaskToken { get; init; } = "[MASK]";

    /// <summary>Reads a Hugging Face <c>tokenizer_config.json</c>; absent fields (or an absent file) keep the defaults.</summary>
    /// <exception cref="InvalidDataException">The file is malformed; the message names it.</exception>
    public static BertTokenizerOptions FromConfigFile(string path)
    {
        var config = TokenizerConfig.Read(path);
        var defaults = new BertTokenizerOptions();
        return new BertTokenizerOptions
        {
            LowerCase = config.GetBool("do_lower_case") ?? defaults.LowerCase,
            StripAccents = config.GetBool("strip_accents"),
            TokenizeChineseChars = config.GetBool("tokenize_chinese_chars") ?? defaults.TokenizeChineseChars,
            ModelMaxLength = config.GetLength("model_max_length") ?? defaults.ModelMaxLength,
            ClsToken = config.GetToken("cls_token") ?? defaults.ClsToken,
            SepToken = config.GetToken("sep_token") ?? defaults.SepToken,
            PadToken = config.GetToken("pad_token") ?? defaults.PadToken,
            UnknownToken = config.GetToken("unk_token") ?? defaults.UnknownToken,
            MaskToken = config.GetToken("mask_token") ?? defaults.MaskToken,
        };
    }
}
