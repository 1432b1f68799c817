// BERT WordPiece, ported from OrtAdapter.Inference.Tokenization (BertBasicTokenizer, BertCharClasses,
// BertWordPieceTokenizer, TextTokenizerBase, TokenizerConfig) so the browser trains on exactly the ids .NET gives.

/** The texts of a model's tokenizer files. */
export interface TokenizerFiles {
  /** vocab.txt: one token per line, id = line number. */
  vocab: string;
  /** tokenizer_config.json; absent keeps uncased BERT defaults. */
  tokenizerConfig?: string;
  /** config.json: accepted for convenience but unused, as in .NET (no tokenizer option comes from it). */
  config?: string;
}

/** An encoded text or pair, special tokens included, unpadded. */
export interface EncodedText {
  ids: number[];
  typeIds: number[];
}

/** Longer words (in code points) become one [UNK]; .NET does not read this from the config. */
const MAX_INPUT_CHARS_PER_WORD = 100;
const INT32_MAX = 2147483647;

interface BertOptions {
  lowerCase: boolean;
  stripAccents: boolean;
  tokenizeChineseChars: boolean;
  modelMaxLength: number;
  cls: string;
  sep: string;
  pad: string;
  unk: string;
  mask: string;
}

export class WordPieceTokenizer {
  readonly lowerCase: boolean;
  /** The default maximum length (model_max_length, else 512), special tokens included. */
  readonly modelMaxLength: number;
  readonly padId: number;
  readonly clsId: number;
  readonly sepId: number;
  readonly unkId: number;
  /** undefined when the vocabulary has no mask token. */
  readonly maskId: number | undefined;

  private readonly vocab: Map<string, number>;
  private readonly stripAccents: boolean;
  private readonly tokenizeChineseChars: boolean;

  private constructor(vocab: Map<string, number>, options: BertOptions) {
    if (options.modelMaxLength < 3) throw new RangeError(`model_max_length ${options.modelMaxLength} leaves no room for [CLS] and [SEP].`);
    this.vocab = vocab;
    this.lowerCase = options.lowerCase;
    this.stripAccents = options.stripAccents;
    this.tokenizeChineseChars = options.tokenizeChineseChars;
    this.modelMaxLength = options.modelMaxLength;
    if (!vocab.has(options.unk)) throw new Error(`The unknown token '${options.unk}' is not in the vocabulary.`);
    const require = (token: string): number => {
      const id = wholeTokenId(vocab, token, options.unk);
      if (id === undefined) throw new Error(`The vocabulary has no special token '${token}'.`);
      return id;
    };
    this.clsId = require(options.cls);
    this.sepId = require(options.sep);
    this.padId = require(options.pad);
    this.unkId = require(options.unk);
    this.maskId = wholeTokenId(vocab, options.mask, options.unk);
  }

  static fromFiles(files: TokenizerFiles): WordPieceTokenizer {
    return new WordPieceTokenizer(parseVocab(files.vocab), readOptions(files.tokenizerConfig));
  }

  /**
   * [CLS] text [SEP], or [CLS] text [SEP] pair [SEP] with type 1 on the pair's part, at most maxLength tokens:
   * each text is cut to the budget, then a pair drops tokens one at a time from the longer text (ties: the pair).
   */
  encode(text: string, textPair?: string, maxLength: number = this.modelMaxLength): EncodedText {
    const isPair = textPair !== undefined;
    const specials = isPair ? 3 : 2;
    if (!Number.isInteger(maxLength) || maxLength < specials)
      throw new RangeError(`The maximum length ${maxLength} must leave room for the ${specials} special tokens.`);
    const budget = maxLength - specials;
    const first = this.tokenIds(text, budget);
    if (!isPair) return { ids: [this.clsId, ...first, this.sepId], typeIds: new Array<number>(first.length + 2).fill(0) };
    const second = this.tokenIds(textPair, budget);
    let firstLength = first.length;
    let secondLength = second.length;
    while (firstLength + secondLength > budget) {
      if (firstLength > secondLength) firstLength--;
      else secondLength--;
    }
    const ids = [this.clsId, ...first.slice(0, firstLength), this.sepId, ...second.slice(0, secondLength), this.sepId];
    const typeIds = new Array<number>(ids.length).fill(0).fill(1, firstLength + 2);
    return { ids, typeIds };
  }

