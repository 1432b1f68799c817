// The artifacts' manifest.json (format 5), the contract the .NET trainer also reads: which inputs each graph takes and
// where each comes from, the dropout sites, the loss terms, the trainable tensors. The browser driver works from it,
// never from hard-coded names.

export type FeedSource = 'data' | 'dropout_mask' | 'loss_weight' | 'learning_rate' | 'step' | 'trainable' | 'optimizer_state' | 'gradient';

export interface FedInput { name: string; element_type: string; dims: string[]; source: FeedSource; term?: number }
export interface TensorSpec { name: string; element_type: string; dims: string[] }
export interface DropoutMaskSpec { input: string; dims: string[]; rate: number }
export interface LossTerm { name: string; metric: string; output: string; weight_input: string; default_weight: number }

export interface Manifest {
  format: number;
  base_model_sha256: string;
  opset: number;
  tokenizer_files: string[];
  recipe: Record<string, unknown> & { task: string; num_labels: number; float32_optimizer?: boolean };
  task: string;
  num_labels: number;
  loss_terms: LossTerm[];
  training_model: string;
  eval_model: string;
  optimizer_fused: boolean;
  frozen_weights: string;
  frozen_weights_sha256: string;
  checkpoint: string;
  trainable: TensorSpec[];
  dropout_masks: DropoutMaskSpec[];
  training_inputs: FedInput[];
  training_outputs: TensorSpec[];
  eval_inputs: FedInput[];
  eval_outputs: TensorSpec[];
  trainable_parameter_count: number;
}

export const SupportedFormat = 5;
/** The updated value of a trainable tensor or its AdamW moment: the training graph's output for it. */
export const updatedName = (name: string) => `${name}.updated`;

/** Parses and checks what the browser driver relies on; a mismatch is one line naming the field. */
export function parseManifest(text: string, where: string): Manifest {
  let m: Manifest;
  try { m = JSON.parse(text); } catch (e) { throw new Error(`${where}: not JSON: ${(e as Error).message}`); }
  const fail = (why: string): never => { throw new Error(`${where}: ${why}`); };
  if (m.format !== SupportedFormat) fail(`format ${m.format}; this page reads format ${SupportedFormat} (rebuild the artifacts with this OrtAdapter)`);
  for (const key of ['training_model', 'eval_model', 'frozen_weights', 'checkpoint'] as const)
    if (typeof m[key] !== 'string' || m[key].length === 0) fail(`'${key}' is missing`);
  for (const key of ['trainable', 'dropout_masks', 'training_inputs', 'training_outputs', 'eval_inputs', 'eval_outputs', 'loss_terms', 'tokenizer_files'] as const)
    if (!Array.isArray(m[key])) fail(`'${key}' is not a list`);
  if (!m.optimizer_fused) fail('the optimizer is not fused into the training graph; build the artifacts without --unfused-optimizer');
  if (m.task !== 'single_label') fail(`task '${m.task}'; the browser trainer trains single-label classification`);
  const outputs = new Set(m.training_outputs.map(o => o.name));
  for (const input of m.training_inputs)
    if ((input.source === 'trainable' || input.source === 'optimizer_state') && !outputs.has(updatedName(input.name)))
      fail(`training input '${input.name}' (${input.source}) has no '${updatedName(input.name)}' output`);
  return m;
}
