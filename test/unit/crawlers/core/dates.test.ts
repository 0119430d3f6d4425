import assert from 'node:assert/strict';
import { parseChineseDate, parseUnixSeconds, shanghaiToDate } from '../../../../crawlers/core/dates.js';
import { FakeClock } from '../../../../lib/clock.js';

/** 2025-11-22 10:30:00 in Shanghai. */
const NOW = '2025-11-22T02:30:00.000Z';

function iso(text: string | number, clock = new FakeClock(NOW)): string | undefined {
  return parseChineseDate(text, clock)?.toISOString();
}

describe('crawlers/core/dates', () => {
  describe('relative forms', () => {
    it('刚刚 is now', () => assert.equal(iso('刚刚'), NOW));
    it('seconds, minutes, hours, days ago', () => {
      assert.equal(iso('30秒前'), '2025-11-22T02:29:30.000Z');
      assert.equal(iso('5分钟前'), '2025-11-22T02:25:00.000Z');
      assert.equal(iso('3小时前'), '2025-11-21T23:30:00.000Z');
      assert.equal(iso('半小时前'), '2025-11-22T02:00:00.000Z');
      assert.equal(iso('5天前'), '2025-11-17T02:30:00.000Z');
      assert.equal(iso(' 5 分钟前 '), '2025-11-22T02:25:00.000Z');
    });
    it('今天 / 昨天 / 前天 with a Shanghai wall time', () => {
      assert.equal(iso('今天 10:00'), '2025-11-22T02:00:00.000Z');
      assert.equal(iso('今天10:00'), '2025-11-22T02:00:00.000Z');
      assert.equal(iso('昨天 23:59'), '2025-11-21T15:59:00.000Z');
      assert.equal(iso('前天 08:05'), '2025-11-20T00:05:00.000Z');
      assert.equal(iso('前天'), '2025-11-20T02:30:00.000Z');
    });
    it('today is the Shanghai day, not the UTC day, just after Shanghai midnight', () => {
      // 00:10 on 23 Nov in Shanghai is still 22 Nov in UTC.
      const clock = new FakeClock('2025-11-22T16:10:00.000Z');
      assert.equal(iso('今天 00:05', clock), '2025-11-22T16:05:00.000Z');
      assert.equal(iso('昨天 23:50', clock), '2025-11-22T15:50:00.000Z');
      assert.equal(iso('11月23日 00:01', clock), '2025-11-22T16:01:00.000Z');
    });
    it('today just before Shanghai midnight', () => {
      const clock = new FakeClock('2025-11-22T15:59:00.000Z'); // 23:59 on 22 Nov
      assert.equal(iso('今天 00:00', clock), '2025-11-21T16:00:00.000Z');
    });
  });

  describe('absolute forms', () => {
    it('month and day in Chinese, with and without time', () => {
      assert.equal(iso('11月20日 10:00'), '2025-11-20T02:00:00.000Z');
      assert.equal(iso('11月20日'), '2025-11-19T16:00:00.000Z');
      assert.equal(iso('2024年11月20日 10:00'), '2024-11-20T02:00:00.000Z');
      assert.equal(iso('2025年11月22日 10:15'), '2025-11-22T02:15:00.000Z');
      assert.equal(iso('2024年1月5日'), '2024-01-04T16:00:00.000Z');
    });
    it('ISO-like local times are China time', () => {
      assert.equal(iso('2025-11-22 10:15:02'), '2025-11-22T02:15:02.000Z');
      assert.equal(iso('2024-11-20'), '2024-11-19T16:00:00.000Z');
      assert.equal(iso('2024/11/20 08:00'), '2024-11-20T00:00:00.000Z');
      assert.equal(iso('2025-11-23 于黑猫投诉平台发起'), '2025-11-22T16:00:00.000Z');
    });
    it('ISO with an explicit zone keeps it', () => {
      assert.equal(iso('2025-11-22T02:15:00Z'), '2025-11-22T02:15:00.000Z');
      assert.equal(iso('2025-11-22T10:15:00+08:00'), '2025-11-22T02:15:00.000Z');
      assert.equal(iso('2025-11-22 10:15:00 +0800'), '2025-11-22T02:15:00.000Z');
    });
    it('MM-DD is this year, or last year when that lands in the future', () => {
      assert.equal(iso('11-20'), '2025-11-19T16:00:00.000Z');
      assert.equal(iso('11-20 09:30'), '2025-11-20T01:30:00.000Z');
      assert.equal(iso('12-25'), '2024-12-24T16:00:00.000Z');
    });
    it('year rollover: 12月31日 seen on 1 January is last year', () => {
      const clock = new FakeClock('2026-01-01T01:00:00.000Z'); // 09:00 on 1 Jan 2026 in Shanghai
      assert.equal(iso('12月31日 23:50', clock), '2025-12-31T15:50:00.000Z');
      assert.equal(iso('12-31', clock), '2025-12-30T16:00:00.000Z');
      assert.equal(iso('1月1日 08:00', clock), '2026-01-01T00:00:00.000Z');
      assert.equal(iso('昨天 22:00', clock), '2025-12-31T14:00:00.000Z');
    });
    it('year rollover at Shanghai midnight while UTC is still in the old year', () => {
      const clock = new FakeClock('2025-12-31T16:30:00.000Z'); // 00:30 on 1 Jan 2026 in Shanghai
      assert.equal(iso('1月1日 00:10', clock), '2025-12-31T16:10:00.000Z');
      assert.equal(iso('12月31日 23:00', clock), '2025-12-31T15:00:00.000Z');
    });
    it('Weibo created_at', () => {
      assert.equal(iso('Sat Nov 22 10:00:00 +0800 2025'), '2025-11-22T02:00:00.000Z');
      assert.equal(iso('Mon Dec 01 00:00:05 +0800 2025'), '2025-11-30T16:00:05.000Z');
    });
    it('RFC-822 pubDate, including CST meaning China time', () => {
      assert.equal(iso('Sat, 22 Nov 2025 10:00:00 +0800'), '2025-11-22T02:00:00.000Z');
      assert.equal(iso('Sat, 22 Nov 2025 02:00:00 GMT'), '2025-11-22T02:00:00.000Z');
      assert.equal(iso('Sat, 22 Nov 2025 10:00:00 CST'), '2025-11-22T02:00:00.000Z');
    });
    it('Unix seconds and milliseconds, as strings and numbers', () => {
      assert.equal(iso('1763776800'), '2025-11-22T02:00:00.000Z');
      assert.equal(iso(1763776800), '2025-11-22T02:00:00.000Z');
      assert.equal(iso('1763776800123'), '2025-11-22T02:00:00.123Z');
      assert.equal(iso(1763776800123), '2025-11-22T02:00:00.123Z');
      assert.equal(parseUnixSeconds('1763776800')?.toISOString(), '2025-11-22T02:00:00.000Z');
      assert.equal(parseUnixSeconds('17637768'), undefined);
      assert.equal(parseUnixSeconds(undefined), undefined);
    });
    it('drops a trailing 来自 client part and full-width characters', () => {
      assert.equal(iso('今天 10:00 来自 iPhone 15 Pro'), '2025-11-22T02:00:00.000Z');
      assert.equal(iso('11月20日 10:00\u00a0来自微博 weibo.com'), '2025-11-20T02:00:00.000Z');
      assert.equal(iso('２０２５－１１－２２　１０：１５'), '2025-11-22T02:15:00.000Z');
    });
  });

  describe('rejects what is not a date', () => {
    for (const text of ['', '   ', '示例银行信用卡', '13月40日', '2025-02-30', 'abc', '99:99']) {
      it(`"${text}"`, () => assert.equal(iso(text), undefined));
    }
    it('shanghaiToDate rejects impossible days', () => {
      assert.equal(shanghaiToDate(2025, 2, 29), undefined);
      assert.equal(shanghaiToDate(2024, 2, 29)?.toISOString(), '2024-02-28T16:00:00.000Z');
    });
  });
});