  /** The ids of text's tokens, at most maxTokens; words past the limit are not even looked up (long texts stay cheap). */
  private tokenIds(text: string, maxTokens: number): number[] {
    const ids: number[] = [];
    for (const word of this.basicWords(text)) {
      if (ids.length >= maxTokens) break;
      this.appendPieces(word, ids);
    }
    if (ids.length > maxTokens) ids.length = maxTokens;
    return ids;
  }

  /** BERT's basic tokenization: clean, isolate CJK, split on whitespace, strip accents, lowercase, split punctuation. */
  private basicWords(text: string): string[] {
    const cleaned: string[] = [];
    for (const ch of text) {
      const cp = ch.codePointAt(0)!;
      // .NET decodes a lone surrogate as U+FFFD, which it drops like NUL and control characters.
      if (cp === 0 || cp === 0xfffd || (cp >= 0xd800 && cp <= 0xdfff) || isControl(ch)) continue;
      if (isBertWhitespace(ch)) cleaned.push(' ');
      else if (this.tokenizeChineseChars && isCjk(cp)) cleaned.push(' ', ch, ' ');
      else cleaned.push(ch);
    }
    const words: string[] = [];
    for (let word of cleaned.join('').split(DOTNET_WHITESPACE_RUN)) {
      if (word.length === 0) continue;
      // Accents go before lowercasing, as in .NET: 'İ' becomes I + U+0307, then 'i'.
      if (this.stripAccents && !ASCII_ONLY.test(word)) word = word.normalize('NFD').replace(NON_SPACING_MARKS, '');
      if (this.lowerCase) word = lowerInvariant(word);
      splitPunctuation(word, words);
    }
    return words;
  }

  /** Greedy longest-match-first WordPiece over UTF-16 units; a word that cannot be fully matched is one [UNK]. */
  private appendPieces(word: string, ids: number[]): void {
    if (word.length > MAX_INPUT_CHARS_PER_WORD && [...word].length > MAX_INPUT_CHARS_PER_WORD) {
      ids.push(this.unkId);
      return;
    }
    const pieces: number[] = [];
    for (let start = 0; start < word.length;) {
      let end = word.length;
      let id: number | undefined;
      for (; end > start; end--) {
        id = this.vocab.get(start > 0 ? '##' + word.slice(start, end) : word.slice(start, end));
        if (id !== undefined) break;
      }
      if (id === undefined) {
        ids.push(this.unkId);
        return;
      }
      pieces.push(id);
      start = end;
    }
    ids.push(...pieces);
  }
}

/**
 * Lines split as .NET's StreamReader.ReadLine splits them (\r\n, \n or a lone \r); empty lines keep their id unused;
 * a repeated token is an error (Microsoft.ML.Tokenizers adds to a Dictionary).
 */
function parseVocab(text: string): Map<string, number> {
  const vocab = new Map<string, number>();
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
  for (let id = 0; id < lines.length; id++) {
    const token = lines[id];
    if (token.length === 0) continue;
    if (vocab.has(token)) throw new Error(`The vocabulary lists '${token}' twice (lines ${vocab.get(token)! + 1} and ${id + 1}).`);
    vocab.set(token, id);
  }
  return vocab;
}

/**
 * The id of a special token when the vocabulary holds it whole, as .NET's lookup (WordPiece-encoding the token and
 * wanting one non-[UNK] piece) decides; the library makes anything over 2 * 100 UTF-16 units one [UNK].
 */
function wholeTokenId(vocab: Map<string, number>, token: string, unk: string): number | undefined {
  if (token.length === 0) return undefined;
  if (token.length > 2 * MAX_INPUT_CHARS_PER_WORD) return token === unk ? vocab.get(unk) : undefined;
  return vocab.get(token);
}

