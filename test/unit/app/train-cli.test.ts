import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { normalize } from '../../../analysis/normalize.js';
import { loadSentimentModel } from '../../../analysis/sentiment/model.js';
import { createTokenizer } from '../../../analysis/tokenizer.js';
import { retrainCli } from '../../../app/train-cli.js';

const complaints = [
  '信用卡被乱扣年费，客服一直推诿',
  '催收电话打到我单位，太过分了',
  '理财产品亏了百分之十五，经理当初说保本',
  '网点排队两个小时，只开一个窗口',
  '手机银行又崩了，转账失败',
  '莫名其妙被降额，问了也不给解释',
  '房贷审批拖了两个月还没批',
  '客服态度恶劣，直接挂我电话',
];
const fine = [
  '今天去网点办业务，柜员很耐心',
  '信用卡提额了，谢谢',
  '银行发布了新的理财产品',
  '分行举办了金融知识讲座',
  '存款利率下调的公告',
  '手机银行更新了新版本',
];

describe('radar train (retraining on a bank’s own posts)', function () {
  this.timeout(120_000);

  it('trains on the CSV alone without the corpora folder, reusing the shipped lexicons', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'radar-train-'));
    const csv = join(dir, 'posts.csv');
    const rows = ['text,label'];
    for (let i = 0; i < 30; i++) {
      for (const t of complaints) rows.push(`"${t}（第${i}条）",negative`);
      for (const t of fine) rows.push(`"${t}（第${i}条）",${i % 2 ? 'neutral' : 'positive'}`);
    }
    writeFileSync(csv, `${rows.join('\n')}\n`);
    const out = join(dir, 'model.json');
    await retrainCli({ data: csv, out, base: false, dataDir: join(dir, 'no-such-corpora') });
    const model = loadSentimentModel(out);
    const tok = createTokenizer({});
    const score = (text: string) => {
      const n = normalize(text);
      return model.predict({ normalized: n.text, tokens: tok.tokens(n.text), emoticons: n.emoticons }).score;
    };
    assert.ok(score('客服态度恶劣，信用卡被乱扣年费') > score('柜员很耐心，信用卡提额了'));
  });

  it('refuses to combine with the base corpora when they are missing, saying what to do', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'radar-train-'));
    const csv = join(dir, 'posts.csv');
    writeFileSync(csv, 'text,label\n信用卡被乱扣年费,negative\n');
    await assert.rejects(retrainCli({ data: csv, out: join(dir, 'm.json'), base: true, dataDir: join(dir, 'missing') }), /--no-base/);
  });
});
