/**
 * Port of LearningRateSchedule and of what Trainer/StepRunner feed at each step, so the browser feeds the same
 * learning_rate, step and dropout key as `ortadapter train` (no gradient accumulation).
 */

export type LearningRateDecay = 'linear' | 'cosine' | 'constant';

/** TrainOptions' defaults (the CLI's too). */
export const TRAINER_DEFAULTS = {
  epochs: 10,
  batchSize: 32,
  evalBatchSize: 16,
  learningRate: 1e-3,
  warmupFraction: 0.1,
  decay: 'linear' as LearningRateDecay,
  maxLength: 128,
  seed: 0,
  bucketByLength: false,
} as const;

export interface ScheduleOptions {
  /** Warm-up as a fraction of the total steps, rounded up. Default 0.1. */
  warmupFraction?: number;
  /** Overrides warmupFraction when set. */
  warmupSteps?: number;
  /** Default 'linear'. */
  decay?: LearningRateDecay;
}

/** .NET's Math.Round(x, digits): scale, round halves to even, unscale. */
function roundDigits(x: number, digits: number): number {
  const power = 10 ** digits;
  const scaled = x * power;
  let r = Math.round(scaled);
  if (r - scaled === 0.5 && r % 2 !== 0) r -= 1;
  return r / power;
}

/** `peak * step / warmup` during warm-up, then the decay; step 0 gets 0 with any warm-up. Steps are 0-based. */
export class LearningRateSchedule {
  readonly warmupSteps: number;
  readonly decay: LearningRateDecay;

  constructor(readonly peakLearningRate: number, readonly totalSteps: number, options: ScheduleOptions = {}) {
    const fraction = options.warmupFraction ?? TRAINER_DEFAULTS.warmupFraction;
    if (!(peakLearningRate >= 0)) throw new RangeError(`The learning rate must be >= 0 (got ${peakLearningRate}).`);
    if (!(totalSteps >= 1)) throw new RangeError(`Total steps must be at least 1 (got ${totalSteps}).`);
    if (!(fraction >= 0 && fraction <= 1)) throw new RangeError(`The warm-up fraction must be in [0, 1] (got ${fraction}).`);
    this.decay = options.decay ?? 'linear';
    // Rounded to 9 places first so that e.g. 30 * 0.1 = 3.0000000000000004 does not round up to 4.
    this.warmupSteps = options.warmupSteps ?? Math.ceil(roundDigits(totalSteps * fraction, 9));
  }

  /** The learning rate of 0-based step `step` (double, as .NET computes it). */
  at(step: number): number {
    return this.peakLearningRate * this.factor(step);
  }

  factor(step: number): number {
    if (step < this.warmupSteps) return step / Math.max(1, this.warmupSteps);
    const decaySteps = Math.max(1, this.totalSteps - this.warmupSteps);
    switch (this.decay) {
      case 'linear': return Math.max(0, (this.totalSteps - step) / decaySteps);
      case 'cosine': return Math.max(0, 0.5 * (1 + Math.cos(Math.PI * Math.min(1, (step - this.warmupSteps) / decaySteps))));
      default: return 1;
    }
  }
}

/** Optimizer steps of a run: epochs × batches per epoch (the last partial batch counts). */
export function totalSteps(exampleCount: number, batchSize: number, epochs: number): number {
  return epochs * Math.ceil(exampleCount / batchSize);
}

/** After which 1-based step dev is evaluated: every evalEverySteps, by default at each epoch's end, and after the last. */
export function evalDue(stepsDone: number, totalSteps: number, batchesPerEpoch: number, evalEverySteps = 0): boolean {
  const every = evalEverySteps > 0 ? evalEverySteps : Math.max(1, batchesPerEpoch);
  return stepsDone % every === 0 || stepsDone === totalSteps;
}

export interface StepValues {
  /** The `learning_rate` input: (float)schedule.At(k). */
  learningRate: number;
  /** The `step` input (int64): AdamW's 1-based count after this update, k + 1. */
  step: bigint;
  /** Dropout key: the run's seed as (ulong)seed (sign-extended), and the 0-based global step k. */
  maskSeed: bigint;
  maskStep: bigint;
}

export interface RunOptions extends ScheduleOptions {
  /** Default 1e-3. */
  learningRate?: number;
  /** The run's int seed. Default 0. */
  seed?: number;
}

/** What the trainer feeds at 0-based global step k of a run of totalSteps steps. */
export function stepValues(globalStep: number, totalSteps: number, options: RunOptions = {},
  schedule = new LearningRateSchedule(options.learningRate ?? TRAINER_DEFAULTS.learningRate, totalSteps, options)): StepValues {
  return {
    learningRate: Math.fround(schedule.at(globalStep)),
    step: BigInt(globalStep + 1),
    maskSeed: BigInt.asUintN(64, BigInt(options.seed ?? TRAINER_DEFAULTS.seed)),
    maskStep: BigInt(globalStep),
  };
}
