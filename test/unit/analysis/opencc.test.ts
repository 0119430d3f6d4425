import assert from 'node:assert/strict';
import * as OpenCC from 'opencc-js';
import { createTw2Cn } from '../../../analysis/opencc.js';

describe('analysis/opencc (tw2sp, same output as opencc-js)', () => {
  const library: (s: string) => string = OpenCC.Converter({ from: 'twp', to: 'cn' });
  const toTw: (s: string) => string = OpenCC.Converter({ from: 'cn', to: 'twp' });
  const toHk: (s: string) => string = OpenCC.Converter({ from: 'cn', to: 'hk' });
  const convert = createTw2Cn();

  it('converts Taiwan and Hong Kong posts exactly as the library does', () => {
    const posts = [
      '手機銀行又崩潰了，轉帳一直失敗，錢被扣了卻沒到賬，客服根本打不通😡',
      '中國銀行信用卡年費亂收，網點櫃員態度很差，理財經理誤導銷售，虧了20%',
      '這個軟體的記憶體佔用太高，滑鼠點選沒反應，資訊安全有問題',
      '裏面的著作權、乾燥的天氣、頭髮、皇后、後來、瞭解、範圍',
      '[怒]@招商銀行 你們的APP登錄不上！！！ #銀行維權# http://t.cn/abc',
    ];
    const simplified = ['建设银行信用卡被降额了，打客服电话一直推诿', '软件的内存占用太高，鼠标点击没反应，信息安全有问题'];
    const texts: string[] = [...posts, ...simplified.map((t) => toTw(t)), ...simplified.map((t) => toHk(t)), ...simplified, ''];
    for (const text of texts) {
      assert.equal(convert(text), library(text), text);
    }
    assert.equal(convert('手機銀行又崩潰了'), '手机银行又崩溃了');
  });

  it('agrees on random mixes of phrase characters, compatibility ideographs, IDS and surrogates', () => {
    const pool = [
      ...'臺灣裏面乾燥頭髮皇后後來瞭解範圍著作鍾錶錄製幹部干擾銀行櫃員帳戶餘額發髮麵麪週周覆復',
      ...'的了是我你他银行卡 ,，。!！?？abcXYZ0123456789',
      '豈',
      '更',
      '車',
      '⿰',
      '⿱',
      '⿲',
      '𠀀',
      '𡚨',
      '\ud800',
      '\udc00',
      '😡',
    ];
    let seed = 20251122;
    const rand = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed / 2 ** 32;
    };
    for (let k = 0; k < 3000; k++) {
      let s = '';
      const len = Math.floor(rand() * 24);
      for (let i = 0; i < len; i++) s += pool[Math.floor(rand() * pool.length)];
      assert.equal(convert(s), library(s), JSON.stringify(s));
    }
  });
});
