// onnxruntime-web, loaded on demand per backend: its WebAssembly bundle for the CPU (measured: a bert-mini step at
// batch 8 in 208 ms against 348 ms with the default bundle, whose JSEP build runs CPU kernels slower) and its WebGPU
// bundle (the native WebGPU provider) for the GPU. Each is its own chunk, so the page fetches only the one it uses.
import type { ExecutionProvider, OrtModule } from './trainer';

const loaded = new Map<ExecutionProvider, Promise<OrtModule>>();

export function runtimeFor(provider: ExecutionProvider): Promise<OrtModule> {
  let module = loaded.get(provider);
  if (!module) loaded.set(provider, module = (provider === 'webgpu' ? import('onnxruntime-web/webgpu') : import('onnxruntime-web/wasm')).then(configure));
  return module;
}

function configure(ort: OrtModule): OrtModule {
  ort.env.wasm.wasmPaths = new URL('./', import.meta.url).href;
  // Half the cores, at most 4 (onnxruntime-web's own default), one without cross-origin isolation: the page's own
  // work (dropout masks, drawing) keeps a core. On 2 cores, 2 threads made a bert-mini step 215 ms against 158 ms.
  ort.env.wasm.numThreads = self.crossOriginIsolated ? Math.min(4, Math.ceil((navigator.hardwareConcurrency || 1) / 2)) : 1;
  return ort;
}
