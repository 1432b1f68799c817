// A guard against WebAssembly's 4 GiB heap (wasm32). A training step holds the frozen weights twice (the training and
// the eval session each keep a copy) and activations that grow with batch x sequence; the dropout masks have exactly
// the shapes of the largest activations, so their total size measures a step's. Past the heap, onnxruntime-web fails
// with std::bad_alloc deep inside a Run; this turns that into a clear message before the run starts.
import type { Manifest } from './manifest';

export const WasmHeapBytes = 4 * 1024 ** 3;
/**
 * Heap bytes per 4 bytes of a step's dropout mask elements (activations, their gradients, arena slack). Measured with
 * tools/heap-probe.ts on all-MiniLM-L6-v2 when masks were float32: one step at 32 x 256 runs (masks 0.71 GiB), at
 * 32 x 288 it fails (0.88 GiB), so the true factor lies between 4.3 and 5.3; the upper end keeps the guard on the safe
 * side. Masks are one byte an element since (format 5), which only lowers the true need.
 */
export const ActivationsPerMaskByte = 5.3;
const RuntimeBytes = 64 * 1024 ** 2;

/** The heap a training step at batch x sequence needs, estimated from the manifest's dropout sites. */
export function estimateHeapBytes(manifest: Manifest, frozenWeightsBytes: number, batch: number, sequence: number): number {
  const ids = manifest.eval_inputs.find(i => i.name === 'input_ids')!;
  const sizes: Record<string, number> = { [ids.dims[0]]: batch, [ids.dims[1]]: sequence };
  const maskBytes = manifest.dropout_masks.reduce((sum, m) => sum + 4 * m.dims.reduce((p, d) => p * (sizes[d] ?? Number(d)), 1), 0);
  return 2 * frozenWeightsBytes + ActivationsPerMaskByte * maskBytes + RuntimeBytes;
}

/** Throws a one-line error naming batch size and max length when a step would not fit the heap. */
export function checkHeap(manifest: Manifest, frozenWeightsBytes: number, batch: number, maxLength: number, budget = WasmHeapBytes * 0.9): void {
  const need = estimateHeapBytes(manifest, frozenWeightsBytes, batch, maxLength);
  if (need <= budget) return;
  let fits = batch;
  while (fits > 1 && estimateHeapBytes(manifest, frozenWeightsBytes, fits, maxLength) > budget) fits--;
  const gib = (b: number) => (b / 1024 ** 3).toFixed(1);
  throw new Error(`Batch size ${batch} x max length ${maxLength} needs about ${gib(need)} GiB of WebAssembly's 4 GiB heap: `
    + `lower the batch size (at most ${fits} at this length) or the max length.`);
}
