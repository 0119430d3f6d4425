import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import { csvField, csvRow } from '../../../api/csv.js';

describe('api/csv', () => {
  it('leaves plain Chinese text and numbers alone', () => {
    assert.equal(csvRow(['示例银行', 3, -0.25, true, undefined, null]), '示例银行,3,-0.25,true,,\r\n');
  });

  it('quotes commas, quotes and line breaks, doubling inner quotes', () => {
    assert.equal(csvField('年费680元,要求退还'), '"年费680元,要求退还"');
    assert.equal(csvField('客服说"系统自动扣的"'), '"客服说""系统自动扣的"""');
    assert.equal(csvField('第一行\n第二行'), '"第一行\n第二行"');
    assert.equal(csvField('a\r\nb'), '"a\r\nb"');
    assert.equal(csvField('全角，逗号'), '全角，逗号');
  });

  it('neutralises text a spreadsheet would run as a formula, but not negative numbers', () => {
    assert.equal(csvField('=HYPERLINK("http://x","点我")'), `"'=HYPERLINK(""http://x"",""点我"")"`);
    assert.equal(csvField('+86 138'), "'+86 138");
    assert.equal(csvField('@某银行客服'), "'@某银行客服");
    assert.equal(csvField('-0.6'), '-0.6');
    assert.equal(csvField('-某人说'), "'-某人说");
  });
});
