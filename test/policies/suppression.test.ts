import { Testing } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { TimonelChart } from '../../src/app/chart';
import { TimonelError } from '../../src/core/errors';
import { runPolicies } from '../../src/policies/engine';
import { Policy } from '../../src/policies/policy';
import { RULES } from '../../src/policies/rules';
import { WebApp } from '../../src/constructs/web-app';
import { deployment, edit, k8sPodSpec, LABELS, lines, surroundings } from './helpers';

const REASON = 'vendor image runs as root; isolated namespace';

/** A chart with a vendor workload (root user) inside a construct, and a compliant ServiceAccount beside it. */
function vendorChart() {
  const chart = new TimonelChart(Testing.app(), 'vendor', { namespace: 'vendor', createNamespace: false });
  const group = new Construct(chart, 'legacy');
  const spec = k8sPodSpec({ runAsUser: 0 });
  new k8s.KubeDeployment(group, 'Resource', {
    metadata: { name: 'legacy', labels: LABELS },
    spec: { replicas: 1, selector: { matchLabels: LABELS }, template: { metadata: { labels: LABELS }, spec } },
  });
  const [sa, svc, netpol] = surroundings().map((o) => { delete o.metadata.namespace; return o; });
  new k8s.KubeServiceAccount(group, 'ServiceAccount', sa);
  new k8s.KubeService(group, 'Service', svc);
  new k8s.KubeNetworkPolicy(chart, 'deny', netpol);
  return { chart, group };
}

describe('Policy.suppress', () => {
  test('without the suppression the chart fails', () => {
    expect(() => Testing.synth(vendorChart().chart)).toThrow(/\[vendor\/legacy\/Resource\] Deployment vendor\/legacy 'spec\.template\.spec\.securityContext\.runAsUser' must not be 0 .* \(pss-restricted-run-as-user\)/);
  });

  test('with a reason, the finding is suppressed and the reason is written on every object of the construct', () => {
    const { chart, group } = vendorChart();
    Policy.suppress(group, 'pss-restricted-run-as-user', REASON);
    const out = Testing.synth(chart);
    expect(out.map((o) => [o.kind, o.metadata.annotations?.['timonel.dev/suppress.pss-restricted-run-as-user']])).toEqual([
      ['NetworkPolicy', undefined],
      ['ServiceAccount', REASON],
      ['Service', REASON],
      ['Deployment', REASON],
    ]);
    const report = Policy.lastReport(chart)!;
    expect(report.errors).toEqual([]);
    expect(report.suppressed.map((f) => [f.ruleId, f.constructPath, f.suppressedBecause])).toEqual([
      ['pss-restricted-run-as-user', 'vendor/legacy/Resource', REASON],
    ]);
  });

  test('suppresses only the named rule', () => {
    const { chart, group } = vendorChart();
    Policy.suppress(group, 'practice-probes', 'probes are configured by the vendor operator');
    expect(() => Testing.synth(chart)).toThrow(/pss-restricted-run-as-user/);
  });

  test('without a reason, or with a short one, fails clearly', () => {
    const { group } = vendorChart();
    expect(() => Policy.suppress(group, 'pss-restricted-run-as-user', '')).toThrow(TimonelError);
    expect(() => Policy.suppress(group, 'pss-restricted-run-as-user', '')).toThrow(
      "[vendor/legacy] 'reason' of the suppression of 'pss-restricted-run-as-user' needs a written reason, got ''. Allowed: a sentence of at least 10 characters saying why the rule does not apply here. Fix: Policy.suppress(construct, 'pss-restricted-run-as-user', 'vendor image runs as root; isolated namespace')",
    );
    expect(() => Policy.suppress(group, 'pss-restricted-run-as-user', ' legacy ')).toThrow(
      /'reason' of the suppression of 'pss-restricted-run-as-user' needs a written reason of at least 10 characters, but has 6, got ' legacy '/,
    );
  });

  test.each([
    ['legacy', 'id'],
    ['vendor/legacy', 'path'],
  ])("fails when the scope is a construct's %s rather than the construct, and the fix suppresses the finding", (given, what) => {
    const { chart, group } = vendorChart();
    expect(() => Policy.suppress(given as any, 'pss-restricted-run-as-user', REASON)).toThrow(
      `[Policy.suppress] 'scope' is not a construct, got '${given}'. Allowed: a construct (the app, a chart or a construct in it). `
      + `Fix: pass the construct itself, not its ${what}: the variable that holds it (web for const web = new WebApp(chart, 'legacy', …)), the chart or the app`,
    );
    Policy.suppress(group, 'pss-restricted-run-as-user', REASON);
    expect(() => Testing.synth(chart)).not.toThrow();
  });

  test('an unknown rule id fails with a suggestion', () => {
    expect(() => Policy.suppress(vendorChart().group, 'pss-restricted-run-as-usr', REASON)).toThrow(
      "[vendor/legacy] 'ruleId' is not a known policy rule, got 'pss-restricted-run-as-usr'. Allowed: the rules of the profile 'restricted', such as 'pss-restricted-run-as-user', 'pss-restricted-run-as-non-root' (" + RULES.length + " in all: docs/policies.md). Fix: did you mean 'pss-restricted-run-as-user'?",
    );
  });

  test('a construct without objects (yet) fails', () => {
    const chart = new TimonelChart(Testing.app(), 'empty');
    expect(() => Policy.suppress(chart, 'practice-probes', 'probes are added by the mesh sidecar injector')).toThrow(
      "[empty] has no Kubernetes objects to suppress 'practice-probes' on. Allowed: a construct that holds Kubernetes objects, once they are created. Fix: call Policy.suppress after creating the construct (or pass the construct that owns the objects)",
    );
  });
});

