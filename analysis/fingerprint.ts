/**
 * 64-bit SimHash over weighted tokens (two 32-bit halves, no BigInt in the hot path), Hamming
 * distance and LSH band keys.
 */

/** Per-token 64-bit hash as [hi, lo], memoised (token vocabularies repeat a lot). */
const hashMemo = new Map<string, Int32Array>();
const MEMO_LIMIT = 200_000;

function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h;
}

/** Two independent 32-bit FNV-1a hashes of the UTF-16 code units, finalised with murmur3's mixer. */
export function tokenHash(token: string): Int32Array {
  let cached = hashMemo.get(token);
  if (cached) return cached;
  let a = 0x811c9dc5;
  let b = 0x050c5d1f;
  for (let i = 0; i < token.length; i++) {
    const c = token.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x01000193) ^ (b >>> 15);
  }
  cached = new Int32Array([fmix32(a), fmix32(b ^ 0x9e3779b9)]);
  if (hashMemo.size >= MEMO_LIMIT) hashMemo.clear();
  hashMemo.set(token, cached);
  return cached;
}

/** Default token weight: longer words carry more meaning than single characters. */
export function tokenWeight(token: string): number {
  return token.length >= 3 ? 3 : token.length === 2 ? 2 : 1;
}

const acc = new Float64Array(64);

function hex8(n: number): string {
  return (n >>> 0).toString(16).padStart(8, '0');
}

/** SimHash of the tokens as 16 hex chars; `weight` defaults to {@link tokenWeight}. */
export function simhash(tokens: readonly string[], weight: (token: string) => number = tokenWeight): string {
  acc.fill(0);
  for (const tok of tokens) {
    const w = weight(tok);
    if (w <= 0) continue;
    const h = tokenHash(tok);
    const hi = h[0]!;
    const lo = h[1]!;
    for (let bit = 0; bit < 32; bit++) {
      acc[bit] = acc[bit]! + ((hi >>> bit) & 1 ? w : -w);
      acc[32 + bit] = acc[32 + bit]! + ((lo >>> bit) & 1 ? w : -w);
    }
  }
  let hi = 0;
  let lo = 0;
  for (let bit = 0; bit < 32; bit++) {
    if (acc[bit]! > 0) hi |= 1 << bit;
    if (acc[32 + bit]! > 0) lo |= 1 << bit;
  }
  return hex8(hi) + hex8(lo);
}

function popcount32(n: number): number {
  n -= (n >>> 1) & 0x55555555;
  n = (n & 0x33333333) + ((n >>> 2) & 0x33333333);
  return (Math.imul((n + (n >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff;
}

/** Hamming distance between two 16-hex-char SimHashes. */
export function hamming(a: string, b: string): number {
  const ahi = Number.parseInt(a.slice(0, 8), 16);
  const alo = Number.parseInt(a.slice(8, 16), 16);
  const bhi = Number.parseInt(b.slice(0, 8), 16);
  const blo = Number.parseInt(b.slice(8, 16), 16);
  return popcount32((ahi ^ bhi) >>> 0) + popcount32((alo ^ blo) >>> 0);
}

/**
 * LSH band keys: the hash split into `bands` equal slices (4 × 16 bits by default), each prefixed
 * with its band number. Two hashes within distance < bands share at least one key.
 */
export function bandKeys(hash: string, bands = 4): string[] {
  const width = 16 / bands;
  const keys: string[] = [];
  for (let i = 0; i < bands; i++) keys.push(`${i}:${hash.slice(i * width, (i + 1) * width)}`);
  return keys;
}
