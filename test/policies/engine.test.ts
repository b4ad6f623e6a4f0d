import * as fs from 'fs';
import * as path from 'path';
import { TimonelError } from '../../src/core/errors';
import { validatePortName } from '../../src/core/ports';
import { enforcePolicies, formatFinding, PolicyError, runPolicies } from '../../src/policies/engine';
import { fieldPath, splitFieldPath } from '../../src/policies/model';
import { Profile } from '../../src/policies/profiles';
import { RULES } from '../../src/policies/rules';
import { fromValidator } from '../../src/policies/rules/util';
import { cronJob, deployment, edit, findings, LABELS, surroundings } from './helpers';

const ok = [deployment(), ...surroundings()];
const rootUser = edit(deployment(), (d) => { d.spec.template.spec.securityContext.runAsUser = 0; });

describe('enforcePolicies', () => {
  test('returns nothing for a compliant set', () => {
    expect(enforcePolicies(ok.map((manifest) => ({ manifest, file: 'a.yaml' })))).toEqual([]);
  });

  test('returns the warnings when there are no errors', () => {
    const warnings = enforcePolicies([{ manifest: deployment(), constructPath: 'shop/web/Resource', file: 'shop.k8s.yaml' }]);
    expect(warnings.map((w) => [w.ruleId, w.severity])).toEqual([
      ['ref-missing-dependency', 'warning'],
      ['practice-network-policy', 'warning'],
    ]);
    expect(warnings[0]).toEqual({
      ruleId: 'ref-missing-dependency',
      severity: 'warning',
      message: "[shop/web/Resource] Deployment shop/web 'spec.template.spec.serviceAccountName' refers to the ServiceAccount 'web', which is not defined in this set (namespace 'shop'). Fix: define the ServiceAccount or fix the name",
      object: 'Deployment shop/web',
      kind: 'Deployment',
      name: 'web',
      namespace: 'shop',
      apiVersion: 'apps/v1',
      field: 'spec.template.spec.serviceAccountName',
      detail: "refers to the ServiceAccount 'web', which is not defined in this set (namespace 'shop')",
      fix: 'define the ServiceAccount or fix the name',
      constructPath: 'shop/web/Resource',
      file: 'shop.k8s.yaml',
      subjectIndex: 0,
    });
  });

  test('throws one TimonelError listing every error of every object, one per line, with the rule ids', () => {
    const subjects = [
      { manifest: rootUser, constructPath: 'shop/web/Resource', file: 'shop.k8s.yaml' },
      { manifest: edit(surroundings()[1], (s) => { s.spec.ports[0].port = 70000; }), file: 'shop.k8s.yaml' },
    ];
    let error: unknown;
    try {
      enforcePolicies(subjects);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TimonelError);
    expect(error).toBeInstanceOf(PolicyError);
    expect((error as Error).message).toBe([
      'Policy check failed with 2 errors:',
      "  [shop/web/Resource] Deployment shop/web 'spec.template.spec.securityContext.runAsUser' must not be 0 (root) for the pod (Pod Security 'restricted'), got 0. Fix: use a non-zero user id such as 10001 (pss-restricted-run-as-user)",
      "  [shop.k8s.yaml] Service shop/web 'spec.ports[0].port' must be a port number, got 70000. Allowed: an integer from 1 to 65535. Fix: use a port from 1 to 65535 (api-port-number)",
      "Fix each one, or suppress a rule where it does not apply with a written reason: Policy.suppress(construct, '<rule-id>', '<why>').",
    ].join('\n'));
    expect((error as PolicyError).findings.map((f) => f.ruleId)).toEqual(['pss-restricted-run-as-user', 'api-port-number']);
    expect((error as PolicyError).warnings.length).toBeGreaterThan(0);
  });

  test('keeps the exported signatures of the stub: (subjects) => Finding[]', () => {
    const fn: (subjects: readonly { manifest: any }[]) => { ruleId: string; severity: 'error' | 'warning'; message: string }[] = enforcePolicies;
    expect(fn([])).toEqual([]);
  });

  test('ignores documents that are not objects without failing', () => {
    expect(() => enforcePolicies([{ manifest: null }, { manifest: 'text' }, { manifest: {} }])).toThrow(/'metadata\.name' is required/);
  });
});

