import assert from 'node:assert/strict';
import type { Mention } from '../../../lib/domain.js';
import { authorKey, isComplainant, isComplaint, isComplaintByConstruction, isMediaMention } from '../../../lib/who-counts.js';

type M = Pick<Mention, 'source' | 'sourceType' | 'rating' | 'author'>;
const post = (sourceType: Mention['sourceType'], extra: Partial<M> = {}): M => ({
  source: sourceType === 'complaint' ? 'heimao' : sourceType === 'news' ? 'rss:caixin' : 'weibo',
  sourceType,
  author: { key: 'u1', name: '用户1', isMedia: false },
  ...extra,
});

describe('lib/who-counts (the one definition of complainant and media coverage)', () => {
  it('a complaint-platform post is a complaint whatever the model says', () => {
    for (const label of ['negative', 'neutral', 'positive', undefined] as const) {
      assert.equal(isComplaint(post('complaint'), label), true, String(label));
      assert.equal(isComplainant(post('complaint'), label), true, String(label));
    }
    assert.equal(isComplaintByConstruction(post('complaint')), true);
  });

  it('a 1–2-star app review is a complaint; 3–5 stars only when the text is negative', () => {
    assert.equal(isComplainant(post('social', { source: 'appstore', rating: 1 }), 'neutral'), true);
    assert.equal(isComplainant(post('social', { source: 'appstore', rating: 2 }), 'positive'), true);
    assert.equal(isComplainant(post('social', { source: 'appstore', rating: 3 }), 'neutral'), false);
    assert.equal(isComplainant(post('social', { source: 'appstore', rating: 5 }), 'negative'), true);
    assert.equal(isComplaintByConstruction(post('social', { rating: 0 })), false, 'no stars is not a rating');
  });

  it('a social post counts only when negative; news and media accounts are coverage, never complainants', () => {
    assert.equal(isComplainant(post('social'), 'negative'), true);
    assert.equal(isComplainant(post('social'), 'neutral'), false);
    assert.equal(isComplainant(post('news'), 'negative'), false);
    assert.equal(isMediaMention(post('news')), true);
    const outlet = post('social', { author: { key: 'cctv', name: '央视财经', isMedia: true } });
    assert.equal(isMediaMention(outlet), true);
    assert.equal(isComplainant(outlet, 'negative'), false);
    // A self-media blogger is not media: a negative post of theirs is a complaint.
    const blogger = post('social', { author: { key: 'kol', name: '财经大V', isMedia: false } });
    assert.equal(isMediaMention(blogger), false);
    assert.equal(isComplainant(blogger, 'negative'), true);
  });

  it('authors are distinct per source', () => {
    assert.equal(authorKey(post('complaint')), 'heimao:u1');
    assert.notEqual(authorKey(post('complaint')), authorKey(post('social')));
  });
});
