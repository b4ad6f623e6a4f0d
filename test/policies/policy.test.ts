import { ApiObject, Testing } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { TimonelChart } from '../../src/app/chart';
import { enforcePolicies } from '../../src/policies/engine';
import { Policy } from '../../src/policies/policy';
import { withoutChartPolicies } from '../support/plain';
import { Profile } from '../../src/policies/profiles';
import { App } from '../../src/app/app';
import { WebApp } from '../../src/constructs/web-app';
import { thrown } from '../support/util';
import { k8sPodSpec, LABELS } from './helpers';

/** A chart with a Deployment (optionally running as root), a ServiceAccount and a NetworkPolicy. */
function chart(opts: { root?: boolean; props?: ConstructorParameters<typeof TimonelChart>[2]; app?: any } = {}) {
  const c = new TimonelChart(opts.app ?? Testing.app(), 'shop', { namespace: 'shop', ...opts.props });
  new k8s.KubeServiceAccount(c, 'sa', { metadata: { name: 'web' }, automountServiceAccountToken: false });
  new k8s.KubeDeployment(c, 'web', {
    metadata: { name: 'web', labels: LABELS },
    spec: { selector: { matchLabels: LABELS }, template: { metadata: { labels: LABELS }, spec: k8sPodSpec(opts.root ? { runAsUser: 0 } : {}) } },
  });
  new k8s.KubeNetworkPolicy(c, 'deny', { metadata: { name: 'default-deny' }, spec: { podSelector: {}, policyTypes: ['Ingress'] } });
  return c;
}

describe('TimonelChart.toJson() runs the policies (Testing.synth)', () => {
  test('a compliant chart synthesizes; the report of the run is kept with its warnings', () => {
    const c = chart();
    expect(Testing.synth(c).map((o) => o.kind)).toEqual(['Namespace', 'NetworkPolicy', 'ServiceAccount', 'Deployment']);
    const report = Policy.lastReport(c)!;
    expect(report.errors).toEqual([]);
    expect(report.objects).toBe(4);
    expect(report.profiles).toEqual(['restricted']);
  });

  test('errors of every object are listed at once, each with its construct path', () => {
    const c = chart({ root: true });
    new ApiObject(c, 'Weird', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'Weird' } });
    expect(() => Testing.synth(c)).toThrow([
      'Policy check failed with 2 errors:',
      "  [shop/Weird] ConfigMap shop/Weird 'metadata.name' is not a valid DNS-1123 subdomain, got 'Weird'. Allowed: lowercase letters, digits, '-' and '.', starting and ending with a letter or digit, at most 253 characters. Fix: write 'weird' (api-object-name)",
      "  [shop/web] Deployment shop/web 'spec.template.spec.securityContext.runAsUser' must not be 0 (root) for the pod (Pod Security 'restricted'), got 0. Fix: use a non-zero user id such as 10001 (pss-restricted-run-as-user)",
    ].join('\n'));
  });

  test('maps every manifest to its ApiObject, including the cluster-scoped Namespace', () => {
    const c = chart();
    c.namespaceObject!.metadata.addLabel('team name', 'a');
    expect(() => Testing.synth(c)).toThrow(/^ {2}\[shop\/Namespace\] Namespace shop 'metadata\.labels\["team name"\]' has an invalid label key/m);
  });

  test("the chart's policy prop chooses its profile", () => {
    const c = chart({ root: true, props: { policy: { profile: 'baseline' } } });
    expect(() => Testing.synth(c)).not.toThrow();
    expect(Policy.lastReport(c)!.profiles).toEqual(['baseline']);
  });

  test('Policy.setDefault on the app applies to its charts; a chart prop takes precedence', () => {
    const app = Testing.app();
    Policy.setDefault(app, 'baseline');
    const relaxed = chart({ root: true, app });
    expect(() => Testing.synth(relaxed)).not.toThrow();
    const strict = new TimonelChart(app, 'strict', { policy: { profile: Profile.custom({ name: 'strict', severity: { 'practice-probes': 'error' } }) } });
    new k8s.KubePod(strict, 'pod', { metadata: { name: 'p' }, spec: { containers: [{ name: 'main', image: 'busybox:1.36' }] } });
    expect(() => Testing.synth(strict)).toThrow(/pss-restricted-run-as-non-root/);
  });

  test('fails when Policy.setDefault comes after the constructs it applies to (they read the profile when created)', () => {
    const app = new App({ outdir: '/nonexistent' });
    const shop = new TimonelChart(app, 'shop', { namespace: 'shop' });
    new WebApp(shop, 'web', { image: 'ghcr.io/acme/web:1.0.0' });
    const e = thrown(() => Policy.setDefault(app, 'baseline'));
    expect(e.path).toBe('App');
    expect(e.prop).toBe('profile');
    expect(e.value).toBe('baseline');
    expect(e.message).toBe("[App] 'profile' of Policy.setDefault comes after 'shop/web' was created with the profile 'restricted': constructs read the profile when they are created, "
      + "so it would be checked as 'restricted' but its Namespace and policies would follow 'baseline', got 'baseline'. "
      + 'Allowed: a call before the first construct it applies to (charts may exist already). '
      + "Fix: call Policy.setDefault(app, ...) right after creating the App, or give the chart its own profile: new TimonelChart(app, id, { policy: { profile } })");
    // Nothing changed: the Namespace still enforces what the web app was checked against.
    expect(app.render().flatMap((f) => f.docs).find((d: any) => d.kind === 'Namespace').metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
    // On a chart, after its constructs: the same.
    expect(() => Policy.setDefault(shop, 'baseline')).toThrow("[shop] 'profile' of Policy.setDefault comes after 'shop/web' was created with the profile 'restricted'");
  });

  test('Policy.setDefault may come after charts, after constructs with their own profile, and repeat the profile they have', () => {
    const app = new App({ outdir: '/nonexistent' });
    const shop = new TimonelChart(app, 'shop', { namespace: 'shop' });
    const legacy = new TimonelChart(app, 'legacy', { namespace: 'legacy', policy: { profile: 'baseline' } });
    new WebApp(legacy, 'old', { image: 'ghcr.io/acme/old:1.0.0' });
    Policy.setDefault(app, 'baseline');
    new WebApp(shop, 'web', { image: 'ghcr.io/acme/web:1.0.0' });
    expect(() => Policy.setDefault(app, 'baseline')).not.toThrow();
    expect(app.render().flatMap((f) => f.docs).filter((d: any) => d.kind === 'Namespace').map((d: any) => d.metadata.labels['pod-security.kubernetes.io/enforce'])).toEqual(['baseline', 'baseline']);
  });

  test('enforcePolicies (the App-level run) uses the profile of each subject\'s chart', () => {
    const app = Testing.app();
    const relaxed = chart({ root: true, app, props: { policy: { profile: 'baseline' } } });
    const strict = new TimonelChart(app, 'strict');
    const subjects = [...relaxed.toJson().map((manifest) => ({ manifest, scope: relaxed })), ...withoutChartPolicies(() => chart({ root: true, app: Testing.app(), props: { namespace: 'other' } }).toJson()).map((manifest) => ({ manifest, scope: strict }))];
    expect(() => enforcePolicies(subjects)).toThrow(/Policy check failed with 1 error:\n {2}Deployment other\/web 'spec\.template\.spec\.securityContext\.runAsUser'/);
  });
});
