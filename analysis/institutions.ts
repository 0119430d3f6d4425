import type { Institution } from '../config/sections/watchlist.js';
import type { InstitutionHit, SentimentLabel } from '../lib/domain.js';
import { type AcMatches, SharedDictionary } from './ahocorasick.js';
import { normalize } from './normalize.js';
import { isClauseBreak } from './textutil.js';

/** Scores one clause `text.slice(start, end)` of the post. */
export type ClauseScorer = (clause: string, start: number, end: number) => SentimentLabel;

/** One accepted alias occurrence. */
export interface InstitutionSpan {
  start: number;
  end: number;
  /** Index into the watchlist. */
  inst: number;
}

export interface InstitutionMatcher {
  /** Watched institutions found in normalized text, in order of first mention, one hit per institution. */
  match(text: string, matches?: AcMatches): InstitutionHit[];
  /** Accepted alias occurrences with positions (after disambiguation). `matches`: a scan of `text` by the shared automaton (the result for the latest scan is reused: do not mutate it). */
  spans(text: string, matches?: AcMatches): InstitutionSpan[];
  /** Any watched institution in raw or normalized text (crawler feed filter; traditional and full-width too). */
  isRelevant(text: string): boolean;
  /**
   * Sentiment towards each hit, clause by clause: a clause counts for the institutions it names, or
   * for the last named ones when it names none. Returns new hit objects and the primary institution
   * (first negative target, else the first hit).
   */
  targetSentiment(text: string, hits: InstitutionHit[], scorer: ClauseScorer, matches?: AcMatches): { hits: InstitutionHit[]; primary?: string };
  /** Every alias and name (tokenizer user words, key-term exclusion). */
  readonly aliases: readonly string[];
}

type Payload = { kind: 'alias' | 'exclude'; inst: number; short: boolean; caseSensitive: boolean; context?: boolean };

/** Product lines recognised right after a name (or inside an alias such as 中信信用卡), longest first. */
const PRODUCT_LINES = ['信用卡中心', '理财子公司', '私人银行', '消费金融', '信用卡', '手机银行', '网上银行', '口袋银行', '理财', '网银', '普惠金融'];
const ALIAS_PRODUCT: Array<[string, string]> = [['掌上生活', '信用卡中心'], ...PRODUCT_LINES.map((p): [string, string] => [p, p])];

// Location (2–8 chars without function words) then the branch kind, right after the name: 深圳分行, 南山科技园支行.
const BRANCH_RE = /(?:股份有限公司|有限公司)?([^\s\p{P}\p{S}\d的了是在我你他她说和与及把被给从对就都也还很又吗呢啊个]{2,8}?(?:分行|支行|营业部|分理处))/uy;

/** Words right after a short alias that confirm the bank reading (工行业务 is 工行 + 业务, not 行业). */
const AFFIRMERS = ['业务', '信用卡', '客服', '网点', '分行', '支行', '营业', '柜台', '柜员', '理财', '贷款', '储蓄', '借记卡', '手机银行', 'app', 'APP', '的'];

/**
 * Two-character words that end with the first char of a short alias (施工|行为, 集中|行动): the alias
 * then straddles a word boundary. Keyed by that first char.
 */
const PREFIX_WORDS: Record<string, string> = {
  工: '施员职开复停加手罢民女童化分竣完监打务技电美人义社军零旷用',
  建: '新在修组创重扩兴基筹改搭援承封福营',
  中: '集其空高初期途心手家城网暗从当之命正看猜选射打居适折',
  农: '务菜果花茶棉渔老神支惠贫',
  交: '外成提社转递上移建公立结邦杂相性初故至深私面缴邮',
  招: '应出绝高新花怪损妙中',
  邮: '电快集',
  民: '人农居市公村网股选移难饥灾平国计军渔牧庶贫万臣藏僑侨',
};
/** Chars after a context alias that make it part of another word (中|信用, 中|信息, 民|生活, 民|生产). */
const CONTEXT_SUFFIX: Record<string, string> = { 中信: '用息号心任念函誉仰托件', 民生: '活产存命态育计物意气病' };
/** Words right before a context alias that make it the common noun (关注民生, 改善民生, 国计民生). */
const CONTEXT_PREFIX: Record<string, readonly string[]> = {
  民生: [
    '关注',
    '改善',
    '保障',
    '惠及',
    '事关',
    '聚焦',
    '重视',
    '心系',
    '涉及',
    '国计',
    '关乎',
    '关心',
    '落实',
    '为民',
    '服务',
    '增进',
    '保民',
    '社会',
    '城市',
    '基本',
  ],
};
/**
 * Bank-customer context for context aliases (中信, 民生): a post that speaks of a bank service. The
 * short form then names the bank (中信说好的返现一直不到账, 民生的催收电话打到我单位去了).
 */
