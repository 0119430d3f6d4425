import type { Mention, SeveritySignals } from '../lib/domain.js';
import { type AcMatches, SharedDictionary } from './ahocorasick.js';
import { isNegated } from './textutil.js';

/** Regulator mentions → canonical name. */
const REGULATORS: Array<[string, string]> = [
  ['国家金融监督管理总局', '国家金融监督管理总局'],
  ['国家金融监管总局', '国家金融监督管理总局'],
  ['金融监管总局', '国家金融监督管理总局'],
  ['金融监管局', '国家金融监督管理总局'],
  ['银保监会', '银保监会'],
  ['银保监局', '银保监会'],
  ['银保监', '银保监会'],
  ['银监会', '银监会'],
  ['银监局', '银监会'],
  ['中国人民银行', '中国人民银行'],
  ['人民银行', '中国人民银行'],
  ['央行', '中国人民银行'],
  ['12378', '12378'],
  ['12363', '12363'],
  ['消保', '消费者权益保护'],
  ['消费者权益保护', '消费者权益保护'],
  ['金融消费权益保护', '消费者权益保护'],
  ['证监会', '证监会'],
  ['地方金融管理局', '地方金融管理局'],
  ['地方金融监督管理局', '地方金融管理局'],
];

const COLLECTIVE = [
  '集体',
  '维权群',
  '联名',
  '集体诉讼',
  '集体投诉',
  '集体维权',
  '组团维权',
  '一起维权',
  '受害者群',
  '受害人群',
  '拉了个群',
  '建了个群',
  '维权qq群',
  '维权微信群',
];
const RUN = [
  '挤兑',
  '兑付困难',
  '延期兑付',
  '无法兑付',
  '取不出钱',
  '取不出来钱',
  '钱取不出来',
  '取不了钱',
  '银行要倒闭',
  '要倒闭了',
  '银行倒闭',
  '快倒闭',
  '暴雷',
  '爆雷',
];

// 多名受害者, 上百名储户, 30多位客户
const CROWD_RE = /(?:多|上百|数百|几百|上千|数千|几千|几十|数十|近百|近千|\d{2,}多?)(?:名|位|个)(?:受害者|受害人|客户|储户|投资者|持卡人|用户|借款人|业主)/;

// Optional currency prefix, a number (Arabic with thousands separators, or Chinese numerals), an
// optional multiplier and an optional unit. Accepted only with a currency sign, 元/块, or a multiplier
// after a money verb (亏了3万).
// Sticky: tried only at the code units a match can start with (AMOUNT_START), which finds the same
// matches as a global search without the engine attempting the pattern at every position.
const AMOUNT_RE =
  /(¥|￥|RMB|人民币)?\s*(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|[零〇一二两三四五六七八九十百千万亿]+)\s*(万|千|亿|w|k)?\s*(元|块|人民币)?/y;
/** 1 for the code units AMOUNT_RE can match first: a currency's first char, white space, a digit or numeral. */
const AMOUNT_START = new Uint8Array(0x10000);
const AMOUNT_NEXT = new Uint8Array(0x10000);
{
  const first = /^(?:[¥￥R人]|\s|[\d零〇一二两三四五六七八九十百千万亿])$/;
  for (let c = 0; c < 0x10000; c++) if (first.test(String.fromCharCode(c))) AMOUNT_START[c] = 1;
  for (const ch of '零〇一二两三四五六七八九十百千万亿') AMOUNT_START[ch.charCodeAt(0)] = 2;
  for (const ch of '0123456789') AMOUNT_START[ch.charCodeAt(0)] = 3;
  // After a numeral run, the code units that may continue a match: white space, w, k, 元, 块, 人(民币).
  const cont = /^(?:\s|[wk元块人])$/;
  for (let c = 0; c < 0x10000; c++) if (cont.test(String.fromCharCode(c))) AMOUNT_NEXT[c] = 1;
}
const MONEY_VERB_RE = /(?:亏|损失|扣|欠|骗|刷|借|贷|存|取|转|赔|罚|投|买|还|花|套|额度|本金|收益)[了走掉款入出给回到去过]?[^\d，。,]{0,2}$/;
const MULT: Record<string, number> = { 万: 1e4, w: 1e4, 千: 1e3, k: 1e3, 亿: 1e8 };
const CN_DIGITS: Record<string, number> = { 零: 0, 〇: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };
const CN_UNITS: Record<string, number> = { 十: 10, 百: 100, 千: 1000 };

