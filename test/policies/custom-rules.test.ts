import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Testing } from 'cdk8s';
import { App, defineRule, Policy, PolicyError, Profile, Rule, runPolicies, TimonelChart, TimonelError, WebApp } from '../../src';
import { check } from '../../src/cli/check';
import { RULES } from '../../src/policies/rules';
import { synth, timonelMatchers } from '../../src/testing';
import '../../src/testing/jest';
import { thrown } from '../support/util';
import { deployment, edit } from './helpers';

/** The rule docs/policies.md shows: every workload names its team, on the object and its pods. */
const teamLabel = defineRule({
  id: 'org-team-label',
  severity: 'error',
  rationale: 'Every workload names the team that is paged for it.',
  pods: true,
  check(o, report) {
    if (!o.metadata.labels?.team) report({ field: 'metadata.labels', message: "has no 'team' label", fix: "add labels: { team: 'payments' }" });
  },
});

const withTeam = Profile.custom({ name: 'org', rules: [teamLabel] });
const image = 'ghcr.io/acme/web:1.0.0';

function shop(profile: Profile = withTeam, app = Testing.app()) {
  const chart = new TimonelChart(app, 'shop', { namespace: 'shop', policy: { profile } });
  const web = new WebApp(chart, 'web', { image, isolate: true });
  return { app, chart, web };
}

describe('defineRule', () => {
  test('returns the rule with the category custom', () => {
    expect(teamLabel.category).toBe('custom');
    expect(teamLabel.id).toBe('org-team-label');
  });

  test('fails when the id is not kebab-case, is too long or takes a prefix of the built-in rules', () => {
    const rule = { severity: 'error' as const, rationale: 'why it matters', check: () => undefined };
    expect(() => defineRule({ ...rule, id: 'Team_Label' })).toThrow(
      "[defineRule 'Team_Label'] 'id' is not a kebab-case rule id, got 'Team_Label'. Allowed: lower-case letters, digits and single '-', starting with a letter, at most 54 characters (suppressions write it into an annotation key). Fix: e.g. 'org-team-label'",
    );
    expect(() => defineRule({ ...rule, id: `org-${'x'.repeat(51)}` })).toThrow(/'id' is 55 characters long/);
    expect(() => defineRule({ ...rule, id: 'practice-team-label' })).toThrow(
      "[defineRule 'practice-team-label'] 'id' starts with 'practice-', a prefix of timonel's own rules, got 'practice-team-label'. Allowed: an id not starting with 'api-', 'pss-', 'ref-', 'practice-', 'policy-'. Fix: use a prefix of your own, e.g. 'org-team-label'",
    );
  });

  test('fails when the severity, the rationale or the check is missing or wrong', () => {
    expect(() => defineRule({ id: 'org-x', severity: 'fatal' as any, rationale: 'why it matters', check: () => undefined })).toThrow(
      "[defineRule 'org-x'] 'severity' is not a severity, got 'fatal'. Allowed: 'error' or 'warning'",
    );
    expect(() => defineRule({ id: 'org-x', severity: 'error', rationale: '', check: () => undefined })).toThrow(/'rationale' needs one line saying why the rule exists/);
    expect(() => defineRule({ id: 'org-x', severity: 'error', rationale: 'why it matters' })).toThrow(
      /\[defineRule 'org-x'\] 'check' is missing: a rule needs check\(object, report, set\) or checkSet\(set, report\)/,
    );
    expect(() => defineRule({ id: 'org-x', severity: 'error', rationale: 'why it matters', check: () => undefined, kinds: 'Deployment' as any })).toThrow(/'kinds' must be a list of kinds/);
  });
});

