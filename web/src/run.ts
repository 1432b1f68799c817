// A whole training run, step for step what `ortadapter train` does with the same data, seed and options: the same
// batch plan, learning-rate schedule, AdamW step count and dropout masks (so the first steps' losses equal the .NET
// trainer's), dev evaluation after each epoch, the best dev epoch's weights kept.
import { collate, pad } from './collate';
import type { Example } from './dataset';
import { BatchPlan } from './plan';
import type { SafeTensor } from './safetensors';
import { LearningRateSchedule, TRAINER_DEFAULTS, evalDue, stepValues, totalSteps } from './schedule';
import type { EncodedText, WordPieceTokenizer } from './tokenizer';
import type { AdapterTrainer, StepResult } from './trainer';

export interface RunOptions {
  epochs: number;
  batchSize: number;
  learningRate: number;
  maxLength: number;
  seed: number;
  evalBatchSize?: number;
}

export interface StepRecord extends StepResult { step: number; epoch: number; learningRate: number }
export interface DevMetrics { accuracy: number; macro_f1: number; loss: number; [term: `loss_term_${number}`]: number }
export interface EpochRecord { epoch: number; step: number; trainLoss: number; dev?: DevMetrics }

export interface RunResult {
  steps: StepRecord[];
  epochs: EpochRecord[];
  bestEpoch: number;
  bestStep: number;
  bestDev?: DevMetrics;
  /** The kept weights: the best dev epoch's (the last when there is no dev data). */
  best: Map<string, SafeTensor>;
  stopped: boolean;
}

export interface RunEvents {
  step?(record: StepRecord, total: number): void;
  epoch?(record: EpochRecord): void;
}

export async function trainRun(trainer: AdapterTrainer, tokenizer: WordPieceTokenizer, train: Example[], dev: Example[],
  options: RunOptions, events: RunEvents = {}, signal?: AbortSignal): Promise<RunResult> {
  if (train.length === 0) throw new Error('The training data has no rows.');
  // Encoded once: every epoch's batches only pad the rows they pick.
  const encodedTrain = encodeAll(tokenizer, train, options.maxLength), encodedDev = encodeAll(tokenizer, dev, options.maxLength);
  const plan = new BatchPlan(encodedTrain.map(e => e.ids.length), { batchSize: options.batchSize }, options.seed);
  const total = totalSteps(train.length, options.batchSize, options.epochs);
  const schedule = new LearningRateSchedule(options.learningRate, total, { warmupFraction: TRAINER_DEFAULTS.warmupFraction });
  const lossWeights = trainer.manifest.loss_terms.map(t => Math.fround(t.default_weight));
  const result: RunResult = { steps: [], epochs: [], bestEpoch: 0, bestStep: 0, best: trainer.trainableTensors(), stopped: false };
  let epochLosses: number[] = [];
  for (let k = 0; k < total; k++) {
    if (signal?.aborted) { result.stopped = true; break; }
    const picked = plan.batchAt(k);
    const values = stepValues(k, total, { learningRate: options.learningRate, seed: options.seed }, schedule);
    const outcome = await trainer.step(pad(picked.map(i => encodedTrain[i]), tokenizer.padId), labelsOf(picked.map(i => train[i])), { ...values, lossWeights });
    if (!Number.isFinite(outcome.loss)) throw new Error(`The loss is ${outcome.loss} at step ${k + 1}: training diverged (lower the learning rate).`);
    const record: StepRecord = { ...outcome, step: k + 1, epoch: plan.locate(k).epoch + 1, learningRate: values.learningRate };
    result.steps.push(record);
    epochLosses.push(outcome.loss);
    events.step?.(record, total);
    if (!evalDue(k + 1, total, plan.batchesPerEpoch)) continue;
    const epoch: EpochRecord = { epoch: record.epoch, step: k + 1, trainLoss: mean(epochLosses) };
    epochLosses = [];
    if (dev.length > 0) {
      epoch.dev = await evaluate(trainer, dev, encodedDev, tokenizer.padId, options.evalBatchSize ?? TRAINER_DEFAULTS.evalBatchSize, lossWeights);
      // Strictly better only, as the .NET trainer: the earlier epoch wins a tie.
      if (result.bestDev === undefined || epoch.dev.accuracy > result.bestDev.accuracy) keep(result, trainer, epoch);
    } else keep(result, trainer, epoch);
    result.epochs.push(epoch);
    events.epoch?.(epoch);
  }
  return result;
}

function keep(result: RunResult, trainer: AdapterTrainer, epoch: EpochRecord): void {
  Object.assign(result, { bestEpoch: epoch.epoch, bestStep: epoch.step, bestDev: epoch.dev, best: trainer.trainableTensors() });
}

/** Accuracy, macro-F1 (scikit-learn's) and the loss and its terms averaged over rows, as the .NET trainer reports them. */
export async function evaluate(trainer: AdapterTrainer, rows: Example[], encoded: readonly EncodedText[], padId: number,
  batchSize: number, lossWeights: number[]): Promise<DevMetrics> {
  const classes = trainer.manifest.num_labels;
  const counts = { tp: new Array(classes).fill(0), fp: new Array(classes).fill(0), fn: new Array(classes).fill(0) };
  let correct = 0, loss = 0;
  const terms = new Array(trainer.manifest.loss_terms.length).fill(0);
  for (let start = 0; start < rows.length; start += batchSize) {
    const part = rows.slice(start, start + batchSize);
    const out = await trainer.evaluate(pad(encoded.slice(start, start + batchSize), padId), labelsOf(part), lossWeights);
    loss += out.loss * part.length;
    out.terms.forEach((t, i) => (terms[i] += t * part.length));
    part.forEach((row, r) => {
      const predicted = argmax(out.logits.subarray(r * classes, (r + 1) * classes));
      if (predicted === row.labelId) { correct++; counts.tp[predicted]++; } else { counts.fp[predicted]++; counts.fn[row.labelId]++; }
    });
  }
  const f1 = counts.tp.map((tp, c) => { const d = 2 * tp + counts.fp[c] + counts.fn[c]; return d === 0 ? 0 : 2 * tp / d; });
  const metrics: DevMetrics = { accuracy: correct / rows.length, macro_f1: mean(f1), loss: loss / rows.length };
  terms.forEach((t, i) => (metrics[`loss_term_${i + 1}`] = t / rows.length));
  return metrics;
}

const encodeAll = (tokenizer: WordPieceTokenizer, rows: Example[], maxLength: number) =>
  rows.map(r => tokenizer.encode(r.text, r.textPair, maxLength));

export function batchOf(tokenizer: WordPieceTokenizer, rows: Example[], maxLength: number) {
  return collate(tokenizer, rows.map(r => r.text), rows.some(r => r.textPair !== undefined) ? rows.map(r => r.textPair) : undefined, maxLength);
}

const labelsOf = (rows: Example[]) => BigInt64Array.from(rows, r => BigInt(r.labelId));
export const argmax = (values: ArrayLike<number>) => { let best = 0; for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i; return best; };
const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
