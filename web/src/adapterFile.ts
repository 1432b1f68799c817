// OrtAdapter's adapter-only file (<name>.adapter.safetensors), as `ortadapter export` writes it: the trained adapter
// and head tensors (no optimizer state) and, as safetensors metadata, what `ortadapter attach` needs to rebuild the
// lean model: recipe, base model SHA-256, task, labels, truncation length and the tokenizer files' text.
import type { Manifest } from './manifest';
import { writeSafeTensors, type SafeTensor } from './safetensors';
import type { TokenizerFiles } from './tokenizer';

export const AdapterFileName = 'model.adapter.safetensors';

export interface AdapterFileInputs {
  manifest: Manifest;
  tokenizer: TokenizerFiles;
  tensors: Map<string, SafeTensor>;
  labels: string[];
  maxLength: number;
  /** The run's summary (best dev epoch, metrics), stored as the file's final metrics. */
  summary: object;
}

export function adapterFileBytes(a: AdapterFileInputs): Uint8Array {
  if (a.labels.length !== a.manifest.num_labels)
    throw new Error(`The data has ${a.labels.length} labels but the artifacts have ${a.manifest.num_labels} outputs.`);
  const p = 'ortadapter.';
  const metadata: Record<string, string> = {
    format: 'ortadapter-adapter',
    [`${p}version`]: 'web-0.1.0',
    [`${p}task`]: a.manifest.task.replace('_', '-'),
    [`${p}activation`]: 'softmax',
    [`${p}labels`]: JSON.stringify(a.labels),
    [`${p}recipe`]: JSON.stringify(a.manifest.recipe),
    [`${p}metrics`]: JSON.stringify(a.summary),
    [`${p}base_model_sha256`]: a.manifest.base_model_sha256,
    [`${p}max_length`]: String(a.maxLength),
    [`${p}tokenizer.lower_case`]: lowerCase(a.tokenizer.tokenizerConfig) ? 'true' : 'false',
  };
  const files: Record<string, string | undefined> = { 'vocab.txt': a.tokenizer.vocab, 'tokenizer_config.json': a.tokenizer.tokenizerConfig, 'config.json': a.tokenizer.config };
  for (const name of a.manifest.tokenizer_files) if (files[name] !== undefined) metadata[`${p}tokenizer.file.${name}`] = files[name]!;
  return writeSafeTensors(a.tensors, metadata);
}

/** BERT's casing as .NET reads it: do_lower_case, true when absent or unreadable. */
function lowerCase(config?: string): boolean {
  if (!config) return true;
  try { return JSON.parse(config).do_lower_case !== false; } catch { return true; }
}
