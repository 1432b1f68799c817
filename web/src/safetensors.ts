// The safetensors format, as OrtAdapter's .NET side reads and writes it: an 8-byte little-endian header length, a JSON
// header {name: {dtype, shape, data_offsets}, "__metadata__": {string: string}} padded with spaces to 8 bytes, then
// the tensors' bytes. Written in ordinal name order with compact JSON, as .NET writes it.

export interface SafeTensor { dtype: 'F32' | 'I64'; shape: number[]; data: Float32Array | BigInt64Array }
export interface SafeTensorsContent { tensors: Map<string, SafeTensor>; metadata: Record<string, string> }

const MetadataKey = '__metadata__';
const ElementBytes = { F32: 4, I64: 8 } as const;

export function readSafeTensors(bytes: Uint8Array, what: string): SafeTensorsContent {
  const fail = (why: string): never => { throw new Error(`${what}: ${why} (not a readable safetensors file)`); };
  if (bytes.length < 8) fail(`${bytes.length} bytes, shorter than the 8-byte header length`);
  const headerLength = Number(new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true));
  if (headerLength > bytes.length - 8) fail(`header length ${headerLength} exceeds the file`);
  let header: Record<string, unknown>;
  try { header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + headerLength))); }
  catch (e) { return fail(`header is not JSON: ${(e as Error).message}`); }
  const dataStart = 8 + headerLength;
  const tensors = new Map<string, SafeTensor>();
  let metadata: Record<string, string> = {};
  for (const [name, entry] of Object.entries(header)) {
    if (name === MetadataKey) { metadata = entry as Record<string, string>; continue; }
    const { dtype, shape, data_offsets: offsets } = entry as { dtype: string; shape: number[]; data_offsets: [number, number] };
    if (dtype !== 'F32' && dtype !== 'I64') fail(`tensor '${name}' has dtype ${dtype}; only F32 and I64 are read here`);
    const [begin, end] = offsets;
    const count = shape.reduce((p, d) => p * d, 1);
    if (end - begin !== count * ElementBytes[dtype as 'F32' | 'I64'] || dataStart + end > bytes.length)
      fail(`tensor '${name}' has offsets [${begin}, ${end}] that do not fit its shape [${shape}] or the file`);
    // Copied (a new Uint8Array from a view copies; a Node Buffer's slice would not): the tensor may be unaligned in
    // the file, and the caller owns it.
    const raw = new Uint8Array(bytes.subarray(dataStart + begin, dataStart + end)).buffer;
    tensors.set(name, { dtype: dtype as 'F32' | 'I64', shape, data: dtype === 'F32' ? new Float32Array(raw) : new BigInt64Array(raw) });
  }
  return { tensors, metadata };
}

export function writeSafeTensors(tensors: Map<string, SafeTensor>, metadata?: Record<string, string>): Uint8Array {
  const names = [...tensors.keys()].sort(ordinal);
  const header: Record<string, unknown> = {};
  if (metadata && Object.keys(metadata).length > 0)
    header[MetadataKey] = Object.fromEntries(Object.keys(metadata).sort(ordinal).map(k => [k, metadata[k]]));
  let offset = 0;
  for (const name of names) {
    const t = tensors.get(name)!;
    header[name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset += t.data.byteLength] };
  }
  let json: Uint8Array = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(json.length / 8) * 8;
  if (padded !== json.length) json = concat([json, new TextEncoder().encode(' '.repeat(padded - json.length))]);
  const length = new Uint8Array(8);
  new DataView(length.buffer).setBigUint64(0, BigInt(json.length), true);
  return concat([length, json, ...names.map(n => { const d = tensors.get(n)!.data; return new Uint8Array(d.buffer, d.byteOffset, d.byteLength); })]);
}

/** Ordinal (UTF-16 code unit) order, as .NET's StringComparer.Ordinal. */
export function ordinal(a: string, b: string): number { return a < b ? -1 : a > b ? 1 : 0; }

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}
