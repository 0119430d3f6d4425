import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer, { type Browser, type HTTPResponse, type Page } from 'puppeteer-core';
import { errorMessage, RetryLaterError } from '../../lib/errors.js';
import type { Logger } from '../../lib/logger.js';
import type { BrowserFetcher, CaptureOptions, CaptureResult } from '../types.js';

export type BrowserCookie = { name: string; value: string; domain: string };

/** Chromium binary: CHROME_PATH, the configured path, then the usual system locations. */
export function findChrome(configPath?: string, env: Record<string, string | undefined> = process.env): string | undefined {
  const candidates = [env.CHROME_PATH, configPath, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable'];
  return candidates.find((p): p is string => typeof p === 'string' && p.length > 0 && existsSync(p));
}

export interface BrowserPoolOptions {
  executablePath: string;
  log: Logger;
  /** Pages open at once (default 2); further calls wait. */
  maxPages?: number;
  /** Upper bound for one render / harvest call (default 45000). */
  timeoutMs?: number;
  userAgent?: string;
  /** Wait after each scroll for new content to arrive (default 1500 ms). */
  scrollWaitMs?: number;
}

const LAUNCH_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  '--mute-audio',
];

/**
 * Headless Chromium for the sources that need JavaScript: renders pages (scrolling to load more)
 * and harvests cookies a page sets (Weibo visitor cookies). Launched lazily with a throw-away
 * profile, at most `maxPages` pages at once, pages reused, relaunched after a crash.
 */
export class BrowserPool implements BrowserFetcher {
  private browser: Browser | undefined;
  private launching: Promise<Browser> | undefined;
  private profileDir: string | undefined;
  private readonly idle: Page[] = [];
  private active = 0;
  private readonly waiters: Array<() => void> = [];
  private closed = false;
  private readonly log: Logger;
  private readonly maxPages: number;
  private readonly timeoutMs: number;
  /** Launches so far (tests check crash recovery with it). */
  launches = 0;

  constructor(private readonly options: BrowserPoolOptions) {
    this.log = options.log.child({ component: 'browser' });
    this.maxPages = options.maxPages ?? 2;
    this.timeoutMs = options.timeoutMs ?? 45_000;
  }

  /** Calls waiting for a free page slot. */
  get queued(): number {
    return this.waiters.length;
  }

  /** The running browser's process id (undefined before launch or after a crash). */
  get pid(): number | undefined {
    return this.browser?.process()?.pid;
  }

  async render(url: string, options: { scrolls?: number; waitForSelector?: string; cookies?: BrowserCookie[] } = {}): Promise<string> {
    return this.withPage(`render ${url}`, async (page, browser) => {
      if (options.cookies?.length) await browser.setCookie(...options.cookies.map((c) => ({ ...c, path: '/' })));
      await page.goto(url, { waitUntil: 'domcontentloaded', timeout: this.timeoutMs });
      if (options.waitForSelector) await page.waitForSelector(options.waitForSelector, { timeout: this.timeoutMs });
      for (let i = 0; i < (options.scrolls ?? 0); i++) {
        const before = await page.evaluate(() => document.body.scrollHeight);
        await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
        // Content loads asynchronously after a scroll; stop early when the page stops growing.
        const grew = await page
          .waitForFunction((h: number) => document.body.scrollHeight > h, { timeout: this.options.scrollWaitMs ?? 1500 }, before)
          .then(() => true)
          .catch(() => false);
        if (!grew) break;
      }
      return page.content();
    });
  }

  async capture(url: string, options: CaptureOptions): Promise<CaptureResult> {
    return this.withPage(`capture ${url}`, async (page, browser) => {
      if (options.cookies?.length) await browser.setCookie(...options.cookies.map((c) => ({ ...c, path: '/' })));
      const responses: CaptureResult['responses'] = [];
      const reads: Array<Promise<void>> = [];
      let arrived: (() => void) | undefined;
      const onResponse = (res: HTTPResponse) => {
        if (!options.match.some((m) => res.url().includes(m))) return;
        reads.push(
          res
            .text()
            .catch(() => '')
            .then((body) => {
              responses.push({ url: res.url(), status: res.status(), body });
              arrived?.();
            }),
        );
      };
      // A response counts once its body is read; waits are bounded, never fixed sleeps.
      const waitForCount = (n: number, ms: number) =>
        new Promise<boolean>((resolve) => {
          const timer = setTimeout(() => resolve(responses.length >= n), ms);
          const check = () => {
            if (responses.length < n) return;
            clearTimeout(timer);
            arrived = undefined;
            resolve(true);
          };
          arrived = check;
          check();
        });
      page.on('response', onResponse);
      try {
        const scrollWait = this.options.scrollWaitMs ?? 1500;
        await page.goto(url, { waitUntil: 'domcontentloaded', timeout: this.timeoutMs });
        const firstWait = options.firstResponseMs ?? scrollWait * 4;
        const blockShown = options.blockSelector
          ? page.waitForSelector(options.blockSelector, { timeout: firstWait }).then(
              () => true,
              () => false,
            )
          : new Promise<boolean>(() => undefined);
        if (await Promise.race([waitForCount(1, firstWait).then(() => false), blockShown])) {
          return { finalUrl: page.url(), title: await page.title(), html: await page.content(), responses: [...responses] };
        }
        for (let i = 0; i < (options.scrolls ?? 0); i++) {
          const last = responses.at(-1);
          if (!last || (options.more && !options.more(last.body))) break;
          const before = responses.length;
          await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
          if (!(await waitForCount(before + 1, scrollWait))) break;
        }
        await Promise.all(reads);
        return { finalUrl: page.url(), title: await page.title(), html: await page.content(), responses: [...responses] };
      } finally {
        page.off('response', onResponse);
      }
    });
  }

