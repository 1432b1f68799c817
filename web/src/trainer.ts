// One adapter training run's sessions and state in onnxruntime-web: the training graph (forward, backward and the
// fused AdamW: one Run is one step) and the eval graph, both over the same frozen weights. Every input is fed by its
// source in the manifest's contract; every trainable tensor and AdamW moment is replaced by its '.updated' output
// after a step, as the .NET trainer's updated-tensor loop does.
import type * as Ort from 'onnxruntime-web';
import type { Artifacts } from './artifacts';
import { updatedName, type FedInput, type Manifest } from './manifest';
import type { SafeTensor } from './safetensors';
import type { TokenBatch } from './collate';
import { stepMasks } from './masks';

export type OrtModule = typeof Ort;
export type ExecutionProvider = 'wasm' | 'webgpu';

/** The per-step values the .NET trainer feeds besides the batch (schedule.ts computes them). */
export interface StepInputs { learningRate: number; step: bigint; maskSeed: bigint; maskStep: bigint; lossWeights: number[] }
export interface StepResult { loss: number; terms: number[]; gradNorm: number; milliseconds: number }
export interface EvalResult { logits: Float32Array; numLabels: number; loss: number; terms: number[] }

export class AdapterTrainer {
  private constructor(
    private readonly ort: OrtModule,
    readonly manifest: Manifest,
    private readonly training: Ort.InferenceSession,
    private readonly evaluation: Ort.InferenceSession,
    /** Trainable tensors and their AdamW moments, by input name. */
    private readonly state: Map<string, Ort.Tensor>,
    private readonly batchDims: [string, string],
  ) {}

  /** Dropout mask buffers, one per site, grown to the largest batch seen: a step allocates no mask arrays. */
  private readonly maskBuffers = new Map<string, Uint8Array>();

  /** With 'webgpu', <paramref>ort</paramref> is onnxruntime-web's WebGPU bundle, which has no double kernels. */
  static async create(ort: OrtModule, artifacts: Artifacts, provider: ExecutionProvider = 'wasm'): Promise<AdapterTrainer> {
    const m = artifacts.manifest;
    if (provider === 'webgpu' && !(globalThis.navigator as Navigator & { gpu?: unknown } | undefined)?.gpu)
      throw new Error('This browser offers no WebGPU (navigator.gpu): choose the WebAssembly backend.');
    if (provider === 'webgpu' && !m.recipe.float32_optimizer)
      throw new Error(`${artifacts.source}: these artifacts' AdamW computes its scalars in double, which onnxruntime-web's WebGPU bundle cannot run: build them with 'ortadapter build --float32-optimizer', or train with WebAssembly.`);
    for (const input of [...m.training_inputs, ...m.eval_inputs])
      if (input.source === 'data' && !TokenInputs.has(input.name) && input.name !== 'labels')
        throw new Error(`The artifacts' graphs read data input '${input.name}' (a per-row vector column); the browser trainer feeds tokens and labels only.`);
    const options: Ort.InferenceSession.SessionOptions = {
      executionProviders: [provider],
      graphOptimizationLevel: 'all',
      externalData: [{ path: m.frozen_weights, data: artifacts.frozenWeights }],
    };
    const training = await ort.InferenceSession.create(artifacts.trainingModel, options);
    const evaluation = await ort.InferenceSession.create(artifacts.evalModel, options);
    const state = new Map<string, Ort.Tensor>();
    for (const input of m.training_inputs.filter(i => i.source === 'trainable' || i.source === 'optimizer_state')) {
      const saved = artifacts.checkpoint.tensors.get(input.name);
      if (!saved || saved.dtype !== 'F32') throw new Error(`${artifacts.source}${m.checkpoint}/weights.safetensors: no float tensor '${input.name}', which the training graph needs.`);
      state.set(input.name, new ort.Tensor('float32', Float32Array.from(saved.data as Float32Array), saved.shape));
    }
    const ids = m.eval_inputs.find(i => i.name === 'input_ids');
    if (!ids || ids.dims.length !== 2) throw new Error(`${artifacts.source}manifest.json: the eval graph has no [batch, sequence] 'input_ids' input.`);
    return new AdapterTrainer(ort, m, training, evaluation, state, [ids.dims[0], ids.dims[1]]);
  }

