/** What a block detector sees of a response. */
export interface BlockProbe {
  status: number;
  /** Final URL after redirects. */
  url: string;
  requestUrl: string;
  /** Every URL redirected to, in order. */
  redirects: string[];
  contentType: string;
  text: string;
  expect: 'json' | 'text';
}

/** Login / captcha / visitor-system hosts: being redirected there means the platform walled us off. */
const WALL_URL =
  /passport\.weibo\.(com|cn)|passport\.sina\.(com\.cn|cn)|login\.sina\.com\.cn|passport\.21cn\.com|wappass\.baidu\.com\/static\/captcha|\/captcha\b|verify\.\w+\.com/i;

/** True when url is a login/captcha page and the request was not itself meant for that host. */
export function isWallRedirect(target: string, requestUrl: string): boolean {
  return WALL_URL.test(target) && !WALL_URL.test(new URL(requestUrl).host);
}

/** Markup that only appears on challenge pages (not in post text that merely says 验证码). */
const CHALLENGE_MARKUP: Array<[RegExp, string]> = [
  [/geetest|gt\.captcha|initGeetest/i, 'geetest captcha'],
  [/<iframe[^>]+src\s*=\s*["'][^"']*captcha/i, 'captcha iframe'],
  [/<(img|form|input)[^>]+(src|action|id|name)\s*=\s*["'][^"']*captcha/i, 'captcha form'],
];

/** Phrases that mean a wall wherever they appear (also inside JSON that wraps an HTML fragment). */
const WALL_PHRASES: Array<[RegExp, string]> = [
  [/百度安全验证/, 'baidu security check'],
  [/登录聚投诉/, 'jutousu login wall'],
  [/Sina Visitor System/i, 'sina visitor system'],
];

/** Words that mark a challenge page when they appear in the title or on a small page. */
const CHALLENGE_WORDS = /验证码|安全验证|人机验证|滑动验证|请先登录|请登录|用户登录|访问受限|访问过于频繁/;

const SMALL_PAGE = 6000;

/** By the body, not the Content-Type: many Chinese JSON APIs answer with `text/html`. */
function looksLikeHtml(text: string): boolean {
  return /^\s*</.test(text);
}

/**
 * Platform-independent block detection. Returns a reason, or undefined when the response looks
 * like real content. Post text is not scanned for words such as 验证码 (a bank complaint often says
 * 收不到验证码); only titles, challenge markup and small pages are.
 */
export function detectBlock(probe: BlockProbe): string | undefined {
  if (probe.status === 432) return 'HTTP 432 (weibo risk control)';
  if (probe.status === 456) return 'HTTP 456 (rate limit block)';
  // m.weibo.cn comments answer 418 when they block (reference/sources-social.md §2.3).
  if (probe.status === 418) return 'HTTP 418 (risk control)';
  const wall = probe.redirects.find((u) => isWallRedirect(u, probe.requestUrl));
  if (wall) return `redirected to login/captcha ${wall}`;
  const contentStatus = (probe.status >= 200 && probe.status < 300) || probe.status === 403 || probe.status === 401;
  if (!contentStatus) return undefined;
  for (const [re, reason] of WALL_PHRASES) if (re.test(probe.text)) return reason;
  if (looksLikeHtml(probe.text)) {
    for (const [re, reason] of CHALLENGE_MARKUP) if (re.test(probe.text)) return reason;
    const title = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(probe.text)?.[1] ?? '';
    if (CHALLENGE_WORDS.test(title)) return `challenge page: ${title.trim().slice(0, 40)}`;
    if (probe.text.length < SMALL_PAGE && CHALLENGE_WORDS.test(probe.text)) return 'small challenge/login page';
    if (probe.expect === 'json' && probe.status < 300) return 'HTML instead of JSON (login wall)';
  }
  if (probe.status === 403 && /captcha|验证/i.test(probe.text)) return 'HTTP 403 captcha';
  return undefined;
}