const BANK_CONTEXT =
  /客服|催收|返现|到账|额度|信用卡|储蓄卡|借记卡|贷款|还款|分期|提额|降额|账单|年费|手续费|利息|网点|柜台|柜员|大堂|转账|银行|app|APP|办卡|销户|冻结|盗刷|积分|征信|逾期|理财经理|存款|取款|卡片|审批|批卡|开户|挂失|短信|扣款|扣费/;
/** Second chars that turn `行` into the start of a word (行动, 行为, 行情 …). `业` is handled by AFFIRMERS. */
const HANG_SUFFIX = '动为情政驶走程人李使列车销贿踪径军星善医书文事凶窃刑装囊期距进船礼乐商业';

/** Cheap pre-check for BRANCH_RE: a 行/部/处 within reach. */
function branchAhead(text: string, pos: number): boolean {
  const end = Math.min(text.length, pos + 16);
  for (let i = pos + 2; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x884c || c === 0x90e8 || c === 0x5904) return true;
  }
  return false;
}

/**
 * `{ ...h, sentiment }` without the object spread (slow in V8) for the hits `match` makes: id, name,
 * matched, then branch and/or product line. Anything else (a sentiment already there, both optional
 * fields, which `match` may add in either order) takes the spread, so keys keep their order.
 */
export function withSentiment(h: InstitutionHit, sentiment: SentimentLabel): InstitutionHit {
  if (h.sentiment !== undefined || (h.branch !== undefined && h.productLine !== undefined)) return { ...h, sentiment };
  const out: InstitutionHit = { id: h.id, name: h.name, matched: h.matched };
  if (h.branch !== undefined) out.branch = h.branch;
  if (h.productLine !== undefined) out.productLine = h.productLine;
  out.sentiment = sentiment;
  return out;
}

function sameIds(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function isAsciiAlnum(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 127) return false;
  return true;
}

