/**
 * Port of DropoutMaskGenerator: a step's dropout masks as a pure function of (seed, step, element index), one stream
 * of elements cut into consecutive ranges, site after site. Element j is kept (byte 1; the graph scales it by
 * 1/(1-rate)) when the "Squares" hash of j reaches rate·2³², else 0. 32-bit wrapping arithmetic: Math.imul, `| 0` and `>>> 0`.
 */
import { splitMix64 } from './split';

const MASK64 = (1n << 64n) - 1n;
const WEYL_STEP = 0x9e3779b1;

/** The two 32-bit keys of (seed, step): SplitMix64(seed ^ SplitMix64(step · 0x9E3779B97F4A7C15)). */
export function dropoutKeys(seed: bigint, step: bigint): [k0: number, k1: number] {
  const mixedStep = splitMix64((BigInt.asUintN(64, step) * 0x9e3779b97f4a7c15n) & MASK64);
  const key = splitMix64(BigInt.asUintN(64, seed) ^ mixedStep);
  return [Number(key & 0xffffffffn), Number(key >> 32n)];
}

/** The 32-bit value deciding element `index` (as an unsigned number): four rounds x = rotate16(x·x + w). */
export function dropoutHash(index: number, k0: number, k1: number): number {
  const y = Math.imul((index + k0) | 0, WEYL_STEP);
  const z = (y + k1) | 0;
  let x = (Math.imul(y, y) + y) | 0;
  x = (x >>> 16) | (x << 16);
  x = (Math.imul(x, x) + z) | 0;
  x = (x >>> 16) | (x << 16);
  x = (Math.imul(x, x) + y) | 0;
  x = (x >>> 16) | (x << 16);
  x = (Math.imul(x, x) + z) | 0;
  return ((x >>> 16) | (x << 16)) >>> 0;
}

/** .NET's Math.Round(double): halves to even. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** rate·2³² rounded (the rate as the float32 the manifest holds): hash values below it are dropped. */
export function dropoutThreshold(rate: number): number {
  return Math.min(4294967295, roundHalfEven(Math.fround(rate) * 4294967296));
}

/** What the graph multiplies a kept element by, (float)(1.0 / (1.0 - rate)). */
export function dropoutScale(rate: number): number {
  return Math.fround(1 / (1 - Math.fround(rate)));
}

/**
 * Fills out[0, length) with elements [offset, offset + length) of the stream of (seed, step). The index wraps to 32
 * bits as .NET's (uint)offset does. seed is the run's seed as .NET's (ulong)seed: BigInt.asUintN(64, BigInt(seed)).
 */
export function fillDropoutMask(out: Uint8Array, length: number, rate: number, seed: bigint, step: bigint, offset: number): void {
  if (!(Math.fround(rate) < 1)) throw new RangeError(`Dropout rate must be below 1 (got ${rate}).`);
  if (Math.fround(rate) <= 0) {
    out.fill(1, 0, length);
    return;
  }
  const [k0, k1] = dropoutKeys(seed, step);
  const threshold = dropoutThreshold(rate);
  const first = offset % 4294967296;
  for (let i = 0; i < length; i++) out[i] = dropoutHash(first + i, k0, k1) >= threshold ? 1 : 0;
}

/** One entry of the manifest's dropout_masks. */
export interface DropoutSite {
  input: string;
  /** Numbers, or the names of input_ids' dims (the batch and sequence). */
  dims: readonly string[];
  rate: number;
}

export interface DropoutMask {
  input: string;
  shape: number[];
  data: Uint8Array;
}

/** A site's shape for this batch: numeric dims as they are, symbolic ones (the batch and sequence) from sizes. */
export function dropoutShape(site: DropoutSite, sizes: Readonly<Record<string, number>>): number[] {
  return site.dims.map(d => {
    if (/^\d+$/.test(d)) return Number(d);
    const size = sizes[d];
    if (size === undefined) throw new Error(`Dropout mask '${site.input}' has dim '${d}', which is neither a number nor ${Object.keys(sizes).join('/')}.`);
    return size;
  });
}

/**
 * Every dropout mask of a training step, as FeedBuilder.DropoutMasks makes them: site k holds the stream's elements from
 * the sum of the sizes of the sites before it. sizes: the eval graph's input_ids dims by name, e.g. { batch: 8, sequence: 32 }.
 * Pass buffers (by input name) to reuse memory across steps: a mask is then a prefix view that the next call overwrites.
 */
export function stepMasks(sites: readonly DropoutSite[], sizes: Readonly<Record<string, number>>, seed: bigint, step: bigint,
  buffers = new Map<string, Uint8Array>()): DropoutMask[] {
  let offset = 0;
  return sites.map(site => {
    const shape = dropoutShape(site, sizes);
    const count = shape.reduce((p, d) => p * d, 1);
    let buffer = buffers.get(site.input);
    if (!buffer || buffer.length < count) buffers.set(site.input, buffer = new Uint8Array(count));
    fillDropoutMask(buffer, count, site.rate, seed, step, offset);
    offset += count;
    return { input: site.input, shape, data: buffer.subarray(0, count) };
  });
}
