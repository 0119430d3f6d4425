/**
 * Training-time data access: the labelled corpora and lexicons in the shared data folder
 * (../shared/data layout, see its README), CSV parsing and the deterministic held-out split.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import iconv from 'iconv-lite';
import { projectRoot } from '../../config/paths.js';

/** Binary target: 1 = negative about the institution or its service. `pos` = 1 for positive posts. */
export interface Example {
  text: string;
  neg: 0 | 1;
  /** 1 positive, 0 not positive, undefined when the corpus has no neutral class (binary pos/neg corpora). */
  pos?: 0 | 1;
  source: string;
  /** Drop emoticons from this row before featurizing (their labels were derived from them). */
  stripEmoticons?: boolean;
  /** Opinion spans annotated on the row (bdci2021 BIO_anno COMMENTS_ADJ). */
  opinions?: string[];
}

/** The COMMENTS_ADJ spans of a BIO_anno tag string over `text`. */
export function opinionSpans(text: string, bio: string): string[] {
  const tags = bio.split(' ');
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < text.length && i < tags.length; i++) {
    if (tags[i] === 'B-COMMENTS_ADJ') {
      if (cur) out.push(cur);
      cur = text[i]!;
    } else if (tags[i] === 'I-COMMENTS_ADJ' && cur) cur += text[i]!;
    else if (cur) {
      out.push(cur);
      cur = '';
    }
  }
  if (cur) out.push(cur);
  return out;
}

/** The labelled corpora and lexicons: `../shared/data` beside the project checkout (env RADAR_TRAIN_DATA). */
export const DEFAULT_DATA_DIR = process.env.RADAR_TRAIN_DATA ?? resolve(projectRoot, '../shared/data');

/** RFC 4180 CSV (quoted fields, doubled quotes, CRLF). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  const s = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    if (quoted) {
      if (ch === '"') {
        if (s[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += ch;
    } else if (ch === '"' && field === '') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && s[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += ch;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows.filter((r) => r.length > 1 || (r[0] ?? '') !== '');
}

function readCsv(path: string): string[][] {
  return parseCsv(readFileSync(path, 'utf8'));
}

/** Removes BDCI 2019 artefacts: `{IMG:n}` placeholders, runs of `?` mojibake, "...全文:" tails. */
export function cleanFinnsp(text: string): string {
  return text
    .replace(/\{IMG:\d+\}/g, ' ')
    .replace(/\?{2,}/g, ' ')
    .replace(/^\?+|\?+$/g, ' ')
    .replace(/\.\.\.全文[:：]?/g, ' ');
}

export function loadBank(dir: string): Example[] {
  const rows = readCsv(join(dir, 'bank_product_reviews_bdci2021/train_data_public.csv')).slice(1);
  return rows
    .filter((r) => r.length >= 4)
    .map((r) => {
      const cls = r[r.length - 1]!.trim();
      return { text: r[1]!, neg: cls === '0' ? 1 : 0, pos: cls === '1' ? 1 : 0, source: 'bdci2021', opinions: opinionSpans(r[1]!, r[2] ?? '') } as Example;
    });
}

export function loadFinnsp(dir: string): Example[] {
  const out: Example[] = [];
  for (const file of ['train_list.json', 'eval_list.json']) {
    const rows = JSON.parse(readFileSync(join(dir, 'bbt_finnsp_bdci2019', file), 'utf8')) as string[][];
    for (const r of rows) {
      if (r.length < 5 || r[4] === 'negative') continue;
      const title = cleanFinnsp(r[1] ?? '').trim();
      const body = cleanFinnsp(r[2] ?? '').trim();
      const text = title && !body.includes(title.slice(0, 20)) ? `${title} ${body}` : body || title;
      if (!text) continue;
      out.push({ text, neg: String(r[4]).trim() === '1' ? 1 : 0, source: 'finnsp' });
    }
  }
  return out;
}