/** The fields of tokenizer_config.json .NET reads, with its defaults and its errors for wrongly typed fields. */
function readOptions(configText: string | undefined): BertOptions {
  let config: Record<string, unknown> = {};
  if (configText !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(configText);
    } catch (e) {
      throw new Error(`tokenizer_config.json is not valid JSON: ${(e as Error).message}`);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      throw new Error('tokenizer_config.json must hold a JSON object.');
    config = parsed as Record<string, unknown>;
  }
  const field = (name: string): unknown => (config[name] === null ? undefined : config[name]);
  const invalid = (name: string, expected: string) =>
    new Error(`tokenizer_config.json: "${name}" must be ${expected}, not ${JSON.stringify(config[name])}.`);
  const bool = (name: string): boolean | undefined => {
    const v = field(name);
    if (v === undefined || typeof v === 'boolean') return v;
    throw invalid(name, 'true or false');
  };
  // Hugging Face writes 1e30 for "no limit": anything past int32 means the default.
  const length = (name: string): number | undefined => {
    const v = field(name);
    if (v === undefined) return undefined;
    if (typeof v === 'number' && Number.isInteger(v) && v > 0 && v <= INT32_MAX) return v;
    if (typeof v === 'number' && v > INT32_MAX) return undefined;
    throw invalid(name, 'a positive integer');
  };
  // A plain string, or an AddedToken object with a "content" string.
  const token = (name: string): string | undefined => {
    const v = field(name);
    if (v === undefined || typeof v === 'string') return v;
    if (typeof v === 'object' && !Array.isArray(v) && typeof (v as { content?: unknown }).content === 'string')
      return (v as { content: string }).content;
    throw invalid(name, 'a token string');
  };
  const lowerCase = bool('do_lower_case') ?? true;
  return {
    lowerCase,
    stripAccents: bool('strip_accents') ?? lowerCase,
    tokenizeChineseChars: bool('tokenize_chinese_chars') ?? true,
    modelMaxLength: length('model_max_length') ?? 512,
    cls: token('cls_token') ?? '[CLS]',
    sep: token('sep_token') ?? '[SEP]',
    pad: token('pad_token') ?? '[PAD]',
    unk: token('unk_token') ?? '[UNK]',
    mask: token('mask_token') ?? '[MASK]',
  };
}

// Character classes (BertCharClasses). Tab, newline and CR are whitespace, not control.
const CONTROL = /^[\p{Cc}\p{Cf}\p{Co}\p{Cn}]$/u;
const BERT_WHITESPACE = /^[ \t\n\r\p{Zs}]$/u;
// What .NET's char.IsWhiteSpace splits words on: also U+2028/U+2029, which survive cleaning.
const DOTNET_WHITESPACE_RUN = /[\t-\r \x85\p{Zs}\p{Zl}\p{Zp}]+/u;
const PUNCTUATION = /^\p{P}$/u;
const NON_SPACING_MARKS = /\p{Mn}/gu;
const ASCII_ONLY = /^[\x00-\x7f]*$/;

function isControl(ch: string): boolean {
  return ch !== '\t' && ch !== '\n' && ch !== '\r' && CONTROL.test(ch);
}

function isBertWhitespace(ch: string): boolean {
  return BERT_WHITESPACE.test(ch);
}

/** Unicode P* plus every non-alphanumeric printable ASCII character ($, +, ^, ` are S* in Unicode). */
function isPunctuation(ch: string): boolean {
  const cp = ch.codePointAt(0)!;
  if ((cp >= 33 && cp <= 47) || (cp >= 58 && cp <= 64) || (cp >= 91 && cp <= 96) || (cp >= 123 && cp <= 126)) return true;
  return cp > 127 && PUNCTUATION.test(ch);
}

/** The CJK Unified Ideograph blocks BERT isolates (not Hangul, Hiragana or Katakana). */
function isCjk(cp: number): boolean {
  return (cp >= 0x4e00 && cp <= 0x9fff) || (cp >= 0x3400 && cp <= 0x4dbf) || (cp >= 0x20000 && cp <= 0x2a6df)
    || (cp >= 0x2a700 && cp <= 0x2b73f) || (cp >= 0x2b740 && cp <= 0x2b81f) || (cp >= 0x2b820 && cp <= 0x2ceaf)
    || (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0x2f800 && cp <= 0x2fa1f);
}

/**
 * .NET's ToLowerInvariant: simple (one code point to one) mapping, no final-sigma rule, and 'İ' (U+0130) unchanged,
 * where JavaScript's toLowerCase maps Σ by context and 'İ' to two code points.
 */
function lowerInvariant(word: string): string {
  if (ASCII_ONLY.test(word)) return word.toLowerCase();
  let out = '';
  for (const ch of word) {
    const lower = ch.toLowerCase();
    out += ch !== '\u0130' && lower.length === ch.length ? lower : ch;
  }
  return out;
}

function splitPunctuation(word: string, words: string[]): void {
  let current = '';
  for (const ch of word) {
    if (isPunctuation(ch)) {
      if (current.length > 0) words.push(current);
      words.push(ch);
      current = '';
    } else {
      current += ch;
    }
  }
  if (current.length > 0) words.push(current);
}
