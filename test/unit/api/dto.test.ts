import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import { queryTerms } from '../../../api/controllers/mentions.js';
import { type DtoContext, escapeHtml, fallbackMask, highlightText, isOverdue, mentionDto } from '../../../api/dto.js';
import { mentionSchema } from '../../../api/schemas.js';
import type { Case, Mention } from '../../../lib/domain.js';

describe('api/dto', () => {
  it('highlights every term case-insensitively, longest first, escaping the rest', () => {
    assert.equal(highlightText('信用卡年费<script>', ['年费', '信用卡']), '<mark>信用卡</mark><mark>年费</mark>&lt;script&gt;');
    assert.equal(highlightText('ICBC 工行 icbc', ['icbc']), '<mark>ICBC</mark> 工行 <mark>icbc</mark>');
    assert.equal(highlightText('信用卡中心', ['信用', '信用卡']), '<mark>信用卡</mark>中心');
    assert.equal(highlightText('a+b (c)', ['+b (']), 'a<mark>+b (</mark>c)');
    assert.equal(highlightText('无匹配 & 符号', []), '无匹配 &amp; 符号');
  });

  it('escapes HTML special characters', () => {
    assert.equal(escapeHtml(`<a href="x">'&'</a>`), '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });

  it('masks phone, ID card, bank card numbers and e-mail in unanalysed text', () => {
    const masked = fallbackMask('电话13812345678，身份证110101199003071234，卡号6222020200112233445，邮箱wang.li@example.cn');
    assert.doesNotMatch(masked, /13812345678|110101199003071234|6222020200112233445|wang\.li@/);
    assert.match(masked, /138\*\*\*\*5678/);
    assert.match(masked, /w\*\*\*@example\.cn/);
    assert.equal(fallbackMask('年费680元，2025年11月22日'), '年费680元，2025年11月22日');
  });

  it('splits queries into terms with the tokenizer, dropping punctuation', () => {
    assert.deepEqual(queryTerms('信用卡 年费', undefined), ['信用卡', '年费']);
    const tokenize = (t: string) => (t === '信用卡年费！' ? ['信用卡', '年费', '！'] : [t]);
    assert.deepEqual(queryTerms('信用卡年费！ 信用卡', tokenize), ['信用卡', '年费']);
    assert.deepEqual(queryTerms(undefined, tokenize), []);
  });

  it('a case is overdue when an unmet ack or completion deadline passed', () => {
    const base = { state: 'open', ackDueAt: '2025-11-22T02:30:00.000Z', deadlineAt: '2025-11-22T04:00:00.000Z' } as Case;
    assert.equal(isOverdue(base, new Date('2025-11-22T02:00:00Z')), false);
    assert.equal(isOverdue(base, new Date('2025-11-22T02:31:00Z')), true);
    assert.equal(isOverdue({ ...base, acknowledgedAt: '2025-11-22T02:10:00Z' }, new Date('2025-11-22T02:31:00Z')), false);
    assert.equal(isOverdue({ ...base, acknowledgedAt: '2025-11-22T02:10:00Z' }, new Date('2025-11-22T04:01:00Z')), true);
    assert.equal(isOverdue({ ...base, state: 'resolved' }, new Date('2025-11-23T00:00:00Z')), false);
  });

  it('a mention carries its truncated flag, day precision and star rating; absent flags stay absent', () => {
    const ctx: DtoContext = { keepRawText: false, institutionName: (id) => id, mask: fallbackMask, now: () => new Date('2025-11-22T03:00:00Z') };
    const base: Mention = {
      id: 'weibo:5234600000000102',
      source: 'weibo',
      sourceType: 'social',
      nativeId: '5234600000000102',
      text: '【长文】示例银行信用卡分期手续费到底怎么算？结果发现…',
      author: { key: '7812345002', name: '算账的老周', isMedia: false },
      publishedAt: '2025-11-22T02:05:00.000Z',
      fetchedAt: '2025-11-22T02:06:00.000Z',
      contentHash: 'h',
    };
    const cut = mentionSchema.parse(mentionDto(ctx, { ...base, truncated: true, datePrecision: 'day' }));
    assert.equal(cut.truncated, true);
    assert.equal(cut.datePrecision, 'day');
    const review = mentionSchema.parse(mentionDto(ctx, { ...base, id: 'appstore:1', source: 'appstore', rating: 1 }));
    assert.equal(review.rating, 1);
    assert.equal(review.truncated, undefined);
    assert.ok(!('truncated' in JSON.parse(JSON.stringify(review))));
  });
});