/** General-domain corpora used as auxiliary training data (lower weight). ChnSentiCorp is excluded (licence). */
export function loadAuxiliary(dir: string): Example[] {
  const out: Example[] = [];
  const wb = join(dir, 'weibo_senti_100k_partial/weibo_senti_100k_partial.csv');
  if (existsSync(wb))
    for (const r of readCsv(wb).slice(1)) out.push({ text: r.slice(1).join(','), neg: r[0] === '0' ? 1 : 0, source: 'weibo100k', stripEmoticons: true });
  for (const f of ['train.txt', 'test.txt']) {
    const p = join(dir, 'weibo2018', f);
    if (existsSync(p)) for (const r of readCsv(p)) if (r.length >= 3) out.push({ text: r.slice(2).join(','), neg: r[1] === '0' ? 1 : 0, source: 'weibo2018' });
  }
  const wm = join(dir, 'waimai_10k/waimai_10k.csv');
  if (existsSync(wm)) for (const r of readCsv(wm).slice(1)) out.push({ text: r.slice(1).join(','), neg: r[0] === '0' ? 1 : 0, source: 'waimai' });
  const os = join(dir, 'online_shopping_10_cats/online_shopping_10_cats.csv');
  if (existsSync(os))
    for (const r of readCsv(os).slice(1)) {
      // Hotel reviews overlap ChnSentiCorp (non-commercial, used as benchmark): left out.
      if (r[0] === '酒店' || r.length < 3) continue;
      out.push({ text: r.slice(2).join(','), neg: r[1] === '0' ? 1 : 0, source: 'shopping' });
    }
  for (const f of ['train_list.json', 'eval_list.json']) {
    const p = join(dir, 'bbt_finfe', f);
    if (!existsSync(p)) continue;
    for (const [text, label] of JSON.parse(readFileSync(p, 'utf8')) as [string, number][])
      out.push({ text, neg: label === 0 ? 1 : 0, pos: label === 2 ? 1 : 0, source: 'finfe' });
  }
  return out.filter((e) => e.text.trim().length > 0);
}

/** ChnSentiCorp test split: out-of-domain benchmark only, never training. */
export function loadChnSentiCorpTest(dir: string): Example[] {
  const p = join(dir, 'chnsenticorp/test.tsv');
  if (!existsSync(p)) return [];
  return readFileSync(p, 'utf8')
    .split(/\r?\n/)
    .map((l) => l.split('\t'))
    .filter((r) => r.length >= 2 && (r[1] === 'positive' || r[1] === 'negative'))
    .map((r) => ({ text: r[0]!, neg: r[1] === 'negative' ? 1 : 0, pos: r[1] === 'positive' ? 1 : 0, source: 'chnsenticorp' }) as Example);
}

/** Key for exact-duplicate grouping: CJK and alphanumerics only. */
export function dedupKey(text: string): string {
  return text.replace(/[^\u4e00-\u9fa5A-Za-z0-9]/g, '').toLowerCase();
}

/** Stable bucket in [0, 100) from a text's dedup key. */
export function splitBucket(text: string): number {
  return createHash('md5').update(dedupKey(text)).digest().readUInt32BE(0) % 100;
}

export type Split = 'train' | 'val' | 'test';

/** Sources of short customer posts: the validation rows the alerting threshold (and the char CNN) must serve. */
export const CUSTOMER_SOURCES: ReadonlySet<string> = new Set(['bdci2021', 'custom']);

/** Held-out construction for the bank corpora: 20% test, 15% validation (calibration, thresholds), rest train. */
export function splitOf(text: string): Split {
  const b = splitBucket(text);
  return b < 20 ? 'test' : b < 35 ? 'val' : 'train';
}

function shingles(key: string, n = 4): Set<string> {
  const s = new Set<string>();
  if (key.length <= n) s.add(key);
  else for (let i = 0; i + n <= key.length; i++) s.add(key.slice(i, i + n));
  return s;
}

/**
 * Removes rows that are near-duplicates of any `reference` row (char 4-gram Jaccard ≥ 0.5, or ≥ 80% of
 * the shorter text's shingles shared: reposts and truncated copies).
 */
