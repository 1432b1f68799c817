namespace OrtAdapter.Inference.Tokenization;

/// <summary>Ids of the special tokens, looked up in the vocabulary.</summary>
/// <param name="Cls">Sequence start: <c>[CLS]</c> (BERT) or <c>&lt;s&gt;</c> (RoBERTa).</param>
/// <param name="Sep">Sequence end and pair separator: <c>[SEP]</c> or <c>&lt;/s&gt;</c>.</param>
/// <param name="Pad">Padding: <c>[PAD]</c> or <c>&lt;pad&gt;</c>.</param>
/// <param name="Unknown">Unknown word: <c>[UNK]</c> or <c>&lt;unk&gt;</c>; null when the vocabulary has none.</param>
/// <param name="Mask">Masked-LM mask: <c>[MASK]</c> or <c>&lt;mask&gt;</c>; null when the vocabulary has none.</param>
public sealed record SpecialTokenIds(int Cls, int Sep, int Pad, int? Unknown, int? Mask);
