// The token inputs of a batch, as OrtAdapter.Training's BatchCollator builds them: every row encoded (and truncated)
// on its own, then padded to the batch's longest row (dynamic padding), never to maxLength.
import type { EncodedText, WordPieceTokenizer } from './tokenizer';

/** Row-major [batchSize, sequenceLength] int64 tensors, ready for onnxruntime. */
export interface TokenBatch {
  batchSize: number;
  sequenceLength: number;
  /** Padding positions hold the tokenizer's pad id. */
  inputIds: BigInt64Array;
  /** 1 on real tokens, 0 on padding. */
  attentionMask: BigInt64Array;
  /** 1 on a pair's second text (its final [SEP] included), 0 elsewhere and on padding. */
  tokenTypeIds: BigInt64Array;
}

/**
 * Encodes texts (and, per row, an optional second text) truncated to maxLength tokens, special tokens included.
 * @param pairs undefined, or one entry per text (undefined where that row has no second text).
 */
export function collate(tokenizer: WordPieceTokenizer, texts: string[], pairs: (string | undefined)[] | undefined,
  maxLength: number): TokenBatch {
  if (texts.length === 0) throw new RangeError('A batch needs at least one example.');
  if (pairs !== undefined && pairs.length !== texts.length)
    throw new RangeError(`${pairs.length} pair texts for ${texts.length} texts; they must match.`);
  return pad(texts.map((text, i) => tokenizer.encode(text, pairs?.[i], maxLength)), tokenizer.padId);
}

/** Rows encoded once (a run encodes its data at load time) padded to the longest of them. */
export function pad(rows: readonly EncodedText[], padId: number): TokenBatch {
  if (rows.length === 0) throw new RangeError('A batch needs at least one example.');
  const width = Math.max(...rows.map(row => row.ids.length));
  const inputIds = new BigInt64Array(rows.length * width).fill(BigInt(padId));
  const attentionMask = new BigInt64Array(rows.length * width);
  const tokenTypeIds = new BigInt64Array(rows.length * width);
  rows.forEach((row, r) => {
    const offset = r * width;
    for (let t = 0; t < row.ids.length; t++) {
      inputIds[offset + t] = BigInt(row.ids[t]);
      attentionMask[offset + t] = 1n;
      tokenTypeIds[offset + t] = BigInt(row.typeIds[t]);
    }
  });
  return { batchSize: rows.length, sequenceLength: width, inputIds, attentionMask, tokenTypeIds };
}