export function removeNearDuplicates(rows: Example[], reference: Example[]): Example[] {
  const index = new Map<string, number[]>();
  const refSets = reference.map((r) => shingles(dedupKey(r.text)));
  refSets.forEach((set, i) => {
    for (const sh of set) {
      const l = index.get(sh) ?? [];
      if (l.length === 0) index.set(sh, l);
      l.push(i);
    }
  });
  return rows.filter((row) => {
    const set = shingles(dedupKey(row.text));
    const counts = new Map<number, number>();
    for (const sh of set) for (const i of index.get(sh) ?? []) counts.set(i, (counts.get(i) ?? 0) + 1);
    for (const [i, shared] of counts) {
      const other = refSets[i]!.size;
      const jaccard = shared / (set.size + other - shared);
      if (jaccard >= 0.5 || shared / Math.min(set.size, other) >= 0.8) return false;
    }
    return true;
  });
}

export interface BankSplits {
  train: Example[];
  val: Example[];
  test: Example[];
}

/** The bank corpora (bdci2021 + finnsp) split deterministically; train/val cleaned of near-duplicates of test. */
export function loadBankSplits(dir: string): BankSplits {
  const all = [...loadBank(dir), ...loadFinnsp(dir)];
  const test = all.filter((e) => splitOf(e.text) === 'test');
  const rest = removeNearDuplicates(
    all.filter((e) => splitOf(e.text) !== 'test'),
    test,
  );
  return { train: rest.filter((e) => splitOf(e.text) === 'train'), val: rest.filter((e) => splitOf(e.text) === 'val'), test };
}

function readLines(path: string, encoding: 'utf8' | 'gbk' = 'utf8'): string[] {
  const buf = readFileSync(path);
  const text = encoding === 'gbk' ? iconv.decode(buf, 'gbk') : buf.toString('utf8');
  return text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
}

export interface RawLexicons {
  genPos: string[];
  genNeg: string[];
  finPos: string[];
  finNeg: string[];
  degree: [string, number][];
}

/** HowNet, NTUSD, Tsinghua (general) and Jiang 2020 / Yao 2021 (finance). DUTIR and BosonNLP are not used (licences). */
export function loadLexicons(dir: string): RawLexicons {
  const lex = join(dir, 'lexicons');
  const words = (lines: string[]) => lines.map((l) => l.split(/\s+/)[0]!).filter((w) => w && /[\u4e00-\u9fa5]/.test(w) && w.length <= 8);
  const hownet = (name: string) => words(readLines(join(lex, 'hownet', name), 'gbk').slice(1));
  const genPos = [
    ...hownet('正面情感词语（中文）.txt'),
    ...hownet('正面评价词语（中文）.txt'),
    ...words(readLines(join(lex, 'ntusd/ntusd-positive.txt'))),
    ...words(readLines(join(lex, 'tsinghua_lijun/tsinghua.positive.gb.txt'), 'gbk')),
  ];
  const genNeg = [
    ...hownet('负面情感词语（中文）.txt'),
    ...hownet('负面评价词语（中文）.txt'),
    ...words(readLines(join(lex, 'ntusd/ntusd-negative.txt'))),
    ...words(readLines(join(lex, 'tsinghua_lijun/tsinghua.negative.gb.txt'), 'gbk')),
  ];
  const finPos: string[] = [];
  const finNeg: string[] = [];
  for (const f of [
    'fin_jiang2020/Jiang2020_informal_sentiment_score.txt',
    'fin_yao2021/Yao2021_formal_sentiment_score.txt',
    'fin_yao2021/Yao2021_informal_sentiment_score.txt',
    'fin_guba_davion/Jiang20Yao21_media_sentiment_score.txt',
  ]) {
    for (const l of readLines(join(lex, f))) {
      const [w, score] = l.split(/\s+/);
      if (!w || !/[\u4e00-\u9fa5]/.test(w)) continue;
      if (Number(score) > 0) finPos.push(w);
      else if (Number(score) < 0) finNeg.push(w);
    }
  }
  const degree: [string, number][] = readLines(join(lex, 'negation_degree_stopwords/程度副词.txt'))
    .map((l) => l.split(','))
    .filter((p) => p.length === 2 && p[0])
    .map(([w, v]) => [w!.trim(), Math.min(2, Math.max(0.5, Number(v) || 1))]);
  const uniq = (a: string[]) => [...new Set(a)].sort();
  return { genPos: uniq(genPos), genNeg: uniq(genNeg), finPos: uniq(finPos), finNeg: uniq(finNeg), degree };
}
