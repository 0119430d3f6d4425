/**
 * PII masking for display: mainland mobile numbers, resident ID numbers (checksum-validated), bank
 * card numbers (Luhn-validated) and e-mail addresses. Numbers that fail validation (order ids,
 * amounts, dates) are left alone. Full-width digits are recognised too.
 */

export interface PiiCounts {
  phone: number;
  idCard: number;
  bankCard: number;
  email: number;
}

export interface MaskResult {
  text: string;
  found: PiiCounts;
}

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';

/** ISO 7064 MOD 11-2 check character of the first 17 digits of an 18-digit ID number. */
export function idCardCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += (first17.charCodeAt(i) - 48) * ID_WEIGHTS[i]!;
  return ID_CHECK[sum % 11]!;
}

function plausibleDate(y: number, m: number, d: number): boolean {
  return m >= 1 && m <= 12 && d >= 1 && d <= 31 && y >= 1900 && y <= 2100;
}

/** 18 digits (last may be X) with a valid checksum and birth date, or 15 digits with a plausible date. */
export function isValidIdCard(digits: string): boolean {
  if (digits.length === 18) {
    if (!/^[1-9]\d{16}[\dX]$/.test(digits)) return false;
    if (!plausibleDate(Number(digits.slice(6, 10)), Number(digits.slice(10, 12)), Number(digits.slice(12, 14)))) return false;
    return idCardCheckChar(digits) === digits[17];
  }
  if (digits.length === 15) {
    if (!/^[1-8]\d{14}$/.test(digits)) return false;
    return plausibleDate(1900 + Number(digits.slice(6, 8)), Number(digits.slice(8, 10)), Number(digits.slice(10, 12)));
  }
  return false;
}

/** Luhn checksum over a digit string. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

/** Full-width ＋ － ０-９ ＠ Ａ-Ｚ ａ-ｚ (what PII is made of) → ASCII: one code unit for one, so indices stay aligned. */
function isFoldable(c: number): boolean {
  return c === 0xff0b || c === 0xff0d || c === 0xff0e || (c >= 0xff10 && c <= 0xff19) || (c >= 0xff20 && c <= 0xff3a) || (c >= 0xff41 && c <= 0xff5a);
}

function foldWidth(text: string): string {
  let out = '';
  let last = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xff0b && c <= 0xff5a && isFoldable(c)) {
      out += text.slice(last, i) + String.fromCharCode(c - 0xfee0);
      last = i + 1;
    }
  }
  return last === 0 ? text : out + text.slice(last);
}

// A run of digits with single spaces/dashes between groups, an optional +86/86 prefix and a trailing X.
// Sticky: tried only where a run of its characters long enough for PII starts (see maskPii).
const NUMBER_RUN_RE = /(?<![\dA-Za-z])(?:\+?86[\s-]?)?\d(?:[\s-]?\d)*[Xx]?(?![\dA-Za-z])/y;
/** 1 for the code units a NUMBER_RUN_RE match is made of (digits, +, -, X, x, white space); 2 for those it starts with (digits, +). */
const RUN_CHAR = new Uint8Array(0x10000);
{
  const ws = /^\s$/;
  for (let c = 0; c < 0x10000; c++) if (ws.test(String.fromCharCode(c))) RUN_CHAR[c] = 1;
  for (const ch of '-Xx') RUN_CHAR[ch.charCodeAt(0)] = 1;
  for (const ch of '+0123456789') RUN_CHAR[ch.charCodeAt(0)] = 2;
}
/**
 * What maskPii's first pass needs to know of a code unit, for the character it becomes after foldWidth:
 * DIGIT (0-9), AT (@), FOLD (foldWidth changes it), and its RUN_CHAR class (RUN, plus START for + and digits).
 */
const DIGIT = 1;
const AT = 2;
const FOLD = 4;
const RUN = 8;
const START = 16;
const PRE = new Uint8Array(0x10000);
for (let c = 0; c < 0x10000; c++) {
  const fold = c >= 0xff0b && c <= 0xff5a && isFoldable(c);
  const f = fold ? c - 0xfee0 : c;
  let bits = fold ? FOLD : 0;
  if (f >= 48 && f <= 57) bits |= DIGIT;
  if (f === 64) bits |= AT;
  if (RUN_CHAR[f] !== 0) bits |= RUN;
  if (RUN_CHAR[f] === 2) bits |= START;
  PRE[c] = bits;
}

const EMAIL_RE = /(?<![A-Za-z0-9._%+-])([A-Za-z0-9._%+-]+)@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})/g;

type Kind = keyof PiiCounts;

/**
 * True when some @ has a local-part character before it and a domain character after it, which every
 * EMAIL_RE match needs: `转发@招行客服` handles then skip the regex (it would try every position).
 */
function emailPossible(scan: string): boolean {
  for (let at = scan.indexOf('@'); at !== -1; at = scan.indexOf('@', at + 1)) {
    if (at === 0 || at + 1 >= scan.length) continue;
    const b = scan.charCodeAt(at - 1);
    const a = scan.charCodeAt(at + 1);
    const localOk = isAsciiAlnum(b) || b === 46 || b === 95 || b === 37 || b === 43 || b === 45;
    if (localOk && (isAsciiAlnum(a) || a === 45)) return true;
  }
  return false;
}

