/**
 * 64-bit SimHash over weighted tokens (two 32-bit halves, no BigInt in the hot path), Hamming
 * distance and LSH band keys.
 */

function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h;
}

/** Token → 64-bit hash as two 32-bit halves: FNV-1a over the UTF-16 code units, two seeds, murmur3 finaliser. */
export function tokenHash(token: string): [number, number] {
  let a = 0x811c9dc5;
  let b = 0x050c5d1f;
  for (let i = 0; i < token.length; i++) {
    const c = token.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x01000193) ^ (b >>> 15);
  }
  return [fmix32(a), fmix32(b ^ 0x9e3779b9)];
}

/** Default token weight: longer words carry more meaning than single characters. */
export function tokenWeight(token: string): number {
  return token.length >= 3 ? 3 : token.length === 2 ? 2 : 1;
}

const acc = new Int32Array(64);
/** 16 lane counters (8 per half): lane L counts bits L, L+8, L+16, L+24 in four 8-bit fields. */
const lanes = new Int32Array(16);

function hex8(n: number): string {
  return (n >>> 0).toString(16).padStart(8, '0');
}

function flushLanes(): void {
  for (let lane = 0; lane < 8; lane++) {
    const h = lanes[lane]!;
    const l = lanes[8 + lane]!;
    for (let field = 0; field < 4; field++) {
      const bit = lane + 8 * field;
      acc[bit]! += (h >>> (8 * field)) & 0xff;
      acc[32 + bit]! += (l >>> (8 * field)) & 0xff;
    }
  }
  lanes.fill(0);
}

/**
 * SimHash of the tokens as 16 hex chars, each token weighted by {@link tokenWeight}. Bit counts are
 * accumulated 4 at a time in 8-bit fields (flushed before they can overflow).
 */
export function simhash(tokens: readonly string[]): string {
  acc.fill(0);
  lanes.fill(0);
  let total = 0;
  let pending = 0;
  for (let t = 0; t < tokens.length; t++) {
    const tok = tokens[t]!;
    const len = tok.length;
    const w = Math.min(len, 3);
    if (w === 0) continue;
    let a = 0x811c9dc5;
    let b = 0x050c5d1f;
    for (let i = 0; i < len; i++) {
      const c = tok.charCodeAt(i);
      a = Math.imul(a ^ c, 0x01000193);
      b = Math.imul(b ^ c, 0x01000193) ^ (b >>> 15);
    }
    const hi = fmix32(a);
    const lo = fmix32(b ^ 0x9e3779b9);
    if (pending + w > 255) {
      flushLanes();
      pending = 0;
    }
    for (let lane = 0; lane < 8; lane++) {
      lanes[lane]! += ((hi >>> lane) & 0x01010101) * w;
      lanes[8 + lane]! += ((lo >>> lane) & 0x01010101) * w;
    }
    pending += w;
    total += w;
  }
  flushLanes();
  // Bit set when the weighted votes for 1 outnumber those for 0: 2 × ones > total.
  let hi = 0;
  let lo = 0;
  for (let bit = 0; bit < 32; bit++) {
    if (2 * acc[bit]! > total) hi |= 1 << bit;
    if (2 * acc[32 + bit]! > total) lo |= 1 << bit;
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