describe('Profile.custom({ rules })', () => {
  test('adds the rules at their own severity; disable and severity name them; extending keeps them', () => {
    expect(withTeam.levelOf('org-team-label')).toBe('error');
    expect(withTeam.rules().at(-1)).toEqual({ id: 'org-team-label', level: 'error', category: 'custom', rationale: teamLabel.rationale });
    expect(withTeam.ruleIds()).toEqual([...RULES.map((r) => r.id), 'org-team-label']);
    expect(withTeam.ruleIds()).toHaveLength(RULES.length + 1);
    expect(Profile.custom({ rules: [teamLabel], severity: { 'org-team-label': 'warning' } }).levelOf('org-team-label')).toBe('warning');
    const relaxed = Profile.custom({ extends: withTeam, disable: ['org-team-label'] });
    expect(relaxed.levelOf('org-team-label')).toBe('off');
    expect(Profile.custom({ extends: relaxed, rules: [teamLabel] }).levelOf('org-team-label')).toBe('off'); // the same rule again: once
    expect(Profile.custom({ extends: 'baseline', rules: [teamLabel] }).levelOf('org-team-label')).toBe('error');
    expect(Profile.RESTRICTED.levelOf('org-team-label')).toBe('off');
  });

  test('fails when a rule id is a built-in one, names another rule of the profile, or is unknown to disable', () => {
    const practiceProbes = RULES.find((r) => r.id === 'practice-probes')!;
    expect(() => Profile.custom({ rules: [practiceProbes] })).toThrow(
      "[Profile.custom rules[0] 'practice-probes'] is a built-in rule, which every profile has already, got 'practice-probes'. Allowed: rules of your own; a built-in rule is set by severity. Fix: leave it out of 'rules'; change its level with severity: { 'practice-probes': 'error' }",
    );
    expect(() => Profile.custom({ rules: [{ ...practiceProbes, check: () => undefined }] })).toThrow(
      "[Profile.custom rules[0] 'practice-probes'] 'id' is the id of one of timonel's rules, got 'practice-probes'. Allowed: an id that is not a built-in rule's, e.g. 'org-…'. Fix: give your rule another id, e.g. 'org-practice-probes'",
    );
    expect(() => Profile.custom({ rules: [{ ...teamLabel, id: 'pss-team' }] })).toThrow(/'id' starts with 'pss-', a prefix of timonel's own rules/);
    const other = defineRule({ ...teamLabel, category: undefined, rationale: 'another rule, same id' });
    expect(() => Profile.custom({ extends: withTeam, rules: [other] })).toThrow(
      "[Profile.custom rules[0] 'org-team-label'] 'id' is also the id of another rule of the profile it extends, got 'org-team-label'. Allowed: an id of its own in the profile. Fix: give each rule its own id (ids name rules in profiles, suppressions and output)",
    );
    expect(() => Profile.custom({ rules: teamLabel as any })).toThrow("[Profile.custom] 'rules' must be a list of rules");
    expect(() => Profile.custom({ rules: [{ id: 'org-y', severity: 'error', rationale: 'no check here' } as Rule] })).toThrow(/'check' is missing/);
    expect(() => Profile.custom({ disable: ['org-team-lable'] })).toThrow(/names the unknown rule 'org-team-lable'/);
    expect(() => Profile.custom({ extends: withTeam, disable: ['org-team-lable'] })).toThrow("Fix: did you mean 'org-team-label'?");
  });
});

describe('custom rules run wherever the profile runs', () => {
  test('runPolicies: findings carry the rule id and the profile severity, and suppressions with a reason cover them', () => {
    const bare = deployment();
    const report = runPolicies([{ manifest: bare }], { profile: withTeam });
    expect(report.errors.map((f) => [f.ruleId, f.object, f.message])).toEqual([
      ['org-team-label', 'Deployment shop/web', "Deployment shop/web 'metadata.labels' has no 'team' label. Fix: add labels: { team: 'payments' }"],
    ]);
    expect(runPolicies([{ manifest: bare }]).errors.map((f) => f.ruleId)).not.toContain('org-team-label');
    const labelled = edit(bare, (d) => (d.metadata.labels.team = 'payments'));
    expect(runPolicies([{ manifest: labelled }], { profile: withTeam }).errors.map((f) => f.ruleId)).not.toContain('org-team-label');
    const suppressed = edit(bare, (d) => (d.metadata.annotations = { 'timonel.dev/suppress.org-team-label': 'shared platform workload, no single team' }));
    const r = runPolicies([{ manifest: suppressed }], { profile: withTeam });
    expect(r.errors).toEqual([]);
    expect(r.suppressed.map((f) => [f.ruleId, f.suppressedBecause])).toEqual([['org-team-label', 'shared platform workload, no single team']]);
    // With the namespace's Pod Security level deciding (timonel check), custom rules stay as the profile has them.
    const ns = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', labels: { 'pod-security.kubernetes.io/enforce': 'baseline' } } };
    expect(runPolicies([{ manifest: ns }, { manifest: bare }], { profile: withTeam, namespacePodSecurity: true }).errors.map((f) => f.ruleId)).toContain('org-team-label');
  });

  test('a set rule runs once over the objects and looks them up through the set', () => {
    let runs = 0;
    const serviceAccount = defineRule({
      id: 'org-service-account-defined',
      severity: 'warning',
      rationale: 'A pod whose ServiceAccount is not in the set never starts.',
      checkSet(set, report) {
        runs++;
        for (const o of set.ofKind('Deployment')) {
          const sa = o.pod!.spec.serviceAccountName;
          if (sa && !set.get('ServiceAccount', o.ns, sa)) report(o, { field: `${o.pod!.path}.serviceAccountName`, message: `names the ServiceAccount '${sa}', which is not in the set`, value: sa });
        }
      },
    });
    const profile = Profile.custom({ rules: [serviceAccount] });
    const r = runPolicies([{ manifest: deployment('a') }, { manifest: deployment('b') }], { profile });
    expect(runs).toBe(1);
    // Two charts whose profiles list it at different places: each object gets its own profile's level.
    const first = Profile.custom({ rules: [teamLabel, serviceAccount], severity: { 'org-service-account-defined': 'error' } });
    const app = Testing.app();
    const a = new TimonelChart(app, 'a', { policy: { profile: first } });
    const b = new TimonelChart(app, 'b', { policy: { profile } });
    const two = runPolicies([{ manifest: deployment('a'), scope: a }, { manifest: deployment('b'), scope: b }]);
    expect(two.errors.filter((f) => f.ruleId === 'org-service-account-defined').map((f) => f.object)).toEqual(['Deployment shop/a']);
    expect(two.warnings.filter((f) => f.ruleId === 'org-service-account-defined').map((f) => f.object)).toEqual(['Deployment shop/b']);
    expect(r.warnings.filter((f) => f.ruleId === 'org-service-account-defined').map((f) => f.message)).toEqual([
      "Deployment shop/a 'spec.template.spec.serviceAccountName' names the ServiceAccount 'web', which is not in the set, got 'web'",
      "Deployment shop/b 'spec.template.spec.serviceAccountName' names the ServiceAccount 'web', which is not in the set, got 'web'",
    ]);
  });

  test('synth of a chart (and Testing.synth) fails with the finding and its construct path', () => {
    const { chart } = shop();
    const e = thrown(() => Testing.synth(chart)) as PolicyError;
    expect(e).toBeInstanceOf(PolicyError);
    expect(e.findings.map((f) => f.ruleId)).toEqual(['org-team-label']);
    expect(e.message).toContain("[shop/web/Resource] Deployment shop/shop-web 'metadata.labels' has no 'team' label. Fix: add labels: { team: 'payments' } (org-team-label)");
  });

  test('the App run (Policy.setDefault) checks every chart with it; a chart with its own profile is not', () => {
    const app = new App({ outdir: '/nonexistent' });
    Policy.setDefault(app, withTeam);
    const shopChart = new TimonelChart(app, 'shop', { namespace: 'shop' });
    new WebApp(shopChart, 'web', { image, isolate: true });
    const legacy = new TimonelChart(app, 'legacy', { namespace: 'legacy', policy: { profile: 'restricted' } });
    new WebApp(legacy, 'old', { image, isolate: true });
    const e = thrown(() => app.render()) as PolicyError;
    expect(e.findings.map((f) => [f.ruleId, f.object])).toEqual([['org-team-label', 'Deployment shop/shop-web']]);
  });

  test('Policy.suppress takes the id of a rule of the scope\'s profile, with a reason; toPassPolicies and synth(...) honour it', () => {
    const { chart, web } = shop();
    expect(chart).not.toPassPolicies();
    expect(timonelMatchers.toPassPolicies(chart).message()).toContain('(org-team-label)');
    expect(synth(chart, { policies: false })).not.toPassPolicies(); // objects synth(...) returned: their chart's profile
    Policy.suppress(web, 'org-team-label', 'shared platform workload, no single team');
    expect(chart).toPassPolicies();
    const objects = synth(chart);
    expect(objects.find((o) => o.kind === 'Deployment').metadata.annotations['timonel.dev/suppress.org-team-label']).toBe('shared platform workload, no single team');
  });

  test('fails when Policy.suppress names a rule the scope\'s profile does not have', () => {
    const { web } = shop(Profile.RESTRICTED);
    expect(() => Policy.suppress(web, 'org-team-label', 'shared platform workload, no single team')).toThrow(
      "[shop/web] 'ruleId' is not a known policy rule of the profile 'restricted', got 'org-team-label'. Allowed: the rules of the profile 'restricted', such as 'api-object-name', 'api-labels', 'api-annotations', 'api-port-name', 'api-port-number', 'api-pod-containers' (" + RULES.length + " in all: docs/policies.md). Fix: use an id from 'timonel rules'; for a rule of your own, add it to the profile first: "
      + 'Profile.custom({ rules: [...] }) on the chart (policy.profile) or app (Policy.setDefault)',
    );
    const { web: web2 } = shop();
    expect(() => Policy.suppress(web2, 'org-team-lable', 'shared platform workload, no single team')).toThrow("Fix: did you mean 'org-team-label'?");
  });

  test('timonel check (built-in rules only) takes a suppression of a rule of your own, and still refuses a built-in typo', () => {
    const { chart, web } = shop();
    Policy.suppress(web, 'org-team-label', 'shared platform workload, no single team');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'timonel-custom-'));
    try {
      const docs = synth(chart);
      fs.writeFileSync(path.join(dir, 'shop.yaml'), docs.map((d) => JSON.stringify(d)).join('\n---\n'));
      expect(check({ paths: [dir], format: 'json' }).exitCode).toBe(0);
      const typo = docs.map((d) => (d.kind === 'Deployment' ? edit(d, (x) => (x.metadata.annotations['timonel.dev/suppress.practice-probe'] = 'no probes in this vendor image')) : d));
      fs.writeFileSync(path.join(dir, 'shop.yaml'), typo.map((d) => JSON.stringify(d)).join('\n---\n'));
      const r = check({ paths: [dir], format: 'json' });
      expect(r.exitCode).toBe(1);
      expect(r.stdout).toContain("suppresses the unknown rule 'practice-probe'");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    // In code, where the profile is known, a suppression annotation of a rule it lacks is an error.
    const bare = edit(deployment(), (d) => (d.metadata.annotations = { 'timonel.dev/suppress.org-team-label': 'shared platform workload, no single team' }));
    expect(runPolicies([{ manifest: bare }]).errors.map((f) => f.message)).toEqual([
      "Deployment shop/web 'metadata.annotations[\"timonel.dev/suppress.org-team-label\"]' suppresses the unknown rule 'org-team-label'. Fix: use an id from 'timonel rules'; for a rule of your own, add it to the profile of the object: Profile.custom({ rules: [...] })",
    ]);
  });
});

