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
  return Math.min(token.length, 3);
}

/** Two lowercase hex digits of each byte value. */
const HEX2 = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));

/** `(n >>> 0).toString(16).padStart(8, '0')` from a byte table. */
function hex8(n: number): string {
  return HEX2[(n >>> 24) & 0xff]! + HEX2[(n >>> 16) & 0xff]! + HEX2[(n >>> 8) & 0xff]! + HEX2[n & 0xff]!;
}

/**
 * Incremental SimHash: `add` weighted 64-bit token hashes, then `digest`. Bit counts are accumulated
 * four at a time in 8-bit fields of 16 lane counters (flushed before they can overflow), so a token
 * costs 16 additions instead of 64. Reusable after `reset`.
 */
export class SimHashAccumulator {
  private readonly acc = new Int32Array(64);
  /** Lane L of a half counts bits L, L+8, L+16, L+24. */
  private readonly lanes = new Int32Array(16);
  private total = 0;
  private pending = 0;

  reset(): void {
    this.acc.fill(0);
    this.lanes.fill(0);
    this.total = 0;
    this.pending = 0;
  }

  add(hi: number, lo: number, weight: number): void {
    if (weight <= 0) return;
    if (this.pending + weight > 255) this.flush();
    const lanes = this.lanes;
    for (let lane = 0; lane < 8; lane++) {
      lanes[lane]! += ((hi >>> lane) & 0x01010101) * weight;
      lanes[8 + lane]! += ((lo >>> lane) & 0x01010101) * weight;
    }
    this.pending += weight;
    this.total += weight;
  }

  private flush(): void {
    const { acc, lanes } = this;
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
    this.pending = 0;
  }

  /** 16 hex chars; a bit is set when the weighted votes for 1 outnumber those for 0 (2 × ones > total). */
  digest(): string {
    this.flush();
    let hi = 0;
    let lo = 0;
    for (let bit = 0; bit < 32; bit++) {
      if (2 * this.acc[bit]! > this.total) hi |= 1 << bit;
      if (2 * this.acc[32 + bit]! > this.total) lo |= 1 << bit;
    }
    return hex8(hi) + hex8(lo);
  }
}

const shared = new SimHashAccumulator();

/** SimHash of the tokens as 16 hex chars, each token weighted by {@link tokenWeight}. */
export function simhash(tokens: readonly string[]): string {
  shared.reset();
  for (let t = 0; t < tokens.length; t++) {
    const tok = tokens[t]!;
    const [hi, lo] = tokenHash(tok);
    shared.add(hi, lo, tokenWeight(tok));
  }
  return shared.digest();
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
