import * as cheerio from 'cheerio';
import type { Clock } from '../../lib/clock.js';
import type { RawPost } from '../../lib/domain.js';
import { parseChineseDate } from '../core/dates.js';
import { parseCount, stripHtml } from '../core/text.js';
import { isNewsOutlet } from './common.js';

/** s.weibo.com badge icons (reference/sources.md §1.2); the page shows the icon, not the verified_type number. */
const BADGES: Record<string, string> = {
  woo_svg_vblue: 'blue',
  woo_svg_vyellow: 'yellow',
  woo_svg_vorange: 'red',
  woo_svg_vgold: 'gold',
};

export interface WeiboHtmlPage {
  posts: RawPost[];
  malformed: number;
  hasNext: boolean;
}

function clean(text: string): string {
  return text
    .replace(/[\u200b\ufeff]/g, '')
    .replace(/\s*收起d?\s*$/, '')
    .replace(/[ \t\r\n]+/g, ' ')
    .trim();
}

/** Post text from its HTML: `<br>` become line breaks, emoticon `<img alt>` (quoted or not) their `[表情]` text. */
function postText(fragment: string): string {
  return stripHtml(fragment)
    .replace(/\s*收起d?\s*$/, '')
    .split('\n')
    .map((line) => line.replace(/[ \t]+/g, ' ').trim())
    .filter((line, i, all) => line !== '' || (i > 0 && all[i - 1] !== ''))
    .join('\n')
    .trim();
}

/**
 * Parses an s.weibo.com search result page (selectors from dataabc/weibo-search). Relative times
 * (`今天 09:41`, `5分钟前`) are resolved against clock. A blue (organisation) badge on an account whose name
 * reads like a news outlet (日报, 新闻 …, or a known outlet) is taken as media; the page does not expose verified_type.
 */
export function parseWeiboSearchHtml(html: string, opts: { source: string; query: string; clock: Clock }): WeiboHtmlPage {
  const $ = cheerio.load(html);
  const posts: RawPost[] = [];
  let malformed = 0;
  $('div.card-wrap[mid]').each((_, el) => {
    const card = $(el);
    const mid = card.attr('mid')?.trim();
    const nameLink = card.find('div.info a[nick-name], a.name').first();
    const name = (nameLink.attr('nick-name') ?? nameLink.text()).trim();
    const uid = /weibo\.com\/(?:u\/)?(\d+)/.exec(nameLink.attr('href') ?? '')?.[1];
    const full = card.find('p[node-type="feed_list_content_full"]').first();
    const short = card.find('p.txt').first();
    // A cut card without its full paragraph ends in an 展开 (unfold) link: keep the cut, flag it.
    const truncated = full.length === 0 && short.find('a[action-type="fl_unfold"]').length > 0;
    if (truncated) short.find('a[action-type="fl_unfold"]').remove();
    const text = postText((full.length > 0 ? full : short).html() ?? '') + (truncated ? '…' : '');
    // The time/source line is `div.from` in current markup and `p.from` in older pages.
    const timeLink = card.find('div.from > a, p.from > a').first();
    const publishedAt = parseChineseDate(clean(timeLink.text()), opts.clock);
    if (!mid || !name || !text || !publishedAt) {
      malformed += 1;
      return;
    }
    const badgeId = card.find('div.avator svg').attr('id') ?? '';
    const badge = BADGES[badgeId];
    const permalink = timeLink.attr('href');
    const likeText = card.find('a[action-type="feed_list_like"] button span').eq(1).text() || card.find('a[action-type="feed_list_like"]').text();
    posts.push({
      source: opts.source,
      sourceType: 'social',
      nativeId: mid,
      ...(permalink ? { url: new URL(permalink, 'https://weibo.com').toString().replace(/\?.*$/, '') } : {}),
      text,
      ...(truncated ? { truncated: true } : {}),
      author: {
        key: uid ?? `name:${name}`,
        name,
        ...(badge ? { verifiedReason: `${badge} badge` } : {}),
        isMedia: isNewsOutlet(badge === 'blue', name, undefined),
      },
      publishedAt: publishedAt.toISOString(),
      query: opts.query,
      metrics: {
        reposts: parseCount(card.find('a[action-type="feed_list_forward"]').text()),
        comments: parseCount(card.find('a[action-type="feed_list_comment"]').text()),
        likes: parseCount(likeText),
      },
    });
  });
  return { posts, malformed, hasNext: $('a.next').length > 0 };
}
