import { runPoliciesPerSet } from '../../src/cli/apply-sets';
import { PolicySubject } from '../../src/policies/types';

/** A ConfigMap whose data key is invalid (one api-config-data error). */
const badConfig = (name: string): any => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'app' }, data: { 'log level': 'debug' } });
const goodConfig = (name: string): any => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'app' }, data: { level: 'debug' } });

describe('runPoliciesPerSet', () => {
  test('subjectIndex of each finding indexes the subjects given, whatever set they are in, in subject order', () => {
    // Sets interleave and differ in size, so an index within a set is not the index among the subjects.
    const subjects: PolicySubject[] = [
      { manifest: goodConfig('a'), file: 'dev/a.yaml' },
      { manifest: badConfig('settings'), file: 'dev/app.yaml' },
      { manifest: badConfig('settings'), file: 'prod/app.yaml' },
      { manifest: goodConfig('b'), file: 'loose.yaml' },
      { manifest: badConfig('loose'), file: 'loose.yaml' },
    ];
    const report = runPoliciesPerSet(subjects, (s) => s.file!.split('/')[0].replace(/\.yaml$/, ''));
    const errors = report.errors.filter((f) => f.ruleId === 'api-config-data');
    expect(errors.map((f) => f.subjectIndex)).toEqual([1, 2, 4]);
    for (const f of errors) expect(subjects[f.subjectIndex!].file).toBe(f.file);
    expect(report.objects).toBe(5);
    // Each set is checked on its own: the same ConfigMap in dev and prod is no duplicate.
    expect(report.errors.concat(report.warnings).map((f) => f.ruleId)).not.toContain('ref-duplicate-object');
  });

  test('one set: the report of runPolicies, indices unchanged', () => {
    const subjects: PolicySubject[] = [{ manifest: goodConfig('a') }, { manifest: badConfig('b') }];
    expect(runPoliciesPerSet(subjects, () => '').errors.map((f) => [f.ruleId, f.subjectIndex])).toEqual([['api-config-data', 1]]);
  });
});