describe('policy-suppression', () => {
  const annotated = (ruleId: string, reason: string) => edit(deployment(), (d) => {
    d.spec.template.spec.securityContext.runAsUser = 0;
    d.metadata.annotations = { [`timonel.dev/suppress.${ruleId}`]: reason };
  });

  test('passes (and honours) an annotation with a known rule and a reason, in plain YAML too', () => {
    const r = runPolicies([{ manifest: annotated('pss-restricted-run-as-user', REASON), file: 'vendor.yaml' }]);
    expect(r.errors).toEqual([]);
    expect(r.suppressed.map((f) => f.message)).toEqual([
      "[vendor.yaml] Deployment shop/web 'spec.template.spec.securityContext.runAsUser' must not be 0 (root) for the pod (Pod Security 'restricted'), got 0. Fix: use a non-zero user id such as 10001",
    ]);
    expect(lines('policy-suppression', [annotated('pss-restricted-run-as-user', REASON)])).toEqual([]);
  });

  test('fails a suppression without a written reason, and does not honour it', () => {
    expect(lines('policy-suppression', [annotated('pss-restricted-run-as-user', 'ok')])).toEqual([
      "error: [test.yaml] Deployment shop/web 'metadata.annotations[\"timonel.dev/suppress.pss-restricted-run-as-user\"]' needs a written reason of at least 10 characters, but has 2, got 'ok'. Fix: write why the rule does not apply here, e.g. \"vendor image runs as root; isolated namespace\"",
    ]);
    expect(lines('pss-restricted-run-as-user', [annotated('pss-restricted-run-as-user', 'ok')])).toHaveLength(1);
  });

  test('fails a suppression of an unknown rule', () => {
    expect(lines('policy-suppression', [annotated('practice-probe', REASON)])).toEqual([
      "error: [test.yaml] Deployment shop/web 'metadata.annotations[\"timonel.dev/suppress.practice-probe\"]' suppresses the unknown rule 'practice-probe'. Fix: did you mean 'practice-probes'?",
    ]);
  });
});

