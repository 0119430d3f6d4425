import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { governingRule, loadRules, parseRules, RulesError } from '../../../escalation/rules.js';
import { shippedRules } from './helpers.js';

function rulesError(yamlText: string): RulesError {
  try {
    parseRules(yamlText, 'test.yaml');
  } catch (err) {
    assert.ok(err instanceof RulesError, String(err));
    return err;
  }
  assert.fail('expected a RulesError');
}

const base = () => structuredClone(shippedRules()) as unknown as { rules: Array<Record<string, unknown> & { trigger: Record<string, unknown> }> };

describe('escalation rules', () => {
  it('ships the bank policy and the extra rules', () => {
    const set = shippedRules();
    assert.deepEqual(
      set.rules.map((r) => `${r.id} ${r.kind} ${r.tier} ${r.owner} ${r.deadlineMinutes ?? '-'} ${r.nextOnBreach ?? '-'}`),
      [
        'l1_single_complaint tier L1 customer_service 120 L2',
        'l2_many_complainants tier L2 pr 240 L3',
        'l3_media_coverage tier L3 executive 60 executive',
        'l3_run_rumour tier L3 executive 60 executive',
        'l2_regulator_mentioned tier L2 pr 240 L3',
        'ew_complaints_climbing early_warning L1 pr - -',
      ],
    );
    const l3 = set.rules[2]!;
    assert.deepEqual(l3.inform, ['compliance']);
    assert.equal(l3.trigger.mediaCoverage, true);
    assert.equal(set.rules[1]!.trigger.minDistinctComplainants, 10);
    assert.deepEqual(set.rules[5]!.trigger, { sentiment: 'negative', minDistinctComplainants: 5, windowHours: 2 });
    assert.equal(governingRule(set, 'nope', 'L2')?.id, 'l2_many_complainants', 'falls back to the primary rule of the tier');
  });

  it('names the exact path of a wrong type', () => {
    const raw = base();
    raw.rules[2]!.trigger.minDistinctComplainants = '十';
    const err = rulesError(stringify(raw));
    assert.deepEqual(err.issues, [{ path: 'rules[2].trigger.minDistinctComplainants', message: 'expected number' }]);
    assert.match(err.message, /^invalid escalation rules \(test\.yaml\):\n {2}rules\[2\]\.trigger\.minDistinctComplainants: expected number$/);
  });

  it('rejects unknown tiers, unknown keys, duplicate ids and empty triggers', () => {
    const raw = base();
    raw.rules[0]!.tier = 'L4';
    raw.rules[1]!.trigger.minComplainants = 10;
    raw.rules[4]!.trigger = {};
    const paths = rulesError(stringify(raw)).issues.map((i) => `${i.path}: ${i.message}`);
    assert.deepEqual(paths.sort(), [
      'rules[0].tier: expected one of "L1", "L2", "L3"',
      'rules[1].trigger: unknown key(s) minComplainants',
      'rules[4].trigger: a trigger needs at least one condition',
    ]);
    // Set-level checks run once every rule is valid on its own.
    const dup = base();
    dup.rules[3]!.id = 'l3_media_coverage';
    assert.deepEqual(rulesError(stringify(dup)).issues, [{ path: 'rules[3].id', message: 'duplicate rule id l3_media_coverage' }]);
  });

  it('rejects a breach target below the tier, a missing tier deadline, and windowHours alone', () => {
    const raw = base();
    raw.rules[1]!.nextOnBreach = 'L1';
    delete raw.rules[0]!.deadlineMinutes;
    raw.rules[3]!.trigger.windowHours = 2;
    const paths = rulesError(stringify(raw)).issues.map((i) => i.path);
    assert.deepEqual(paths.sort(), ['rules[0].deadlineMinutes', 'rules[1].nextOnBreach', 'rules[3].trigger.windowHours']);
  });

  it('reports YAML syntax errors and loads from a file', () => {
    assert.equal(rulesError('rules: [\n  - id: x').issues[0]?.path, '(yaml)');
    assert.equal(rulesError('').issues[0]?.path, '(root)');
    const dir = mkdtempSync(join(tmpdir(), 'rules-'));
    try {
      const file = join(dir, 'r.yaml');
      writeFileSync(
        file,
        'rules:\n  - id: l3_only\n    label: 只看媒体\n    tier: L3\n    owner: executive\n    deadlineMinutes: 30\n    trigger: { mediaCoverage: true }\n',
      );
      const set = loadRules(file);
      assert.equal(set.rules[0]?.ackTimeoutMinutes, 30, 'defaults applied');
      assert.equal(set.rules[0]?.kind, 'tier');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
