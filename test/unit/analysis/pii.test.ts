import assert from 'node:assert/strict';
import { idCardCheckChar, isValidIdCard, luhnValid, maskPii } from '../../../analysis/pii.js';

/** A valid 18-digit ID number: region + birth date + sequence + computed check char. */
function idNumber(first17: string): string {
  return first17 + idCardCheckChar(first17);
}
/** Appends the Luhn check digit. */
function card(prefix: string): string {
  for (let d = 0; d <= 9; d++) if (luhnValid(prefix + d)) return prefix + d;
  throw new Error('unreachable');
}
function breakCheck(n: string): string {
  const last = n.at(-1)!;
  return n.slice(0, -1) + (last === '1' ? '2' : '1');
}

describe('analysis/pii', () => {
  const id = idNumber('44030519851201231');
  const idX = (() => {
    for (let i = 100; i < 999; i++) {
      const v = idNumber(`11010119900101${i}`);
      if (v.endsWith('X')) return v;
    }
    throw new Error('no X id');
  })();
  const card16 = card('622202100112345');
  const card19 = card('621700000000123456');

  it('validates ID numbers (MOD 11-2) and card numbers (Luhn)', () => {
    assert.equal(isValidIdCard(id), true);
    assert.equal(isValidIdCard(breakCheck(id)), false);
    assert.equal(isValidIdCard(idX), true);
    assert.equal(isValidIdCard('440305851201231'), true, 'legacy 15-digit');
    assert.equal(isValidIdCard('440305851341231'), false, 'month 13');
    assert.equal(luhnValid(card16), true);
    assert.equal(luhnValid(breakCheck(card16)), false);
  });

  it('masks phones (with +86, spaces, dashes, full-width digits)', () => {
    assert.equal(maskPii('电话13812345678，速回').text, '电话138****5678，速回');
    assert.equal(maskPii('请拨+86 138-1234-5678').text, '请拨+86 138****5678');
    assert.equal(maskPii('手机：１３９１２３４５６７８').text, '手机：139****5678');
    assert.equal(maskPii('号码 159 1234 5678 打不通').found.phone, 1);
    // Mixed ASCII and full-width digits count together toward the 11 a PII number needs.
    assert.equal(maskPii('手机：１３９1234５６７８').text, '手机：139****5678');
  });

  it('masks e-mails written with a full-width ＠ and leaves short digit runs without @ untouched', () => {
    const r = maskPii('联系zhangsan＠example.com，退款1380元，工号12345');
    assert.equal(r.text, '联系z***@example.com，退款1380元，工号12345');
    assert.equal(r.found.email, 1);
    const handles = '转发扩散@民生银行客服 @招行客服，邮箱 a@b 不全，联系 test@ 也不算';
    assert.deepEqual(maskPii(handles), { text: handles, found: { phone: 0, idCard: 0, bankCard: 0, email: 0 } });
    assert.equal(maskPii('@招行 邮件发到li.si-2@mail.cmb.com了').text, '@招行 邮件发到l***@mail.cmb.com了');
    const plain = '年费扣了300元，客服电话95588，还没退';
    assert.equal(maskPii(plain).text, plain);
  });

  it('masks valid ID and card numbers, keeps first 6 + last 4 of IDs and the last 4 of cards', () => {
    const r = maskPii(`身份证${id}，卡号${card16.replace(/(\d{4})(?=\d)/g, '$1 ')}，另一张${card19}，身份证${idX.toLowerCase()}`);
    assert.deepEqual(r.found, { phone: 0, idCard: 2, bankCard: 2, email: 0 });
    assert.ok(r.text.includes(`身份证${id.slice(0, 6)}********${id.slice(-4)}`));
    assert.ok(r.text.includes(`卡号************${card16.slice(-4)}`));
    assert.ok(r.text.includes(`另一张${'*'.repeat(15)}${card19.slice(-4)}`));
    assert.ok(!r.text.includes(id) && !r.text.includes(card19));
  });

  it('leaves order ids, amounts, dates and checksum failures alone', () => {
    const text = `订单号${breakCheck(card16)}，金额1380元，时间2025-11-22 10:30，流水12345678901234567，身份证${breakCheck(id)}，编号10012345678`;
    const r = maskPii(text);
    assert.equal(r.text, text);
    assert.deepEqual(r.found, { phone: 0, idCard: 0, bankCard: 0, email: 0 });
  });

  it('finds numbers only in long enough runs, counted from the first digit or + (first-pass span check)', () => {
    // 11+ digits in all, but no run of 11: nothing to mask.
    const spread = '扣了1234元，又扣567元，共8901元，电话95588';
    assert.deepEqual(maskPii(spread), { text: spread, found: { phone: 0, idCard: 0, bankCard: 0, email: 0 } });
    // Leading separators before the first digit do not count toward the run, the digits still match.
    assert.equal(maskPii('号码 - -13812345678').text, '号码 - -138****5678');
    assert.equal(maskPii('号码：－－１３８１２３４５６７８').text, '号码：－－138****5678');
    // A run that only becomes long with full-width separators and digits folded.
    assert.equal(maskPii('＋８６　１３８－１２３４－５６７８').text, '+86 138****5678');
    assert.equal(maskPii(`身份证号${id.slice(0, 9)}－${id.slice(9)}`).found.idCard, 1);
  });

  it('masks e-mail addresses', () => {
    const r = maskPii('联系我 zhangsan.88@qq.com 或 Li_Si@example.com.cn');
    assert.equal(r.text, '联系我 z***@qq.com 或 L***@example.com.cn');
    assert.equal(r.found.email, 2);
  });
});