describe('Policy.suppress for one container', () => {
  // A pod with a main container and a sidecar, neither with probes: practice-probes reports each.
  function twoContainers() {
    const chart = new TimonelChart(Testing.app(), 'vendor', { namespace: 'vendor', createNamespace: false });
    const spec = k8sPodSpec();
    const bare = { ...spec.containers[0], readinessProbe: undefined, livenessProbe: undefined };
    const sidecar = { ...bare, name: 'proxy', ports: undefined };
    const d = new k8s.KubeDeployment(chart, 'Resource', {
      metadata: { name: 'legacy', labels: LABELS },
      spec: { replicas: 1, selector: { matchLabels: LABELS }, template: { metadata: { labels: LABELS }, spec: { ...spec, containers: [bare, sidecar] } } },
    });
    return { chart, d };
  }
  const probeFindings = (fs: readonly { ruleId: string; field?: string }[]) => fs.filter((f) => f.ruleId === 'practice-probes').map((f) => f.field);

  test('covers the findings about that container only', () => {
    const { chart, d } = twoContainers();
    Policy.suppress(d, 'practice-probes', 'the main process has no health endpoint', { container: 'main' });
    const out = Testing.synth(chart);
    const report = runPolicies(out.map((manifest) => ({ manifest })));
    expect(out[0].metadata.annotations).toEqual({ 'timonel.dev/suppress.practice-probes.main': 'the main process has no health endpoint' });
    expect(probeFindings(report.suppressed)).toEqual(['spec.template.spec.containers[0]']);
    expect(probeFindings(report.warnings)).toEqual(['spec.template.spec.containers[1]']);
  });

  test('fails when the container is not a container name, or too long for the annotation key', () => {
    const { d } = twoContainers();
    expect(() => Policy.suppress(d, 'practice-probes', REASON, { container: 'Main' })).toThrow(/'options\.container' is not a valid DNS-1123 label/);
    expect(() => Policy.suppress(d, 'practice-probes', REASON, { container: 'x'.repeat(40) })).toThrow(
      `'options.container' makes the annotation key 'timonel.dev/suppress.practice-probes.${'x'.repeat(40)}', whose name is over 63 characters, got '${'x'.repeat(40)}'. Allowed: a container name short enough for a 63-character annotation name. Fix: give the container a shorter name, or suppress the rule for the whole object`,
    );
  });

  test('fails when the container is none of the workload\'s containers, with a did-you-mean and the containers', () => {
    const chart = new TimonelChart(Testing.app(), 'shop', { namespace: 'shop' });
    const web = new WebApp(chart, 'web', { image: 'ghcr.io/acme/web:1.0.0', sidecars: [{ name: 'proxy', image: 'ghcr.io/acme/proxy:1.0.0' }] });
    expect(() => Policy.suppress(web, 'practice-probes', 'the proxy sidecar is probed by the mesh', { container: 'proxxy' })).toThrow(
      "[shop/web] 'options.container' names no container of the pods of 'shop/web', so the suppression of 'practice-probes' would suppress nothing, got 'proxxy'. "
      + "Allowed: 'main', 'proxy'. Fix: did you mean 'proxy'?",
    );
    expect(() => Policy.suppress(chart, 'practice-probes', REASON, { container: 'worker' })).toThrow(
      /names no container of the pods of 'shop', .*got 'worker'\. Allowed: 'main', 'proxy'\. Fix: name one of 'main', 'proxy', or leave out 'container' to suppress the rule for the whole object$/,
    );
    Policy.suppress(web, 'practice-probes', 'the proxy sidecar is probed by the mesh', { container: 'proxy' });
    expect(Testing.synth(chart).find((o) => o.kind === 'Deployment').metadata.annotations['timonel.dev/suppress.practice-probes.proxy']).toBeDefined();
  });

  test('a container-scoped key naming an unknown rule is reported like any suppression', () => {
    const { chart, d } = twoContainers();
    d.metadata.addAnnotation('timonel.dev/suppress.practice-probe.main', REASON);
    expect(() => Testing.synth(chart)).toThrow(/'metadata\.annotations\["timonel\.dev\/suppress\.practice-probe\.main"\]' suppresses the unknown rule 'practice-probe'.*did you mean 'practice-probes'\?/);
  });
});