describe('a rule that reports something that is not a report', () => {
  const reporting = (issue: unknown) => defineRule({
    id: 'org-bad-report', severity: 'error', rationale: 'Reports wrongly.', kinds: ['Deployment'],
    check(_o, report) { report(issue as any); },
  });
  const fix = 'Allowed: report({ message, field?, container?, value?, allowed?, fix? }): a message string; the others strings too, but value. '
    + "Fix: fix the rule: report({ field: 'metadata.labels', message: \"has no 'team' label\", fix: '…' }) (message required), or turn it off for now with Profile.custom({ disable: ['org-bad-report'] })";

  test("fails when report() has no message (a typo such as 'msg' made an empty finding line; trial L)", () => {
    const { chart } = shop(Profile.custom({ rules: [reporting({ field: 'metadata.labels', msg: "has no 'team' label" })] }));
    expect(thrown(() => Testing.synth(chart)).message).toBe(
      "[shop/web/Resource] the policy rule 'org-bad-report' reported a problem on Deployment shop/shop-web that is not a report: report() got 'msg', which is not a field of a report (field, container, message, value, allowed, fix). " + fix);
  });

  test.each([
    ['no message', { field: 'spec' }, 'report() needs a message saying what is wrong (e.g. "has no \'team\' label"), got undefined'],
    ['a blank message', { message: ' ' }, 'report() needs a message saying what is wrong (e.g. "has no \'team\' label"), got " "'],
    ['a string, not an object', 'no team', 'report() needs an object { field?, message, fix? }, got "no team"'],
    ['a fix that is not a string', { message: 'is bad', fix: ['a'] }, "report()'s 'fix' must be a string, got [\"a\"]"],
  ])('fails when report() gets %s', (_what, issue, detail) => {
    const e = thrown(() => runPolicies([{ manifest: deployment() }], { profile: Profile.custom({ rules: [reporting(issue)] }) }));
    expect(e.message).toBe(`[policies] the policy rule 'org-bad-report' reported a problem on Deployment shop/web that is not a report: ${detail}. ${fix}`);
  });
});