describe('profiles', () => {
  test('restricted is the default; baseline turns the restricted Pod Security rules off', () => {
    expect(runPolicies([{ manifest: rootUser }]).errors.map((f) => f.ruleId)).toEqual(['pss-restricted-run-as-user']);
    expect(runPolicies([{ manifest: rootUser }], { profile: 'baseline' }).errors).toEqual([]);
    expect(Profile.BASELINE.rules().filter((r) => r.level === 'off').map((r) => r.id)).toEqual(RULES.filter((r) => r.id.startsWith('pss-restricted-')).map((r) => r.id));
    expect(Profile.BASELINE.levelOf('practice-requests')).toBe('warning');
    expect(Profile.RESTRICTED.levelOf('practice-requests')).toBe('error');
  });

  test('a custom profile disables rules and changes severities', () => {
    const p = Profile.custom({ name: 'team', extends: 'restricted', disable: ['pss-restricted-run-as-user'], severity: { 'practice-network-policy': 'error', 'practice-probes': 'off' } });
    expect(p.name).toBe('team');
    expect(p.severityOf('pss-restricted-run-as-user')).toBeUndefined();
    const r = runPolicies([{ manifest: rootUser }], { profile: p });
    expect(r.errors.map((f) => f.ruleId)).toEqual(['practice-network-policy']);
    expect(r.profiles).toEqual(['team']);
    expect(Profile.custom({ extends: 'baseline', severity: { 'pss-restricted-run-as-user': 'error' } }).levelOf('pss-restricted-run-as-user')).toBe('error');
  });

  test('unknown rule ids and severities are errors that suggest the right id', () => {
    expect(() => Profile.custom({ disable: ['pss-restricted-run-as-root'] })).toThrow(
      "[Profile.custom] 'disable[0]' names the unknown rule 'pss-restricted-run-as-root', got 'pss-restricted-run-as-root'. Allowed: the rules of the profile 'custom', such as 'pss-restricted-run-as-non-root', 'pss-restricted-run-as-user' (" + RULES.length + " in all: docs/policies.md). Fix: did you mean 'pss-restricted-run-as-non-root'?",
    );
    // Each error of Profile.custom names the call and the option as written, with a fix (trial L).
    expect(() => Profile.custom({ extends: 'restrictd' as any })).toThrow(
      "[Profile.custom] 'extends' is not a known profile, got 'restrictd'. Allowed: 'restricted', 'baseline' or a Profile.custom(...). Fix: write 'restricted'");
    expect(() => Profile.custom({ severity: { 'practice-probes': 'warn' as any } })).toThrow(
      "[Profile.custom] 'severity.practice-probes' is not a severity, got 'warn'. Allowed: 'error', 'warning' or 'off'. Fix: write 'warning'");
    expect(() => Profile.custom({ severity: { 'practice-prob': 'off' } })).toThrow(/^\[Profile\.custom\] 'severity\.practice-prob' names the unknown rule 'practice-prob'.*Fix: did you mean 'practice-probes'\?$/);
    expect(() => Profile.custom({ severity: { 'practice-probes': 'fatal' as any } })).toThrow(/'severity\.practice-probes' is not a severity, got 'fatal'/);
    expect(() => Profile.of('strict' as any)).toThrow(/'profile' is not a known profile, got 'strict'/);
  });

  test('fails with a TimonelError when the options are missing or disable is not a list', () => {
    expect(() => Profile.custom(undefined as any)).toThrow(TimonelError);
    expect(() => Profile.custom(undefined as any)).toThrow(/^\[Profile\.custom\] needs an object of options, got undefined/);
    expect(() => Profile.custom({ disable: 'practice-probes' as any })).toThrow(/^\[Profile\.custom\] 'disable' must be a list of rule ids, got 'practice-probes'\..*Fix: wrap it in brackets: \["practice-probes"\]/);
  });

  test.each([
    ['severty', { 'practice-probes': 'error' }, 'severity', `{"practice-probes":"error"}`],
    ['disabel', ['practice-probes'], 'disable', '["practice-probes"]'],
  ])('fails when an option is misspelt (%s: the rule kept its level), and the fix applies it', (typo, value, meant, shown) => {
    expect(() => Profile.custom({ [typo]: value } as any)).toThrow(
      `[Profile.custom] '${typo}' is not a known option of Profile.custom, got ${shown}. Allowed: 'name', 'extends', 'disable', 'severity', 'rules'. Fix: did you mean '${meant}'?`,
    );
    expect(Profile.custom({ [meant]: value }).levelOf('practice-probes')).toBe(meant === 'disable' ? 'off' : 'error');
  });

  test('fails when the name is not a string, and the fix names the profile', () => {
    expect(() => Profile.custom({ name: 42 as any })).toThrow(
      "[Profile.custom] 'name' must be a string, but is a number, got 42. Allowed: a name for messages and 'timonel check' output, e.g. 'team-a'. Fix: write it as a string: '42'",
    );
    expect(Profile.custom({ name: '42' }).name).toBe('42');
  });
});