function isAsciiAlnum(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

/** Classifies a digit string (separators removed). Returns the masked form or undefined. */
function classify(digits: string, prefix: string): { kind: Kind; masked: string } | undefined {
  const upper = digits.toUpperCase();
  if (digits.length === 11 && /^1[3-9]/.test(digits)) return { kind: 'phone', masked: `${prefix}${digits.slice(0, 3)}****${digits.slice(7)}` };
  if ((upper.length === 18 || upper.length === 15) && isValidIdCard(upper)) {
    return { kind: 'idCard', masked: `${upper.slice(0, 6)}${'*'.repeat(upper.length - 10)}${upper.slice(-4)}` };
  }
  if (/^\d{16,19}$/.test(digits) && luhnValid(digits)) return { kind: 'bankCard', masked: `${'*'.repeat(digits.length - 4)}${digits.slice(-4)}` };
  return undefined;
}

function classifyRun(run: string): { kind: Kind; masked: string } | undefined {
  // The +86 prefix belongs to the phone number only.
  const pm = /^(\+?86)[\s-]?/.exec(run);
  const body = pm ? run.slice(pm[0].length) : run;
  const digits = body.replace(/[\s-]/g, '');
  const whole = classify(digits, pm ? `${pm[1]} ` : '');
  if (whole && (pm === null || whole.kind === 'phone')) return whole;
  if (pm) {
    const withPrefix = classify(run.replace(/[\s+-]/g, ''), '');
    if (withPrefix && withPrefix.kind !== 'phone') return withPrefix;
  }
  return undefined;
}

/** Masks PII in `text`; counts what was found. */
export function maskPii(text: string): MaskResult {
  const found: PiiCounts = { phone: 0, idCard: 0, bankCard: 0, email: 0 };
  // One pass over the text as foldWidth would make it. Most posts have neither 11 digits (ASCII or
  // full-width) nor an @ (ASCII or full-width): nothing to fold or scan then. The number scan below
  // tries NUMBER_RUN_RE only where a span of RUN_CHAR code units, counted from its first digit or +,
  // is at least 11 long (`long`): without one it would find nothing.
  const n = text.length;
  let flags = 0;
  let digits = 0;
  let spanStart = -1;
  let long = false;
  for (let i = 0; i < n; i++) {
    const b = PRE[text.charCodeAt(i)]!;
    if (b === 0) {
      spanStart = -1;
      continue;
    }
    flags |= b;
    if ((b & DIGIT) !== 0) digits++;
    if ((b & RUN) === 0) spanStart = -1;
    else {
      if (spanStart < 0 && (b & START) !== 0) spanStart = i;
      if (spanStart >= 0 && i - spanStart >= 10) long = true;
    }
  }
  const numbers = digits >= 11 && long;
  if (!numbers && (flags & AT) === 0) return { text, found };
  const scan = (flags & FOLD) !== 0 ? foldWidth(text) : text;
  const edits: Array<[number, number, string]> = [];
  if (numbers) {
    // Same matches as a global search: a match starts with a digit or +, and lies within a span of
    // RUN_CHAR code units, so a span shorter than 11 holds only matches too short to be PII.
    for (let pos = 0; pos < scan.length; ) {
      if (RUN_CHAR[scan.charCodeAt(pos)] !== 2) {
        pos++;
        continue;
      }
      let q = pos + 1;
      while (q < scan.length && RUN_CHAR[scan.charCodeAt(q)] !== 0) q++;
      if (q - pos < 11) {
        pos = q;
        continue;
      }
      NUMBER_RUN_RE.lastIndex = pos;
      const m = NUMBER_RUN_RE.exec(scan);
      if (m === null) {
        pos++;
        continue;
      }
      const run = m[0];
      pos += run.length;
      if (run.length < 11) continue;
      const res = classifyRun(run);
      if (res === undefined && /\s/.test(run)) {
        // Two numbers side by side (`13812345678 6222…`): try each space-separated piece.
        let offset = 0;
        for (const piece of run.split(/\s/)) {
          const r = piece.length >= 11 ? classifyRun(piece) : undefined;
          if (r !== undefined) {
            found[r.kind]++;
            edits.push([m.index + offset, m.index + offset + piece.length, r.masked]);
          }
          offset += piece.length + 1;
        }
        continue;
      }
      if (res === undefined) continue;
      found[res.kind]++;
      edits.push([m.index, m.index + run.length, res.masked]);
    }
  }
  if ((flags & AT) !== 0 && emailPossible(scan)) {
    EMAIL_RE.lastIndex = 0;
    for (let m = EMAIL_RE.exec(scan); m !== null; m = EMAIL_RE.exec(scan)) {
      found.email++;
      edits.push([m.index, m.index + m[0].length, `${m[1]![0]}***@${m[2]}`]);
    }
  }
  if (edits.length === 0) return { text, found };
  edits.sort((a, b) => a[0] - b[0]);
  let out = '';
  let last = 0;
  for (const [s, e, rep] of edits) {
    if (s < last) continue;
    out += text.slice(last, s) + rep;
    last = e;
  }
  return { text: out + text.slice(last), found };
}