describe('a rule that throws', () => {
  const broken = defineRule({
    id: 'org-owner',
    severity: 'error',
    rationale: 'Every workload names its owner.',
    kinds: ['Deployment'],
    check(o) {
      if ((o.metadata.annotations as any).owner === undefined) throw new Error('nobody');
    },
  });

  test('fails synth with a TimonelError naming the rule, the object and the fix', () => {
    const { chart } = shop(Profile.custom({ rules: [broken] }));
    const e = thrown(() => Testing.synth(chart));
    expect(e).toBeInstanceOf(TimonelError);
    expect(e).not.toBeInstanceOf(PolicyError);
    expect(e.message).toBe(
      "[shop/web/Resource] the policy rule 'org-owner' threw on Deployment shop/shop-web: Cannot read properties of undefined (reading 'owner'). "
      + 'Allowed: a check that reports each problem with report() and returns. '
      + "Fix: fix the rule's check: it must report problems with report({ field, message, fix }), not throw (an object may lack any field: read manifests with ?.), "
      + "or turn it off for now with Profile.custom({ disable: ['org-owner'] })",
    );
  });

  test('a set rule that throws names the rule', () => {
    const setBroken = defineRule({ id: 'org-set', severity: 'warning', rationale: 'Checks the set.', checkSet: () => { throw new Error('boom'); } });
    const e = thrown(() => runPolicies([{ manifest: deployment() }], { profile: Profile.custom({ rules: [setBroken] }) }));
    expect(e.message).toMatch(/^\[policies\] the policy rule 'org-set' threw on the set of objects: boom\. Allowed: a checkSet that reports each problem with report\(\) and returns\. Fix: fix the rule's checkSet/);
  });
});
