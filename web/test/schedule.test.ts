import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { BatchPlan } from '../src/plan';
import { LearningRateSchedule, evalDue, stepValues, totalSteps, type LearningRateDecay } from '../src/schedule';

const fixture = JSON.parse(readFileSync(new URL('../test/fixtures/parity.json', import.meta.url), 'utf8'));

test('learning rates equal .NET LearningRateSchedule (double and the float fed)', () => {
  for (const c of fixture.schedules) {
    const schedule = new LearningRateSchedule(c.peak, c.totalSteps, { warmupFraction: c.warmupFraction, decay: c.decay as LearningRateDecay });
    const name = `${c.decay} total ${c.totalSteps} warmup ${c.warmupFraction}`;
    assert.equal(schedule.warmupSteps, c.warmupSteps, name);
    for (const [step, lr, lrFloat] of c.at) {
      assert.equal(schedule.at(step), lr, `${name} step ${step}`);
      assert.equal(Math.fround(schedule.at(step)), lrFloat, `${name} step ${step} (float)`);
    }
  }
});

test('each step feeds what Trainer/StepRunner feed: batch, learning_rate, step, mask key, dev evaluation', () => {
  for (const c of fixture.trainerSteps) {
    const plan = new BatchPlan(c.lengths, { batchSize: c.batchSize, bucketByLength: c.bucketByLength }, c.seed);
    const total = totalSteps(c.lengths.length, c.batchSize, c.epochs);
    assert.equal(total, c.totalSteps);
    const schedule = new LearningRateSchedule(1e-3, total);
    assert.equal(schedule.warmupSteps, c.warmupSteps);
    for (const s of c.steps) {
      const values = stepValues(s.k, total, { seed: c.seed });
      const position = plan.locate(s.k);
      assert.deepEqual(
        { epoch: position.epoch + 1, batch: position.batch, examples: plan.batchAt(s.k), learningRate: values.learningRate, step: values.step, maskSeed: values.maskSeed, maskStep: values.maskStep, evalAfter: evalDue(s.k + 1, total, plan.batchesPerEpoch) },
        { epoch: s.epoch, batch: s.batch, examples: s.examples, learningRate: s.learningRate, step: BigInt(s.step), maskSeed: BigInt(s.maskSeed), maskStep: BigInt(s.maskStep), evalAfter: s.evalAfter },
        `seed ${c.seed} step ${s.k}`);
    }
  }
});
