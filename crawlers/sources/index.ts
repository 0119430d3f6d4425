import type { SourceConfig } from '../../config/sections/crawl.js';
import type { Institution } from '../../config/sections/watchlist.js';
import type { SourceAdapter } from '../types.js';
import { AppStoreAdapter } from './appstore.js';
import { ClsAdapter } from './cls.js';
import { DouyinAdapter } from './douyin.js';
import { EastmoneyAdapter } from './eastmoney.js';
import { HeimaoAdapter } from './heimao.js';
import { JutousuAdapter } from './jutousu.js';
import { RssAdapter } from './rss.js';
import { SinaRollAdapter } from './sina-roll.js';
import { WeiboAdapter } from './weibo.js';
import { WeiboCommentsAdapter } from './weibo-comments.js';

/** Builds the adapter for one configured source; `id` is the config key and the mentions' `source`. */
export function createAdapter(id: string, config: SourceConfig, watchlist: Institution[]): SourceAdapter {
  switch (config.kind) {
    case 'weibo':
      return new WeiboAdapter(id, config, watchlist);
    case 'heimao':
      return new HeimaoAdapter(id, config);
    case 'jutousu':
      return new JutousuAdapter(id, config);
    case 'rss':
      return new RssAdapter(id, config);
    case 'sina-roll':
      return new SinaRollAdapter(id, config);
    case 'cls':
      return new ClsAdapter(id, config);
    case 'eastmoney':
      return new EastmoneyAdapter(id, config);
    case 'weibo-comments':
      return new WeiboCommentsAdapter(id, config, watchlist);
    case 'appstore':
      return new AppStoreAdapter(id, config, watchlist);
    case 'douyin':
      return new DouyinAdapter(id, config, watchlist);
  }
}

export { AppStoreAdapter } from './appstore.js';
export { ClsAdapter, clsSign } from './cls.js';
export { DouyinAdapter } from './douyin.js';
export { EastmoneyAdapter } from './eastmoney.js';
export { HeimaoAdapter, heimaoSignature, parseHeimaoDetail, signHeimaoSearch } from './heimao.js';
export { JutousuAdapter } from './jutousu.js';
export { parseFeed, RssAdapter } from './rss.js';
export { SinaRollAdapter } from './sina-roll.js';
export { WeiboAdapter } from './weibo.js';
export { WeiboCommentsAdapter } from './weibo-comments.js';
