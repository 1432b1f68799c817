/**
 * Port of DatasetSplitter: carves train/dev/test out of one list by a seeded hash of each example's texts, so the
 * same input and seed give the same split as .NET, whatever the row order.
 */

const MASK64 = (1n << 64n) - 1n;

/** The SplitMix64 finaliser (wrapping 64-bit), shared by the splitter, the batch plan's epoch seeds and the dropout keys. */
export function splitMix64(z: bigint): bigint {
  z = (z + 0x9e3779b97f4a7c15n) & MASK64;
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK64;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK64;
  return z ^ (z >> 31n);
}

/**
 * The .NET trainer never splits: dev and test come only from their own files (`--dev`, `--test`; without dev there is
 * no dev evaluation and the last weights are "best"). DatasetSplitter is a library function whose seed defaults to 0,
 * not the run's seed. A browser that carves dev/test out of a single file therefore departs from `ortadapter train`
 * unless the same split files are given to both; these are the neutral values.
 */
export const TRAINER_DEV_FRACTION = 0;
export const TRAINER_TEST_FRACTION = 0;
export const SPLITTER_DEFAULT_SEED = 0;

export interface SplitExample {
  text: string;
  textPair?: string | null;
  labelId: number;
}

export interface SplitIndices {
  train: number[];
  dev: number[];
  test: number[];
}

/** FNV-1a (64-bit) state as two 32-bit halves: a BigInt per character would be slow on large files. */
class Fnv64 {
  hi: number;
  lo: number;
  constructor(start: bigint) {
    this.hi = Number(start >> 32n);
    this.lo = Number(start & 0xffffffffn);
  }
  /** h = (h ^ c) * 1099511628211 (= 2^40 + 0x1b3), mod 2^64. */
  add(c: number): void {
    const lo = (this.lo ^ c) >>> 0;
    const loProduct = lo * 0x1b3;
    const carry = Math.floor(loProduct / 4294967296);
    this.hi = (Math.imul(this.hi, 0x1b3) + carry + lo * 256) >>> 0;
    this.lo = loProduct >>> 0;
  }
  value(): bigint {
    return (BigInt(this.hi) << 32n) | BigInt(this.lo);
  }
}

function hash(seed: number, e: SplitExample): bigint {
  const h = new Fnv64(14695981039346656037n ^ splitMix64(BigInt(seed >>> 0)));
  for (let i = 0; i < e.text.length; i++) h.add(e.text.charCodeAt(i));
  h.add(0x1f);
  const pair = e.textPair ?? '';
  for (let i = 0; i < pair.length; i++) h.add(pair.charCodeAt(i));
  return splitMix64(h.value());
}

/** The tie-break key of identical texts: .NET's "{Text}\u001f{TextPair}\u001f{ids}\u001f{Target}" (no target here). */
function describe(e: SplitExample): string {
  return `${e.text}\u001f${e.textPair ?? ''}\u001f${e.labelId}\u001f`;
}

/** .NET's Math.Round(x, MidpointRounding.AwayFromZero) for x >= 0. */
const roundAway = (x: number): number => Math.round(x);

/**
 * Indices of round(n * devFraction) dev and round(n * testFraction) test examples (train keeps at least one), each
 * split in source order.
 */
export function splitIndices(examples: readonly SplitExample[], devFraction: number, testFraction: number, seed = SPLITTER_DEFAULT_SEED): SplitIndices {
  if (!(devFraction >= 0 && testFraction >= 0 && devFraction + testFraction < 1))
    throw new RangeError(`Fractions must be >= 0 with a sum below 1 (dev ${devFraction}, test ${testFraction}).`);
  const n = examples.length;
  let testCount = roundAway(n * testFraction);
  let devCount = roundAway(n * devFraction);
  const overflow = testCount + devCount - Math.max(n - 1, 0);
  if (overflow > 0) {
    const fromDev = Math.min(overflow, devCount);
    devCount -= fromDev;
    testCount -= overflow - fromDev;
  }
  const keys = examples.map(e => ({ hash: hash(seed, e), describe: describe(e) }));
  const order = examples.map((_, i) => i).sort((a, b) => {
    const [x, y] = [keys[a], keys[b]];
    if (x.hash !== y.hash) return x.hash < y.hash ? -1 : 1;
    if (x.describe !== y.describe) return x.describe < y.describe ? -1 : 1;
    return a - b;
  });
  const which = new Uint8Array(n);
  order.forEach((index, k) => { which[index] = k < testCount ? 2 : k < testCount + devCount ? 1 : 0; });
  const result: SplitIndices = { train: [], dev: [], test: [] };
  for (let i = 0; i < n; i++) [result.train, result.dev, result.test][which[i]].push(i);
  return result;
}

/** The examples of each split, as DatasetSplitter.Split returns them. */
export function splitDataset<T extends SplitExample>(examples: readonly T[], devFraction: number, testFraction: number, seed = SPLITTER_DEFAULT_SEED): { train: T[]; dev: T[]; test: T[] } {
  const { train, dev, test } = splitIndices(examples, devFraction, testFraction, seed);
  const pick = (indices: number[]) => indices.map(i => examples[i]);
  return { train: pick(train), dev: pick(dev), test: pick(test) };
}