/** Parses basic Chinese numerals: 一万五千 → 15000, 十二 → 12, 一万五 → 15000, 两千五 → 2500. */
export function parseChineseNumber(s: string): number | undefined {
  let total = 0;
  let section = 0;
  let num = 0;
  let lastUnit = 0;
  let zero = false;
  for (const ch of s) {
    const d = CN_DIGITS[ch];
    if (d !== undefined) {
      if (d === 0) zero = true;
      num = d;
      continue;
    }
    const u = CN_UNITS[ch];
    if (u !== undefined) {
      section += (num || 1) * u;
      num = 0;
      lastUnit = u;
      zero = false;
      continue;
    }
    if (ch !== '万' && ch !== '亿') return undefined;
    total += (section + num) * (ch === '万' ? 1e4 : 1e8);
    section = 0;
    num = 0;
    lastUnit = ch === '万' ? 1e4 : 1e8;
    zero = false;
  }
  // 一万五 / 两千五: a digit right after a unit (no 零) means one tenth of that unit.
  const tail = num > 0 && !zero && lastUnit >= 100 ? num * (lastUnit / 10) : num;
  return total + section + tail;
}

/** First chars of CROWD_RE's nouns (受害者 客户 储户 投资者 持卡人 用户 借款人 业主). */
const CROWD_NOUN_START = new Set([...'受客储投持用借业'].map((c) => c.charCodeAt(0)));

/** True when some 名/位/个 is followed by the first char of a CROWD_RE noun, which every match needs. */
function crowdPossible(text: string): boolean {
  for (let i = 0; i + 1 < text.length; i++) {
    const c = text.charCodeAt(i);
    // 名 位 个
    if ((c === 0x540d || c === 0x4f4d || c === 0x4e2a) && CROWD_NOUN_START.has(text.charCodeAt(i + 1))) return true;
  }
  return false;
}

/**
 * Code-unit classes of the amount hint, `/[\d零〇一二两三四五六七八九十百千万亿]\s*[元块万千亿wk]|[¥￥]|RMB|人民币/`
 * (a unit right after a digit or Chinese numeral, or a currency): bit 1 numeral, bit 2 white space (JS
 * `\s`), bit 4 unit.
 */
const HINT_NUMERAL = 1;
const HINT_SPACE = 2;
const HINT_UNIT = 4;
const HINT_CLASS = new Uint8Array(0x10000);
{
  const space = /^\s$/;
  for (let c = 0; c < 0x10000; c++) if (space.test(String.fromCharCode(c))) HINT_CLASS[c]! |= HINT_SPACE;
  for (const ch of '0123456789零〇一二两三四五六七八九十百千万亿') HINT_CLASS[ch.charCodeAt(0)]! |= HINT_NUMERAL;
  for (const ch of '元块万千亿wk') HINT_CLASS[ch.charCodeAt(0)]! |= HINT_UNIT;
}

/**
 * True when the text can hold an amount: a unit right after a digit or Chinese numeral (spaces
 * between allowed), or a currency (¥ ￥ RMB 人民币). Same answer as the regex above, in one pass with
 * table lookups (the regex engine tries its alternation at every position).
 */
export function hasAmountHint(text: string): boolean {
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if ((HINT_CLASS[c]! & HINT_NUMERAL) !== 0) {
      let j = i + 1;
      while (j < n && (HINT_CLASS[text.charCodeAt(j)]! & HINT_SPACE) !== 0) j++;
      if (j < n && (HINT_CLASS[text.charCodeAt(j)]! & HINT_UNIT) !== 0) return true;
    } else if (c === 0xa5 || c === 0xffe5) return true;
    // RMB, 人民币
    else if (c === 0x52 ? text.startsWith('RMB', i) : c === 0x4eba && text.startsWith('人民币', i)) return true;
  }
  return false;
}

