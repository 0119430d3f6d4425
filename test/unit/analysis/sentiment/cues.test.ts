import assert from 'node:assert/strict';
import { createCueTable, cueHits, scanCues } from '../../../../analysis/sentiment/cues.js';
import { type Example, opinionSpans } from '../../../../analysis/sentiment/data.js';
import { alertingThreshold } from '../../../../analysis/sentiment/pipeline.js';
import { learnOpinionLexicon } from '../../../../analysis/sentiment/train.js';

describe('sentiment cues (complaint intent, slang, learned opinion words)', () => {
  it('reads the opinion spans of a BIO_anno row', () => {
    const text = '建设银行提额很慢的';
    const bio = 'B-BANK I-BANK I-BANK I-BANK B-COMMENTS_N I-COMMENTS_N B-COMMENTS_ADJ I-COMMENTS_ADJ O';
    assert.deepEqual(opinionSpans(text, bio), ['很慢']);
    assert.deepEqual(opinionSpans('太坑了真心累', 'B-COMMENTS_ADJ I-COMMENTS_ADJ O O B-COMMENTS_ADJ I-COMMENTS_ADJ'), ['太坑', '心累']);
  });

  it('learns opinion polarity from annotated rows only, deterministically', () => {
    const rows: Example[] = [];
    for (let i = 0; i < 6; i++) rows.push({ text: `坑${i}`, neg: 1, source: 'bdci2021', opinions: ['坑'] });
    for (let i = 0; i < 30; i++) rows.push({ text: `快${i}`, neg: 0, source: 'bdci2021', opinions: ['很快'] });
    rows.push({ text: '一次', neg: 1, source: 'bdci2021', opinions: ['罕见'] });
    rows.push({ text: '无标注', neg: 1, source: 'weibo2018' });
    const lines = learnOpinionLexicon(rows).split('\n');
    const lex = new Map(lines.map((l) => [l.split(',')[0]!, Number(l.split(',')[1])]));
    assert.ok(lex.get('坑')! > 1, lines.join(' '));
    assert.ok(lex.get('很快')! < 0, lines.join(' '));
    assert.equal(lex.has('罕见'), false, 'seen once: too rare');
    assert.equal(learnOpinionLexicon(rows), learnOpinionLexicon([...rows]));
  });

  it('scans leftmost-longest: 慢慢 is not 慢 twice, and cue kinds add up', () => {
    const table = createCueTable('慢,2.0\n慢慢,-1.5\n心累,3.0');
    scanCues(table, '慢慢来');
    assert.deepEqual({ ...cueHits }, { complaint: 0, slang: 0, opinionNeg: 0, opinionPos: 1.5 });
    scanCues(table, '审批太慢，心累，已经投诉到12378');
    // 太慢 is a slang phrase, the longest match at 太, so 慢 is not read again as an opinion word.
    assert.equal(cueHits.opinionNeg, 3);
    assert.equal(cueHits.slang, 2, '太慢 + 心累');
    assert.equal(cueHits.complaint, 2, '投诉 + 12378');
  });

  it('chooses the one alerting threshold for recall on customer posts, macro-F1 on the whole split', () => {
    // Customer posts (true) score lower than news (false): recall on them needs a low threshold.
    const p = [0.9, 0.8, 0.1, 0.05, 0.3, 0.25, 0.02, 0.6];
    const y = [1, 1, 0, 0, 1, 1, 0, 0];
    const customer = [false, false, false, false, true, true, true, true];
    const t = alertingThreshold(p, y, customer, 1);
    assert.ok(t > 0.1 && t <= 0.25, String(t));
    // Without customer rows the recall is measured on the whole split.
    const whole = alertingThreshold(
      p,
      y,
      customer.map(() => false),
      1,
    );
    assert.ok(whole > 0.1 && whole <= 0.25, String(whole));
    assert.ok(alertingThreshold([0.9, 0.8, 0.3, 0.05], [1, 1, 0, 0], [false, false, false, false], 1) > 0.3);
  });
});
