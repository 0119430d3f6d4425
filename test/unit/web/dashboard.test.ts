import assert from 'node:assert/strict';
import { TOPICS } from '../../../analysis/taxonomy.js';
import { topicLabel } from '../../../web/src/labels.js';
import { openingDay } from '../../../web/src/views/digest.js';
import { shareOption } from '../../../web/src/views/trends.js';

describe('dashboard view logic', () => {
  it('labels every taxonomy topic in Chinese (no raw ids such as card_annual_fee in the trends legend)', () => {
    for (const t of TOPICS) assert.equal(topicLabel(t.id), t.label, t.id);
  });

  it('colours each share-of-voice bar as its legend entry', () => {
    const option = shareOption([
      { institution: 'example_bank', name: '示例银行', ourBank: true, mentions: 40, negative: 25 },
      { institution: 'icbc', name: '工商银行', ourBank: false, mentions: 90, negative: 10 },
      { institution: 'ccb', name: '建设银行', ourBank: false, mentions: 30, negative: 4 },
    ] as Parameters<typeof shareOption>[0]) as {
      yAxis: { data: string[] };
      series: Array<{ name: string; itemStyle: { color: string }; data: Array<number | string | { itemStyle?: { color: string } }> }>;
    };
    for (const s of option.series) {
      assert.ok(s.itemStyle.color, `${s.name} has one legend colour`);
      for (const d of s.data)
        if (typeof d === 'object') assert.equal(d.itemStyle?.color ?? s.itemStyle.color, s.itemStyle.color, `${s.name}: a bar coloured unlike its legend`);
    }
    const ours = option.series.find((s) => s.name === '本行提及量')!;
    const peers = option.series.find((s) => s.name === '同业提及量')!;
    const row = option.yAxis.data.indexOf('★ 示例银行');
    assert.equal(ours.data[row], 40);
    assert.equal(peers.data[row], '-');
    assert.notEqual(ours.itemStyle.color, peers.itemStyle.color);
  });

  it('opens the digest on the latest day with data and says which', () => {
    const day = (d: string, total: number) => ({ bucket: `${d}T00:00:00+08:00`, total });
    assert.deepEqual(openingDay([day('2025-11-20', 3), day('2025-11-21', 0), day('2025-11-22', 5)], '2025-11-22'), {
      date: '2025-11-22',
      note: '今日（截至目前）',
    });
    const earlier = openingDay([day('2025-11-19', 3), day('2025-11-20', 7), day('2025-11-21', 0)], '2025-11-22');
    assert.equal(earlier.date, '2025-11-20');
    assert.match(earlier.note, /2025-11-20/);
    assert.equal(openingDay([], '2025-11-22').date, '2025-11-22');
  });
});
