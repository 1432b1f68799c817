import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dropoutHash, dropoutKeys, dropoutScale, dropoutThreshold, fillDropoutMask, stepMasks, type DropoutSite } from '../src/masks';

const fixture = JSON.parse(readFileSync(new URL('../test/fixtures/parity.json', import.meta.url), 'utf8'));

/** The fixture's FNV-1a (32-bit) over kept bits. */
function checksum(mask: Uint8Array): number {
  let h = 2166136261;
  for (let i = 0; i < mask.length; i++) h = Math.imul(h ^ (mask[i] === 0 ? 0 : 1), 16777619) >>> 0;
  return h;
}

const bits = (mask: Uint8Array) => Array.from(mask, v => (v === 0 ? '0' : '1')).join('');

test('dropout keys, hashes, thresholds and masks equal .NET DropoutMaskGenerator', () => {
  for (const c of fixture.masks) {
    const [seed, step, offset] = [BigInt(c.seed), BigInt(c.step), Number(c.offset)];
    const name = `seed ${c.seed} step ${c.step} offset ${c.offset} rate ${c.rate}`;
    const [k0, k1] = dropoutKeys(seed, step);
    assert.deepEqual([k0, k1], [c.k0, c.k1], name);
    for (const [index, hash] of c.hashes) assert.equal(dropoutHash(index, k0, k1), hash, `${name} hash(${index})`);
    assert.equal(dropoutThreshold(c.rate), c.threshold, name);
    const mask = new Uint8Array(c.length);
    fillDropoutMask(mask, c.length, c.rate, seed, step, offset);
    const scale = new Float32Array(new Uint32Array([c.scaleBits]).buffer)[0];
    if (c.rate > 0) assert.equal(dropoutScale(c.rate), scale, name);
    assert.ok(mask.every(v => v === 0 || v === 1), `${name}: every element is 0 or 1`);
    if (c.kept !== undefined) assert.equal(bits(mask), c.kept, name);
    assert.equal(mask.filter(v => v !== 0).length, c.keptCount, name);
    assert.equal(checksum(mask), c.checksum, name);
  }
});

test('a step of the bundled MiniLM recipe fills every site as FeedBuilder does', () => {
  for (const c of fixture.stepMasks) {
    const masks = stepMasks(c.sites as DropoutSite[], { batch: c.batch, sequence: c.sequence }, BigInt(c.seed), BigInt(c.step));
    assert.equal(masks.length, c.masks.length);
    masks.forEach((m, i) => {
      const expected = c.masks[i];
      assert.equal(m.input, expected.input);
      assert.deepEqual(m.shape, expected.shape);
      assert.equal(checksum(m.data), expected.checksum, m.input);
      assert.equal(m.data.filter(v => v !== 0).length, expected.keptCount, m.input);
      assert.equal(bits(m.data.subarray(0, expected.first.length)), expected.first, m.input);
    });
  }
});

test('a MiniLM step at 8x32 (~1M elements) fills fast', () => {
  const sites = fixture.stepMasks[0].sites as DropoutSite[];
  const buffers = new Map<string, Uint8Array>();
  stepMasks(sites, { batch: 8, sequence: 32 }, 0n, 0n, buffers);
  const start = performance.now();
  const masks = stepMasks(sites, { batch: 8, sequence: 32 }, 0n, 1n, buffers);
  const ms = performance.now() - start;
  const total = masks.reduce((n, m) => n + m.data.length, 0);
  assert.ok(total > 900_000, `${total} elements`);
  assert.ok(ms < 500, `${ms.toFixed(1)} ms for ${total} elements`);
});
