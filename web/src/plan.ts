/**
 * Port of BatchPlan: each epoch's order of examples, cut into batches, as a pure function of (seed, epoch) with .NET's
 * own generator, so the browser sees the batches `ortadapter train` sees.
 */
import { DotNetRandom } from './dotnetRandom';
import { splitMix64 } from './split';

export interface BatchingOptions {
  batchSize: number;
  /** Shuffle examples (and, with bucketing, batches) each epoch; the trainer always does. Default true. */
  shuffle?: boolean;
  /** Sort by token length within windows of bucketWindowBatches batches (--bucket-by-length). Default false. */
  bucketByLength?: boolean;
  /** Default 50. */
  bucketWindowBatches?: number;
}

export interface BatchPosition {
  /** 0-based. */
  epoch: number;
  /** 0-based within the epoch. */
  batch: number;
}

/** BatchPlan.EpochSeed: SplitMix64 of (uint seed << 32 | uint epoch), low 31 bits. */
export function epochSeed(seed: number, epoch: number): number {
  const z = splitMix64((BigInt(seed >>> 0) << 32n) | BigInt(epoch >>> 0));
  return Number(z & 0x7fffffffn);
}

/** Fisher-Yates, last element first, with Random.Next(i + 1). */
function shuffle<T>(items: T[], random: DotNetRandom): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = random.nextInt(i + 1);
    [items[i], items[j]] = [items[j], items[i]];
  }
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}

export class BatchPlan {
  private readonly lengths: readonly number[];
  private readonly batchSize: number;
  private readonly shuffle: boolean;
  private readonly bucketByLength: boolean;
  private readonly window: number;
  private current?: { epoch: number; batches: number[][] };

  /** lengths: token length of each example (only their count matters without bucketing). */
  constructor(lengths: readonly number[], options: BatchingOptions, private readonly seed: number) {
    if (!(options.batchSize >= 1)) throw new RangeError(`batchSize must be at least 1 (got ${options.batchSize}).`);
    this.lengths = [...lengths];
    this.batchSize = options.batchSize;
    this.shuffle = options.shuffle ?? true;
    this.bucketByLength = options.bucketByLength ?? false;
    this.window = options.bucketWindowBatches ?? 50;
    if (!(this.window >= 1)) throw new RangeError(`bucketWindowBatches must be at least 1 (got ${this.window}).`);
  }

  get exampleCount(): number {
    return this.lengths.length;
  }

  /** Batches per epoch, the last partial one included. */
  get batchesPerEpoch(): number {
    return Math.ceil(this.lengths.length / this.batchSize);
  }

  /** The epoch and batch of a 0-based global batch index. */
  locate(step: number): BatchPosition {
    if (this.batchesPerEpoch === 0) throw new Error('The plan has no examples.');
    return { epoch: Math.floor(step / this.batchesPerEpoch), batch: step % this.batchesPerEpoch };
  }

  /** Example indices of the batch at 0-based global batch index `step` (the epoch's order is cached). */
  batchAt(step: number): number[] {
    const { epoch, batch } = this.locate(step);
    if (this.current?.epoch !== epoch) this.current = { epoch, batches: this.epoch(epoch) };
    return this.current.batches[batch];
  }

  /** Every batch of `epoch`, in order. */
  epoch(epoch: number): number[][] {
    const random = new DotNetRandom(epochSeed(this.seed, epoch));
    const order = this.lengths.map((_, i) => i);
    if (this.shuffle) shuffle(order, random);
    if (this.bucketByLength) this.sortWithinWindows(order);
    const batches = chunk(order, this.batchSize);
    // Sorted windows would otherwise run short-to-long in every epoch.
    if (this.shuffle && this.bucketByLength) shuffle(batches, random);
    return batches;
  }

  /** Stable sort by length within each window (Array.prototype.sort is stable). */
  private sortWithinWindows(order: number[]): void {
    const window = this.batchSize * this.window;
    for (let start = 0; start < order.length; start += window) {
      const sorted = order.slice(start, start + window).sort((a, b) => this.lengths[a] - this.lengths[b]);
      order.splice(start, sorted.length, ...sorted);
    }
  }
}