  async harvestCookies(url: string): Promise<BrowserCookie[]> {
    const browser = await this.ensureBrowser();
    // A fresh incognito context, so only the cookies this visit sets come back.
    const context = await browser.createBrowserContext();
    try {
      return await this.withTimeout(`harvest ${url}`, async () => {
        const page = await context.newPage();
        if (this.options.userAgent) await page.setUserAgent({ userAgent: this.options.userAgent });
        await page.goto(url, { waitUntil: 'networkidle2', timeout: this.timeoutMs });
        const cookies = await context.cookies();
        return cookies.map((c) => ({ name: c.name, value: c.value, domain: c.domain }));
      });
    } finally {
      await context.close().catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const browser = this.browser;
    this.browser = undefined;
    this.idle.length = 0;
    if (browser) await browser.close().catch(() => undefined);
    this.removeProfile();
  }

  private async withPage<T>(what: string, fn: (page: Page, browser: Browser) => Promise<T>): Promise<T> {
    await this.acquireSlot();
    let page: Page | undefined;
    let healthy = false;
    try {
      const browser = await this.ensureBrowser();
      page = this.idle.pop();
      if (!page || page.isClosed()) {
        page = await browser.newPage();
        if (this.options.userAgent) await page.setUserAgent({ userAgent: this.options.userAgent });
      }
      const p = page;
      const result = await this.withTimeout(what, () => fn(p, browser));
      healthy = true;
      return result;
    } finally {
      if (page && healthy && this.browser?.connected && !page.isClosed()) {
        await page.goto('about:blank').catch(() => undefined);
        this.idle.push(page);
      } else if (page && !page.isClosed()) {
        await page.close().catch(() => undefined);
      }
      this.releaseSlot();
    }
  }

  private async withTimeout<T>(what: string, fn: () => Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new RetryLaterError(`browser ${what} timed out after ${this.timeoutMs} ms`)), this.timeoutMs);
    });
    try {
      return await Promise.race([fn(), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  private acquireSlot(): Promise<void> {
    if (this.active < this.maxPages) {
      this.active++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private releaseSlot(): void {
    const next = this.waiters.shift();
    if (next) next();
    else this.active--;
  }

  private async ensureBrowser(): Promise<Browser> {
    if (this.closed) throw new Error('browser pool is closed');
    if (this.browser?.connected) return this.browser;
    this.launching ??= this.launch().finally(() => {
      this.launching = undefined;
    });
    return this.launching;
  }

  private async launch(): Promise<Browser> {
    this.removeProfile();
    this.profileDir = mkdtempSync(join(tmpdir(), 'radar-chrome-'));
    const browser = await puppeteer.launch({
      executablePath: this.options.executablePath,
      headless: true,
      args: LAUNCH_ARGS,
      userDataDir: this.profileDir,
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
    });
    this.launches++;
    this.idle.length = 0;
    browser.on('disconnected', () => {
      if (this.browser !== browser) return;
      this.browser = undefined;
      this.idle.length = 0;
      if (!this.closed) this.log.warn('browser disconnected; relaunching on next use', { pid: browser.process()?.pid });
    });
    this.browser = browser;
    this.log.info('browser launched', { pid: browser.process()?.pid, executablePath: this.options.executablePath });
    return browser;
  }

  private removeProfile(): void {
    if (!this.profileDir) return;
    try {
      rmSync(this.profileDir, { recursive: true, force: true });
    } catch (err) {
      this.log.warn('cannot remove browser profile', { dir: this.profileDir, error: errorMessage(err) });
    }
    this.profileDir = undefined;
  }
}