  /** One optimizer step on a batch; the state moves to the graph's updated tensors. */
  async step(batch: TokenBatch, labels: BigInt64Array, values: StepInputs): Promise<StepResult> {
    const started = performance.now();
    const feeds = this.feeds(this.manifest.training_inputs, batch, labels, values);
    const out = await this.training.run(feeds);
    for (const name of this.state.keys()) this.state.set(name, out[updatedName(name)]);
    const scalar = (name: string) => (out[name].data as Float32Array)[0];
    return {
      loss: scalar('loss'),
      terms: this.manifest.loss_terms.map(t => scalar(t.output)),
      gradNorm: scalar('grad_norm'),
      milliseconds: performance.now() - started,
    };
  }

  /** Logits (and the loss) of a batch with the current weights; no dropout, no update. */
  async evaluate(batch: TokenBatch, labels: BigInt64Array, lossWeights: number[]): Promise<EvalResult> {
    const feeds = this.feeds(this.manifest.eval_inputs, batch, labels, { learningRate: 0, step: 0n, maskSeed: 0n, maskStep: 0n, lossWeights });
    const out = await this.evaluation.run(feeds);
    const scalar = (name: string) => (out[name].data as Float32Array)[0];
    return {
      logits: Float32Array.from(out['logits'].data as Float32Array),
      numLabels: this.manifest.num_labels,
      loss: scalar('loss'),
      terms: this.manifest.loss_terms.map(t => scalar(t.output)),
    };
  }

  /** The trainable tensors (no moments), for the adapter file. */
  trainableTensors(): Map<string, SafeTensor> {
    return new Map(this.manifest.trainable.map(t => {
      const tensor = this.state.get(t.name)!;
      return [t.name, { dtype: 'F32', shape: tensor.dims.map(Number), data: Float32Array.from(tensor.data as Float32Array) }];
    }));
  }

  async release(): Promise<void> {
    await this.training.release();
    await this.evaluation.release();
  }

  private feeds(inputs: FedInput[], batch: TokenBatch, labels: BigInt64Array, values: StepInputs): Record<string, Ort.Tensor> {
    const { ort } = this;
    const feeds: Record<string, Ort.Tensor> = {};
    const tokens = [batch.batchSize, batch.sequenceLength];
    const columns: Record<string, [BigInt64Array, number[]]> = {
      input_ids: [batch.inputIds, tokens], attention_mask: [batch.attentionMask, tokens], token_type_ids: [batch.tokenTypeIds, tokens],
      labels: [labels, [batch.batchSize]],
    };
    let masks = false;
    for (const input of inputs) {
      switch (input.source) {
        case 'data': feeds[input.name] = new ort.Tensor('int64', columns[input.name][0], columns[input.name][1]); break;
        case 'loss_weight': feeds[input.name] = new ort.Tensor('float32', new Float32Array([values.lossWeights[input.term! - 1]]), []); break;
        case 'learning_rate': feeds[input.name] = new ort.Tensor('float32', new Float32Array([values.learningRate]), []); break;
        case 'step': feeds[input.name] = new ort.Tensor('int64', new BigInt64Array([values.step]), []); break;
        case 'trainable': case 'optimizer_state': feeds[input.name] = this.state.get(input.name)!; break;
        case 'dropout_mask': masks = true; break;
        default: throw new Error(`Graph input '${input.name}' has source '${input.source}', which the browser trainer does not feed.`);
      }
    }
    if (masks) {
      const sizes = { [this.batchDims[0]]: batch.batchSize, [this.batchDims[1]]: batch.sequenceLength };
      // Safe to reuse: the WebAssembly and WebGPU backends copy inputs into their own memory before a Run returns.
      for (const mask of stepMasks(this.manifest.dropout_masks, sizes, values.maskSeed, values.maskStep, this.maskBuffers))
        feeds[mask.input] = new ort.Tensor('uint8', mask.data, mask.shape);
    }
    return feeds;
  }
}

const TokenInputs = new Set(['input_ids', 'attention_mask', 'token_type_ids']);
