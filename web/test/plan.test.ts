import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { DotNetRandom } from '../src/dotnetRandom';
import { BatchPlan, epochSeed } from '../src/plan';

const fixture = JSON.parse(readFileSync(new URL('../test/fixtures/parity.json', import.meta.url), 'utf8'));

test('epoch seeds equal BatchPlan.EpochSeed', () => {
  for (const c of fixture.epochSeeds) assert.equal(epochSeed(c.seed, c.epoch), c.value, `seed ${c.seed} epoch ${c.epoch}`);
});

test('DotNetRandom draws what .NET new Random(seed).Next(max) draws', () => {
  for (const c of fixture.random) {
    const random = new DotNetRandom(c.seed);
    assert.deepEqual(c.max.map((max: number) => random.nextInt(max)), c.values, `seed ${c.seed}`);
  }
});

test('batch plans equal .NET BatchPlan epochs (shuffle, bucketing, partial batches)', () => {
  for (const c of fixture.plans) {
    const plan = new BatchPlan(c.lengths, { batchSize: c.batchSize, shuffle: c.shuffle, bucketByLength: c.bucketByLength, bucketWindowBatches: c.bucketWindowBatches }, c.seed);
    const name = `batch ${c.batchSize} shuffle ${c.shuffle} bucket ${c.bucketByLength}/${c.bucketWindowBatches} seed ${c.seed}`;
    assert.equal(plan.batchesPerEpoch, c.batchesPerEpoch, name);
    c.epochs.forEach((epoch: number[][], e: number) => {
      assert.deepEqual(plan.epoch(e), epoch, `${name} epoch ${e}`);
      epoch.forEach((batch, b) => assert.deepEqual(plan.batchAt(e * plan.batchesPerEpoch + b), batch));
    });
  }
});