/** Largest money amount in yuan, or undefined. */
export function largestAmount(text: string): number | undefined {
  if (!hasAmountHint(text)) return undefined;
  let best: number | undefined;
  for (let pos = 0; pos < text.length; ) {
    const kind = AMOUNT_START[text.charCodeAt(pos)]!;
    if (kind === 0) {
      pos++;
      continue;
    }
    if (kind === 2) {
      // A Chinese-numeral run (一 of 一直, 两 of 两个) followed by nothing that can extend the match is a
      // whole match without currency, multiplier or unit: never an amount, so no regex call.
      let end = pos + 1;
      while (end < text.length && AMOUNT_START[text.charCodeAt(end)] === 2) end++;
      if (end === text.length || AMOUNT_NEXT[text.charCodeAt(end)] === 0) {
        pos = end;
        continue;
      }
    } else if (kind === 3) {
      // Likewise a run of digits, commas and points (13 of 13%, 2025.11) that is not followed by a
      // space, multiplier or unit: every match starting inside it ends inside it, bare.
      let end = pos + 1;
      for (; end < text.length; end++) {
        const c = text.charCodeAt(end);
        if (!((c >= 48 && c <= 57) || c === 44 || c === 46)) break;
      }
      const next = end < text.length ? text.charCodeAt(end) : -1;
      if (next === -1 || (AMOUNT_NEXT[next] === 0 && next !== 0x4e07 && next !== 0x5343 && next !== 0x4ebf)) {
        pos = end;
        continue;
      }
    }
    AMOUNT_RE.lastIndex = pos;
    const m = AMOUNT_RE.exec(text);
    if (m === null) {
      pos++;
      continue;
    }
    const [whole, currency, numText, multText, unit] = m;
    if (whole.length === 0) {
      pos++;
      continue;
    }
    pos += whole.length;
    if (!currency && !unit) {
      if (!multText) continue;
      if (!MONEY_VERB_RE.test(text.slice(Math.max(0, m.index - 6), m.index))) continue;
    }
    const base = /^\d/.test(numText!) ? Number(numText!.replaceAll(',', '')) : parseChineseNumber(numText!);
    if (base === undefined || !Number.isFinite(base)) continue;
    const value = base * (multText ? MULT[multText]! : 1);
    if (value > 0 && (best === undefined || value > best)) best = value;
  }
  return best;
}

type Payload = { kind: 'regulator'; name: string } | { kind: 'collective' } | { kind: 'run' };

export interface SeverityScanner {
  /** Signals of one post; `mention` supplies reach (author followers + reposts + comments). */
  scan(text: string, mention?: Pick<Mention, 'author' | 'metrics'>, matches?: AcMatches): SeveritySignals;
}

/** `shared`: register the terms in a shared automaton (one scan per post for every stage). */
export function createSeverityScanner(shared: SharedDictionary = new SharedDictionary()): SeverityScanner {
  const entries: Array<[string, Payload]> = [
    ...REGULATORS.map(([w, name]): [string, Payload] => [w, { kind: 'regulator', name }]),
    ...COLLECTIVE.map((w): [string, Payload] => [w, { kind: 'collective' }]),
    ...RUN.map((w): [string, Payload] => [w, { kind: 'run' }]),
  ];
  const dict = shared.register(entries);
  return {
    scan(text, mention, matches) {
      const m = matches ?? dict.ac.scan(text);
      let regulators: string[] | undefined;
      let collectiveAction = false;
      let runRumour = false;
      for (let k = 0; k < m.patterns.length; k++) {
        const start = m.starts[k]!;
        const end = m.ends[k]!;
        const list = dict.payloads(m.patterns[k]!);
        if (list === undefined) continue;
        for (const p of list) {
          if (p.kind === 'regulator') {
            // 12378 inside a longer number is not the hotline.
            const c0 = start > 0 ? text.charCodeAt(start - 1) : 0;
            const c1 = end < text.length ? text.charCodeAt(end) : 0;
            if ((c0 >= 48 && c0 <= 57) || (c1 >= 48 && c1 <= 57)) continue;
            regulators ??= [];
            if (!regulators.includes(p.name)) regulators.push(p.name);
          } else if (p.kind === 'collective') {
            if (!isNegated(text, start)) collectiveAction = true;
          } else if (!isNegated(text, start)) runRumour = true;
        }
      }
      if (!collectiveAction && crowdPossible(text) && CROWD_RE.test(text)) collectiveAction = true;
      const amount = largestAmount(text);
      const reach = (mention?.author.followers ?? 0) + (mention?.metrics?.reposts ?? 0) + (mention?.metrics?.comments ?? 0);
      const signals: SeveritySignals = {
        regulatorMentioned: regulators !== undefined,
        regulators: regulators ?? [],
        collectiveAction,
        reach,
        runRumour,
      };
      if (amount !== undefined) signals.amount = amount;
      return signals;
    },
  };
}
