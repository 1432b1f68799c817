// Loads an OrtAdapter artifacts folder (manifest, graphs, frozen weights, initial checkpoint, tokenizer files) from a
// URL on the serving host or from a folder the user picked. The frozen weights are checked against the manifest's
// SHA-256, as the .NET trainer checks them, so a stale or damaged file is a clear error, not a wrong model.
import { parseManifest, type Manifest } from './manifest';
import { readSafeTensors, type SafeTensorsContent } from './safetensors';
import type { TokenizerFiles } from './tokenizer';

/** Where the folder's files come from. */
export interface FileSource {
  readonly description: string;
  bytes(path: string): Promise<Uint8Array>;
}

export interface Artifacts {
  source: string;
  manifest: Manifest;
  trainingModel: Uint8Array;
  evalModel: Uint8Array;
  frozenWeights: Uint8Array;
  checkpoint: SafeTensorsContent;
  tokenizer: TokenizerFiles;
}

/** Files under a URL (a folder served by the same static server). */
export function urlSource(base: string, fetcher: typeof fetch = fetch): FileSource {
  const root = base.endsWith('/') ? base : `${base}/`;
  return {
    description: root,
    async bytes(path) {
      const response = await fetcher(root + path);
      if (!response.ok) throw new Error(`${root}${path}: HTTP ${response.status} ${response.statusText}`.trim());
      return new Uint8Array(await response.arrayBuffer());
    },
  };
}

/** Files of a folder picked with <input type="file" webkitdirectory>: paths are relative to the picked folder. */
export function pickedFolderSource(files: ArrayLike<File>): FileSource {
  const byPath = new Map<string, File>();
  let folder = '';
  for (const file of Array.from(files)) {
    const relative = (file as File & { webkitRelativePath?: string }).webkitRelativePath || file.name;
    const slash = relative.indexOf('/');
    folder ||= slash >= 0 ? relative.slice(0, slash) : '';
    byPath.set(slash >= 0 ? relative.slice(slash + 1) : relative, file);
  }
  return {
    description: folder || 'the picked folder',
    async bytes(path) {
      const file = byPath.get(path);
      if (!file) throw new Error(`${folder || 'the picked folder'}: no file '${path}' (pick an OrtAdapter artifacts folder, the one that holds manifest.json)`);
      return new Uint8Array(await file.arrayBuffer());
    },
  };
}

export async function loadArtifacts(source: FileSource, progress: (what: string) => void = () => {}): Promise<Artifacts> {
  const where = (path: string) => `${source.description.replace(/\/?$/, '/')}${path}`;
  const text = async (path: string) => new TextDecoder().decode(await source.bytes(path));
  progress('manifest');
  const manifest = parseManifest(await text('manifest.json'), where('manifest.json'));
  progress('graphs');
  const [trainingModel, evalModel] = await Promise.all([source.bytes(manifest.training_model), source.bytes(manifest.eval_model)]);
  progress('frozen weights');
  let frozenWeights: Uint8Array;
  try { frozenWeights = await source.bytes(manifest.frozen_weights); }
  catch (e) {
    throw new Error(`${(e as Error).message}. The frozen weights are derived from the base model by the .NET side: run 'ortadapter train' (or 'ortadapter build') once for these artifacts.`);
  }
  const sha = await sha256(frozenWeights);
  if (sha !== manifest.frozen_weights_sha256)
    throw new Error(`${where(manifest.frozen_weights)} does not have the SHA-256 its manifest records (stale or damaged): run 'ortadapter train' once for these artifacts to derive it again.`);
  progress('checkpoint');
  const checkpointPath = `${manifest.checkpoint}/weights.safetensors`;
  const checkpoint = readSafeTensors(await source.bytes(checkpointPath), where(checkpointPath));
  const files = Object.fromEntries(await Promise.all(manifest.tokenizer_files.map(async f => [f, await text(f)] as const)));
  if (!files['vocab.txt']) throw new Error(`${where('manifest.json')}: the artifacts list no vocab.txt; the browser trainer reads WordPiece vocabularies`);
  return {
    source: source.description, manifest, trainingModel, evalModel, frozenWeights, checkpoint,
    tokenizer: { vocab: files['vocab.txt'], tokenizerConfig: files['tokenizer_config.json'], config: files['config.json'] },
  };
}

export async function sha256(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
  return Array.from(digest, b => b.toString(16).padStart(2, '0')).join('');
}
