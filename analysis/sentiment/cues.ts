/**
 * Phrase cues matched as substrings of the normalized text (leftmost-longest, no tokenizer needed):
 * complaint intent, customer slang, and opinion words whose polarity was learned from the bdci2021
 * training split's opinion spans (BIO_anno COMMENTS_ADJ), with smoothed log-odds of a negative post.
 */
import { COMPLAINT_CUES, SLANG_CUES } from './domain-lexicon.js';

export interface CueTable {
  /** Phrases by first UTF-16 code unit, longest first. */
  byFirst: Map<number, CueEntry[]>;
  /** 1 where a phrase starts with that code unit: most characters are skipped without a map lookup. */
  starts: Uint8Array;
}

interface CueEntry {
  word: string;
  complaint: boolean;
  slang: boolean;
  /** Log-odds of a negative post (0 = not an opinion word). */
  opinion: number;
}

/** Per-post cue sums, written by {@link scanCues} (module scope: no result object per post). */
export const cueHits = { complaint: 0, slang: 0, opinionNeg: 0, opinionPos: 0 };

const words = (s: string): string[] => s.split(/\s+/).filter(Boolean);

/** `opinion`: `word,logOdds` lines (the artifact's `lexicon.opinion`). */
export function createCueTable(opinion = ''): CueTable {
  const entries = new Map<string, CueEntry>();
  const get = (w: string): CueEntry => {
    let e = entries.get(w);
    if (!e) {
      e = { word: w, complaint: false, slang: false, opinion: 0 };
      entries.set(w, e);
    }
    return e;
  };
  for (const w of words(COMPLAINT_CUES)) get(w).complaint = true;
  for (const w of words(SLANG_CUES)) get(w).slang = true;
  for (const line of opinion.split('\n')) {
    const [w, v] = line.split(',');
    if (w && Number(v)) get(w).opinion = Number(v);
  }
  const byFirst = new Map<number, CueEntry[]>();
  for (const e of entries.values()) {
    const c = e.word.charCodeAt(0);
    const list = byFirst.get(c) ?? [];
    if (list.length === 0) byFirst.set(c, list);
    list.push(e);
  }
  const starts = new Uint8Array(0x10000);
  for (const [c, list] of byFirst) {
    list.sort((a, b) => b.word.length - a.word.length);
    starts[c] = 1;
  }
  return { byFirst, starts };
}

/** Sums the cues of `text` into {@link cueHits} (leftmost-longest: 慢慢 is not 慢 twice). */
export function scanCues(table: CueTable, text: string): void {
  let complaint = 0;
  let slang = 0;
  let opinionNeg = 0;
  let opinionPos = 0;
  const starts = table.starts;
  for (let i = 0; i < text.length; ) {
    const c = text.charCodeAt(i);
    if (starts[c] === 0) {
      i++;
      continue;
    }
    const list = table.byFirst.get(c);
    let step = 1;
    if (list !== undefined) {
      for (const e of list) {
        if (!text.startsWith(e.word, i)) continue;
        if (e.complaint) complaint++;
        if (e.slang) slang++;
        if (e.opinion > 0) opinionNeg += e.opinion;
        else opinionPos -= e.opinion;
        step = e.word.length;
        break;
      }
    }
    i += step;
  }
  cueHits.complaint = complaint;
  cueHits.slang = slang;
  cueHits.opinionNeg = opinionNeg;
  cueHits.opinionPos = opinionPos;
}