describe('rules', () => {
  test('have stable kebab-case ids of at most 54 characters (annotation keys), one rationale line, and one file each', () => {
    const files = fs.readdirSync(path.join(__dirname, '../../src/policies/rules')).filter((f) => !['index.ts', 'util.ts', 'refs.ts'].includes(f));
    expect(RULES.map((r) => `${r.id}.ts`).sort()).toEqual(files.sort());
    for (const r of RULES) {
      expect(r.id).toMatch(/^[a-z][a-z0-9]*(-[a-z0-9]+)+$/);
      expect(r.id.length).toBeLessThanOrEqual(54);
      expect(r.rationale).not.toMatch(/\n/);
      expect(['error', 'warning']).toContain(r.severity);
      expect(!!r.check !== !!r.checkSet).toBe(true);
    }
    expect(new Set(RULES.map((r) => r.id)).size).toBe(RULES.length);
  });

  test('every rule has its passing and failing tests', () => {
    const dir = path.join(__dirname, 'rules');
    const text = fs.readdirSync(dir).map((f) => fs.readFileSync(path.join(dir, f), 'utf8')).join('\n')
      + fs.readFileSync(path.join(__dirname, 'suppression.test.ts'), 'utf8');
    const untested = RULES.map((r) => r.id).filter((id) => !text.includes(`describe('${id}'`));
    expect(untested).toEqual([]);
  });

  test('a compliant Deployment with its Service, ServiceAccount, PDB and NetworkPolicy has no findings at all', () => {
    const pdb = { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'web', namespace: 'shop' }, spec: { maxUnavailable: 1, selector: { matchLabels: LABELS } } };
    const spread = edit(deployment('web', 3), (d) => {
      d.spec.template.spec.topologySpreadConstraints = [{ maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: LABELS } }];
    });
    expect(findings([spread, ...surroundings(), pdb])).toEqual([]);
  });
});

describe('field paths', () => {
  test('render keys with dots or slashes in brackets and split back', () => {
    const p = fieldPath(fieldPath(fieldPath('spec.template', 'metadata'), 'annotations'), 'timonel.dev/suppress.x');
    expect(p).toBe('spec.template.metadata.annotations["timonel.dev/suppress.x"]');
    expect(splitFieldPath(`${p}.y`)).toEqual(['spec', 'template', 'metadata', 'annotations', 'timonel.dev/suppress.x', 'y']);
    expect(splitFieldPath('spec.containers[10].ports[0].name')).toEqual(['spec', 'containers', 10, 'ports', 0, 'name']);
  });
});

describe('fromValidator', () => {
  test('turns a TimonelError of a core validator back into its parts', () => {
    expect(fromValidator('spec.ports[0].name', () => validatePortName('a-very-long-port-name', undefined, 'spec.ports[0].name'))).toEqual({
      field: 'spec.ports[0].name',
      message: 'must be at most 15 characters, but is 21',
      value: 'a-very-long-port-name',
      allowed: "an IANA service name: lowercase letters, digits and '-', at most 15 characters",
      fix: "shorten it, e.g. 'a-very-long-por'",
    });
    expect(fromValidator('x', () => validatePortName('http', undefined, 'x'))).toBeUndefined();
    expect(() => fromValidator('x', () => { throw new RangeError('boom'); })).toThrow(RangeError);
  });
});

describe('formatFinding', () => {
  test('renders with or without the location and the rule id', () => {
    const [f] = runPolicies([{ manifest: rootUser, file: 'a.yaml' }]).errors;
    expect(formatFinding(f, { where: false, ruleId: true })).toBe(
      "Deployment shop/web 'spec.template.spec.securityContext.runAsUser' must not be 0 (root) for the pod (Pod Security 'restricted'), got 0. Fix: use a non-zero user id such as 10001 (pss-restricted-run-as-user)",
    );
    expect(formatFinding({ ruleId: 'x', severity: 'warning', message: 'plain' }, { ruleId: true })).toBe('plain (x)');
  });
});

describe('runPolicies: what it is given', () => {
  test('fails when the subjects are not a list, with the fix for a chart and for bare manifests', () => {
    const chart = { node: { path: 'shop' } };
    expect(() => runPolicies(chart as any)).toThrow(
      "[runPolicies] 'subjects' must be a list of { manifest, constructPath?, file? }, got 'shop'. Allowed: a list of { manifest, constructPath?, file? }. Fix: for a chart or app, pass policySubjects(chart) from 'timonel/testing'");
    expect(() => runPolicies(deployment() as any)).toThrow(/Fix: wrap each manifest: manifests\.map\(\(manifest\) => \(\{ manifest \}\)\)$/);
    expect(() => enforcePolicies(undefined as any)).toThrow(TimonelError);
    expect(() => runPolicies([], null as any)).toThrow("[runPolicies] 'options' must be an object { profile? }, got null. Allowed: an object { profile? }. Fix: e.g. { profile: 'baseline' }");
  });
});

describe('what a policy run remembers', () => {
  test('lasts the run: two runs do not share it', () => {
    const tz = 'Pacific/Chatham';
    const jobs = ['a', 'b'].map((name) => edit(cronJob(), (c) => { c.metadata.name = name; c.spec.timeZone = tz; }));
    const spy = jest.spyOn(Intl, 'DateTimeFormat');
    const asked = () => spy.mock.calls.filter(([, o]) => o?.timeZone === tz).length;
    try {
      expect(runPolicies(jobs.map((manifest) => ({ manifest }))).errors).toEqual([]);
      expect(asked()).toBe(1);
      runPolicies(jobs.map((manifest) => ({ manifest })));
      expect(asked()).toBe(2);
    } finally {
      spy.mockRestore();
    }
  });
});
