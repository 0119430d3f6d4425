/** Small helpers shared by the analysis stages (clauses and negation). Pure. */

const CLAUSE_BREAK = new Uint8Array(0x10000);
for (const ch of '，,。.！!？?；;：:\n\r…~～、|()（）【】「」『』《》"“”') CLAUSE_BREAK[ch.charCodeAt(0)] = 1;

/** True when the code unit ends a clause (comma, full stop, question mark …). */
export function isClauseBreak(code: number): boolean {
  return CLAUSE_BREAK[code] === 1;
}

/** [start, end) ranges of the clauses of `text`, empty clauses dropped. */
export function clauseRanges(text: string): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let start = 0;
  for (let i = 0; i <= text.length; i++) {
    if (i === text.length || CLAUSE_BREAK[text.charCodeAt(i)] === 1) {
      let s = start;
      let e = i;
      while (s < e && text.charCodeAt(s) === 32) s++;
      while (e > s && text.charCodeAt(e - 1) === 32) e--;
      if (e > s) out.push([s, e]);
      start = i + 1;
    }
  }
  return out;
}

/** True when there is a clause break in text[from, to). */
export function crossesClause(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (CLAUSE_BREAK[text.charCodeAt(i)] === 1) return true;
  return false;
}

// A negator, optionally followed by one helper word, right before the phrase: 没有被催收, 不存在乱收费,
// 从未出现故障. `不断被催收` is not negated (断 is not a helper).
const NEGATED_TAIL_RE = /(?:不|没|没有|无|未|并未|从未|从没|并没有|绝不|别|不是|不会|不要)(?:有|再|太|算|是|被|会|要|存在|发生|遇到|出现|遭遇|什么)?$/;

/**
 * True when the phrase starting at `start` is negated within its clause (looks back at most 6 chars).
 * Phrases that contain their own negator (不给退, 取不出钱) are matched whole, so only the context counts.
 */
export function isNegated(text: string, start: number): boolean {
  let from = start;
  while (from > 0 && start - from < 6 && CLAUSE_BREAK[text.charCodeAt(from - 1)] !== 1) from--;
  if (from === start) return false;
  let hasNegator = false;
  for (let i = from; i < start; i++) {
    const c = text.charCodeAt(i);
    // 不 没 无 未 别
    if (c === 0x4e0d || c === 0x6ca1 || c === 0x65e0 || c === 0x672a || c === 0x522b) {
      hasNegator = true;
      break;
    }
  }
  return hasNegator && NEGATED_TAIL_RE.test(text.slice(from, start));
}