/** `shared`: register the aliases in a shared automaton (one scan per post for every stage). */
export function createInstitutionMatcher(watchlist: readonly Institution[], shared: SharedDictionary = new SharedDictionary()): InstitutionMatcher {
  const entries: Array<[string, Payload]> = [];
  const aliases: string[] = [];
  watchlist.forEach((inst, i) => {
    for (const alias of new Set([inst.name, ...inst.aliases])) {
      const ascii = isAscii(alias);
      entries.push([alias, { kind: 'alias', inst: i, short: !ascii && alias.length <= 2, caseSensitive: ascii && alias.length <= 3 }]);
      aliases.push(alias);
    }
    for (const alias of inst.contextAliases ?? []) entries.push([alias, { kind: 'alias', inst: i, short: true, caseSensitive: false, context: true }]);
    for (const ex of inst.exclude) entries.push([ex, { kind: 'exclude', inst: i, short: false, caseSensitive: false }]);
  });
  const dict = shared.register(entries);
  let asciiPattern: boolean[] | undefined;

  function affirmedAt(text: string, end: number): boolean {
    for (const a of AFFIRMERS) if (text.startsWith(a, end)) return true;
    return false;
  }

  function shortAliasOk(text: string, start: number, end: number): boolean {
    if (affirmedAt(text, end)) return true;
    const first = text[start]!;
    const before = start > 0 ? text[start - 1]! : '';
    if (before && PREFIX_WORDS[first]?.includes(before)) return false;
    if (text[end - 1] === '行' && end < text.length && HANG_SUFFIX.includes(text[end]!)) return false;
    return true;
  }

  /** A context alias: a word of its own, in a post about a bank service (or followed by 信用卡/客服 …). */
  function contextAliasOk(text: string, start: number, end: number): boolean {
    const next = end < text.length ? text[end]! : '';
    const alias = text.slice(start, end);
    if (next && CONTEXT_SUFFIX[alias]?.includes(next)) return false;
    for (const p of CONTEXT_PREFIX[alias] ?? []) if (text.startsWith(p, start - p.length)) return false;
    return affirmedAt(text, end) || BANK_CONTEXT.test(text);
  }

  // `match` and then `targetSentiment` ask for the spans of the same scan: computed once.
  let lastMatches: AcMatches | undefined;
  let lastText = '';
  let lastSpans: InstitutionSpan[] = [];

  function spans(text: string, matches?: AcMatches): InstitutionSpan[] {
    if (matches !== undefined && matches === lastMatches && text === lastText) return lastSpans;
    const found = computeSpans(text, matches);
    if (matches !== undefined) {
      lastMatches = matches;
      lastText = text;
      lastSpans = found;
    }
    return found;
  }

  function computeSpans(text: string, matches?: AcMatches): InstitutionSpan[] {
    const ac = dict.ac;
    asciiPattern ??= ac.patterns.map(isAscii);
    const m = matches ?? ac.scan(text);
    const cands: Array<{ start: number; end: number; inst: number; p: Payload }> = [];
    let excludes: Array<{ start: number; end: number; inst: number }> | undefined;
    for (let k = 0; k < m.patterns.length; k++) {
      const start = m.starts[k]!;
      const end = m.ends[k]!;
      const list = dict.payloads(m.patterns[k]!);
      if (list === undefined) continue;
      for (const p of list) {
        if (p.kind === 'exclude') {
          excludes ??= [];
          excludes.push({ start, end, inst: p.inst });
          continue;
        }
        if (asciiPattern[m.patterns[k]!]) {
          if ((start > 0 && isAsciiAlnum(text.charCodeAt(start - 1))) || (end < text.length && isAsciiAlnum(text.charCodeAt(end)))) continue;
          if (p.caseSensitive && text.slice(start, end) !== ac.patterns[m.patterns[k]!]) continue;
        }
        cands.push({ start, end, inst: p.inst, p });
      }
    }
    if (cands.length === 0) return [];
    // Leftmost-longest: at a position the longest alias wins, and overlapping shorter ones drop out.
    cands.sort((a, b) => a.start - b.start || b.end - a.end);
    const out: InstitutionSpan[] = [];
    let lastEnd = -1;
    for (const c of cands) {
      if (c.start < lastEnd) continue;
      if (excludes && !affirmedAt(text, c.end) && excludes.some((x) => x.inst === c.inst && x.start < c.end && c.start < x.end)) continue;
      if (c.p.short && !shortAliasOk(text, c.start, c.end)) continue;
      if (c.p.context && !contextAliasOk(text, c.start, c.end)) continue;
      out.push({ start: c.start, end: c.end, inst: c.inst });
      lastEnd = c.end;
    }
    return out;
  }

  /** Branch and product line right after (or inside) a span, into `dBranch` / `dProduct` (no result object). */
  let dBranch: string | undefined;
  let dProduct: string | undefined;
  function details(text: string, span: InstitutionSpan): void {
    const matched = text.slice(span.start, span.end);
    let productLine: string | undefined;
    for (const [word, line] of ALIAS_PRODUCT) {
      if (matched.includes(word)) {
        productLine = line;
        break;
      }
    }
    let pos = span.end;
    let branch: string | undefined;
    if (branchAhead(text, pos)) {
      BRANCH_RE.lastIndex = pos;
      const b = BRANCH_RE.exec(text);
      if (b) {
        branch = b[1];
        pos += b[0].length;
      }
    }
    if (!productLine) {
      for (const p of PRODUCT_LINES) {
        if (text.startsWith(p, pos)) {
          productLine = p;
          break;
        }
      }
    }
    dBranch = branch || undefined;
    dProduct = productLine || undefined;
  }

  function match(text: string, matches?: AcMatches): InstitutionHit[] {
    const found = spans(text, matches);
    if (found.length === 0) return [];
    // Hits in first-seen order, one per institution (a post names a handful at most: a linear search).
    const hits: InstitutionHit[] = [];
    const hitInst: number[] = [];
    for (const s of found) {
      const at = hitInst.indexOf(s.inst);
      const existing = at === -1 ? undefined : hits[at];
      details(text, s);
      if (existing) {
        if (!existing.branch && dBranch) existing.branch = dBranch;
        if (!existing.productLine && dProduct) existing.productLine = dProduct;
        continue;
      }
      const inst = watchlist[s.inst]!;
      const hit: InstitutionHit = { id: inst.id, name: inst.name, matched: text.slice(s.start, s.end) };
      if (dBranch) hit.branch = dBranch;
      if (dProduct) hit.productLine = dProduct;
      hits.push(hit);
      hitInst.push(s.inst);
    }
    return hits;
  }

  function targetSentiment(text: string, hits: InstitutionHit[], scorer: ClauseScorer, matches?: AcMatches): { hits: InstitutionHit[]; primary?: string } {
    if (hits.length === 0) return { hits: [] };
    // Per-institution clause counts: parallel arrays (a handful of ids) instead of a Map of objects.
    const labelIds: string[] = [];
    const negs: number[] = [];
    const poss: number[] = [];
    const negOf = (id: string): number => {
      const at = labelIds.indexOf(id);
      return at === -1 ? 0 : negs[at]!;
    };
    if (hits.length === 1) {
      const label = scorer(text, 0, text.length);
      labelIds.push(hits[0]!.id);
      negs.push(label === 'negative' ? 1 : 0);
      poss.push(label === 'positive' ? 1 : 0);
    } else {
      const found = spans(text, matches);
      let si = 0;
      let current: string[] = [];
      // Clauses before the first name count for the first named institution(s).
      const pending: SentimentLabel[] = [];
      const add = (id: string, label: SentimentLabel): void => {
        let at = labelIds.indexOf(id);
        if (at === -1) {
          at = labelIds.length;
          labelIds.push(id);
          negs.push(0);
          poss.push(0);
        }
        if (label === 'negative') negs[at]!++;
        else if (label === 'positive') poss[at]!++;
      };
      // Consecutive clauses about the same institutions form one segment, scored once.
      let segStart = -1;
      let segEnd = -1;
      const flush = (): void => {
        if (segStart < 0) return;
        // Every institution of the segment is already a negative target: its label cannot change a result.
        if (current.length > 0 && current.every((id) => negOf(id) > 0)) {
          segStart = -1;
          return;
        }
        const label = scorer(text.slice(segStart, segEnd), segStart, segEnd);
        if (current.length === 0) pending.push(label);
        else for (const id of current) add(id, label);
        segStart = -1;
      };
      // The clauses of clauseRanges(text), walked in place (no range tuples).
      let clauseStart = 0;
      for (let i = 0; i <= text.length; i++) {
        if (i < text.length && !isClauseBreak(text.charCodeAt(i))) continue;
        let cs = clauseStart;
        let ce = i;
        clauseStart = i + 1;
        while (cs < ce && text.charCodeAt(cs) === 32) cs++;
        while (ce > cs && text.charCodeAt(ce - 1) === 32) ce--;
        if (ce <= cs) continue;
        let named: string[] | undefined;
        while (si < found.length && found[si]!.start < ce) {
          const id = watchlist[found[si]!.inst]!.id;
          if (found[si]!.start >= cs) {
            if (!named) named = [id];
            else if (!named.includes(id)) named.push(id);
          }
          si++;
        }
        if (named && !sameIds(named, current)) {
          flush();
          if (current.length === 0) for (const p of pending) for (const id of named) add(id, p);
          current = named;
        }
        if (segStart < 0) segStart = cs;
        segEnd = ce;
      }
      flush();
    }
    const out = hits.map((h): InstitutionHit => {
      const at = labelIds.indexOf(h.id);
      const sentiment: SentimentLabel = at !== -1 && negs[at]! > 0 ? 'negative' : at !== -1 && poss[at]! > 0 ? 'positive' : 'neutral';
      return withSentiment(h, sentiment);
    });
    const primary = (out.find((h) => h.sentiment === 'negative') ?? out[0])?.id;
    return primary ? { hits: out, primary } : { hits: out };
  }

  return {
    match,
    spans,
    isRelevant: (text) => spans(text).length > 0 || spans(normalize(text).text).length > 0,
    targetSentiment,
    aliases,
  };
}
