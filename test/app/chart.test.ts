import { ApiObject, Chart, Testing } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { App } from '../../src/app/app';
import { TimonelChart } from '../../src/app/chart';
import { one, thrown } from '../support/util';
import { withoutChartPolicies } from '../support/plain';
import { Policy } from '../../src/policies/policy';
import { Profile } from '../../src/policies/profiles';
import { TimonelError } from '../../src/core/errors';
import { WebApp } from '../../src/constructs/web-app';
import { BatchJob } from '../../src/constructs/batch-job';
import { NodeAgent } from '../../src/constructs/node-agent';
import { Redis } from '../../src/constructs/presets/redis';
import { Workload, WorkloadProps } from '../../src/workload/workload';

describe('TimonelChart namespace', () => {
  test('emits a Namespace with Pod Security "restricted" enforced and the recommended labels', () => {
    const chart = new TimonelChart(Testing.app(), 'shop', { namespace: 'shop-prod' });
    const ns = one(Testing.synth(chart), 'Namespace');
    expect(ns.metadata.name).toBe('shop-prod');
    expect(ns.metadata.labels).toEqual({
      'app.kubernetes.io/name': 'shop-prod',
      'app.kubernetes.io/part-of': 'shop',
      'app.kubernetes.io/managed-by': 'timonel',
      'pod-security.kubernetes.io/enforce': 'restricted',
      'pod-security.kubernetes.io/enforce-version': 'v1.28',
    });
    expect(chart.namespaceObject).toBeDefined();
  });

  test('the Namespace has no metadata.namespace, while the other objects are in it', () => {
    const chart = new TimonelChart(Testing.app(), 'shop', { namespace: 'shop-prod' });
    new k8s.KubeConfigMap(chart, 'settings', { data: { a: 'b' } });
    const objs = Testing.synth(chart);
    expect(one(objs, 'Namespace').metadata).not.toHaveProperty('namespace');
    expect(one(objs, 'ConfigMap').metadata.namespace).toBe('shop-prod');
  });

  test('emits no Namespace when createNamespace is false, but still namespaces the objects', () => {
    const chart = new TimonelChart(Testing.app(), 'shop', { namespace: 'shop-prod', createNamespace: false });
    new k8s.KubeConfigMap(chart, 'settings', {});
    const objs = Testing.synth(chart);
    expect(objs.map((o) => o.kind)).toEqual(['ConfigMap']);
    expect(objs[0].metadata.namespace).toBe('shop-prod');
    expect(chart.namespaceObject).toBeUndefined();
  });

  test.each(['default', 'kube-system', 'kube-public', 'kube-node-lease'])("emits no Namespace for '%s', which Kubernetes creates itself (it would relabel it)", (ns) => {
    const chart = new TimonelChart(Testing.app(), 'shop', { namespace: ns });
    new k8s.KubeConfigMap(chart, 'settings', {});
    expect(Testing.synth(chart).map((o) => [o.kind, o.metadata.namespace])).toEqual([['ConfigMap', ns]]);
    expect(chart.namespaceObject).toBeUndefined();
  });

  test("fails when createNamespace is true for a namespace Kubernetes creates itself", () => {
    expect(() => new TimonelChart(Testing.app(), 'shop', { namespace: 'kube-system', createNamespace: true })).toThrow(
      "[shop] 'createNamespace' is true, but 'kube-system' is a namespace Kubernetes creates itself: a Namespace object would relabel it (Pod Security enforced on the cluster's own pods) "
      + "and deleting the output would delete it, got true. Allowed: false for 'kube-system' (or leave it out). Fix: remove createNamespace: timonel writes no Namespace object for 'kube-system'");
  });

  test('emits no Namespace without a namespace', () => {
    const chart = new TimonelChart(Testing.app(), 'shop');
    expect(Testing.synth(chart)).toEqual([]);
    expect(chart.namespace).toBeUndefined();
  });

  test("fails when the chart id cannot begin object names ('Shop_1'), on the chart and not on its first child", () => {
    expect(() => new TimonelChart(Testing.app(), 'Shop_1', { namespace: 'shop' })).toThrow(
      "[Shop_1] 'id' cannot begin object names: the chart id starts the name of every object in the chart (e.g. 'shop_1-web'), got 'Shop_1'. "
        + "Allowed: letters, digits and '-', starting and ending with a letter or digit (uppercase is lowercased). Fix: name the chart 'shop-1', e.g. new TimonelChart(app, 'shop-1', ...)",
    );
    expect(() => new TimonelChart(Testing.app(), '_shop')).toThrow(/^\[_shop\] 'id' cannot begin object names.*Fix: name the chart 'shop'/);
    expect(() => new TimonelChart(Testing.app(), 'shop.v2')).toThrow(/Fix: name the chart 'shop-v2'/);
    expect(new TimonelChart(Testing.app(), 'ShopV2').node.id).toBe('ShopV2');
  });

  test('fails when the namespace is not a DNS-1123 label', () => {
    expect(() => new TimonelChart(Testing.app(), 'shop', { namespace: 'Shop_Prod' })).toThrow(
      /^\[shop\] 'namespace' is not a valid DNS-1123 label, got 'Shop_Prod'.*Fix: write 'shop-prod'$/,
    );
  });

  test('fails when the profile is given beside policy, saying where it belongs', () => {
    expect(() => new TimonelChart(Testing.app(), 'legacy', { profile: 'baseline' } as any)).toThrow(
      /^\[legacy\] 'profile' is not a known prop, got 'baseline'\. .*Fix: it belongs inside 'policy': write policy: \{ profile: … \}$/,
    );
  });

  test('fails when the namespace is longer than 63 characters', () => {
    expect(() => new TimonelChart(Testing.app(), 'shop', { namespace: 'n'.repeat(64) })).toThrow(/'namespace' must be at most 63 characters/);
  });

  test('fails when the namespace is invalid, even without creating it', () => {
    expect(() => new TimonelChart(Testing.app(), 'shop', { namespace: 'a.b', createNamespace: false })).toThrow(/'namespace' is not a valid DNS-1123 label/);
  });
});

describe('TimonelChart partOf', () => {
  test('defaults to the chart id, lowercased', () => {
    expect(new TimonelChart(Testing.app(), 'Shop').partOf).toBe('shop');
  });

  test('can be set', () => {
    const chart = new TimonelChart(Testing.app(), 'shop', { partOf: 'platform', namespace: 'shop' });
    expect(chart.partOf).toBe('platform');
    expect(one(Testing.synth(chart), 'Namespace').metadata.labels['app.kubernetes.io/part-of']).toBe('platform');
  });
});

describe('TimonelChart names', () => {
  test('generated object names carry no hash', () => {
    const chart = new TimonelChart(Testing.app(), 'shop');
    new k8s.KubeConfigMap(chart, 'settings', {});
    expect(Testing.synth(chart)[0].metadata.name).toBe('shop-settings');
  });
});

describe('TimonelChart.toJson', () => {
  test('renders the objects in apply order, keeping construct order within a kind', () => {
    const chart = new TimonelChart(Testing.app(), 'shop', { namespace: 'shop' });
    new ApiObject(chart, 'cert', { apiVersion: 'cert-manager.io/v1', kind: 'Certificate', metadata: { name: 'cert' } });
    new k8s.KubeDeployment(chart, 'web', { metadata: { name: 'web' }, spec: { selector: {}, template: {} } });
    new k8s.KubeService(chart, 'svc', { metadata: { name: 'web' } });
    new k8s.KubeConfigMap(chart, 'b', { metadata: { name: 'b' } });
    new k8s.KubeServiceAccount(chart, 'sa', { metadata: { name: 'web' } });
    new k8s.KubeConfigMap(chart, 'a', { metadata: { name: 'a' } });
    // Bare L1 objects break the restricted policies; this test is about order only.
    expect(withoutChartPolicies(() => chart.toJson()).map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'Namespace/shop',
      'ServiceAccount/web',
      'ConfigMap/b',
      'ConfigMap/a',
      'Service/web',
      'Deployment/web',
      'Certificate/cert',
    ]);
  });
});

describe('TimonelChart.of', () => {
  test('finds the timonel chart of a nested construct', () => {
    const chart = new TimonelChart(Testing.app(), 'shop');
    const deep = new Construct(new Construct(chart, 'a'), 'b');
    expect(TimonelChart.of(deep)).toBe(chart);
  });

  test('fails when the construct is in a plain cdk8s Chart', () => {
    const plain = new Chart(Testing.app(), 'plain');
    expect(() => TimonelChart.of(new Construct(plain, 'web'))).toThrow(
      /^\[plain\/web\] must be created inside a TimonelChart, but its chart 'plain' is a plain cdk8s Chart\. Allowed: a scope inside a TimonelChart \(not a plain cdk8s Chart\)\. Fix: create the chart with 'new TimonelChart\(app, id, props\)'/,
    );
  });
});

describe('TimonelChart Pod Security level', () => {
  const level = (chart: TimonelChart) => one(Testing.synth(chart), 'Namespace').metadata.labels['pod-security.kubernetes.io/enforce'];

  test('follows the chart\'s profile: a baseline chart enforces baseline', () => {
    expect(level(new TimonelChart(Testing.app(), 'a', { namespace: 'a', policy: { profile: 'baseline' } }))).toBe('baseline');
    expect(level(new TimonelChart(Testing.app(), 'a', { namespace: 'a' }))).toBe('restricted');
  });

  test('follows a profile set on the app after the chart exists, and custom profiles', () => {
    const app = Testing.app();
    const chart = new TimonelChart(app, 'a', { namespace: 'a' });
    Policy.setDefault(app, 'baseline');
    expect(level(chart)).toBe('baseline');
    const custom = Profile.custom({ severity: { 'pss-restricted-run-as-user': 'warning' } });
    expect(level(new TimonelChart(Testing.app(), 'b', { namespace: 'b', policy: { profile: custom }, podSecurity: 'baseline' }))).toBe('baseline');
    const loose = Profile.custom({ disable: ['pss-baseline-host-ports'] });
    expect(level(new TimonelChart(Testing.app(), 'c', { namespace: 'c', policy: { profile: loose }, podSecurity: 'privileged' }))).toBe('privileged');
    // A custom profile that only extends baseline, or relaxes no Pod Security rule, needs no podSecurity.
    expect(level(new TimonelChart(Testing.app(), 'd', { namespace: 'd', policy: { profile: Profile.custom({ extends: 'baseline' }) } }))).toBe('baseline');
    expect(level(new TimonelChart(Testing.app(), 'e', { namespace: 'e', policy: { profile: Profile.custom({ disable: ['practice-probes'] }) } }))).toBe('restricted');
  });

  test('fails when a custom profile relaxes a Pod Security rule and the chart does not set podSecurity: the whole namespace would enforce less', () => {
    const team = Profile.custom({ name: 'team', disable: ['pss-restricted-seccomp'] });
    const e = thrown(() => new TimonelChart(new App({ outdir: '/nonexistent' }), 'shop', { namespace: 'shop', policy: { profile: team } }));
    expect(e.path).toBe('shop');
    expect(e.prop).toBe('podSecurity');
    expect(e.message).toBe("[shop] 'podSecurity' is not set, but the chart's profile 'team' relaxes Pod Security 'restricted' rules (pss-restricted-seccomp: off), "
      + "so namespace 'shop' would enforce only 'baseline' for every pod in it, got undefined. "
      + "Allowed: podSecurity: 'baseline' written on the chart, or a profile that keeps every Pod Security 'restricted' rule an error. "
      + "Fix: to lower the whole namespace, say so: podSecurity: 'baseline' on chart 'shop'; to relax one workload, keep the rules errors in the profile "
      + "and give that workload a chart of its own with podSecurity: 'baseline' and Policy.suppress(workload, 'pss-restricted-seccomp', '<why>')");
    // A warning is relaxed too (admission would reject what it lets through); a baseline rule lowers baseline to privileged.
    const warned = Profile.custom({ name: 'team', severity: { 'pss-restricted-capabilities': 'warning' } });
    expect(() => new TimonelChart(Testing.app(), 'a', { namespace: 'a', policy: { profile: warned } })).toThrow("relaxes Pod Security 'restricted' rules (pss-restricted-capabilities: warning)");
    const hostPorts = Profile.custom({ name: 'team', extends: 'baseline', disable: ['pss-baseline-host-ports'] });
    expect(() => new TimonelChart(Testing.app(), 'a', { namespace: 'a', policy: { profile: hostPorts } })).toThrow("so namespace 'a' would enforce only 'privileged' for every pod in it");
    // Set on the app (after the chart exists), the profile is known at synth: the same error there.
    const app = new App({ outdir: '/nonexistent' });
    const chart = new TimonelChart(app, 'shop', { namespace: 'shop' });
    Policy.setDefault(app, team);
    expect(() => app.render()).toThrow("[shop] 'podSecurity' is not set, but the chart's profile 'team' relaxes Pod Security 'restricted' rules");
    expect(() => Testing.synth(chart)).toThrow("[shop] 'podSecurity' is not set");
    // Without a Namespace of its own the chart lowers no label (a shared namespace is checked by the App).
    expect(() => new TimonelChart(Testing.app(), 'b', { namespace: 'b', createNamespace: false, policy: { profile: team } })).not.toThrow();
  });

  test('podSecurity lowers the level as a chart-level choice', () => {
    expect(level(new TimonelChart(Testing.app(), 'a', { namespace: 'a', podSecurity: 'baseline' }))).toBe('baseline');
  });

  test('fails when podSecurity is stricter than the chart\'s own profile, where the chart is created', () => {
    const e = thrown(() => new TimonelChart(new App({ outdir: '/nonexistent' }), 'p2', { namespace: 'p2', policy: { profile: 'baseline' }, podSecurity: 'restricted' }));
    expect(e.path).toBe('p2');
    expect(e.prop).toBe('podSecurity');
    expect(e.value).toBe('restricted');
    expect(e.message).toBe("[p2] 'podSecurity' enforces more than the chart's profile 'baseline' checks ('baseline'), so pods that pass the policies would be rejected at admission, got 'restricted'. "
      + "Allowed: 'baseline' or lower. Fix: leave podSecurity out (the profile's level, 'baseline'), or check the pods as strictly: policy: { profile: 'restricted' }");
  });

  test('fails with the TimonelError itself when a profile set on the app later is looser than podSecurity (Testing.synth, App.synth)', () => {
    const stricter = () => {
      const app = new App({ outdir: '/nonexistent' });
      const chart = new TimonelChart(app, 'p2', { namespace: 'p2', podSecurity: 'restricted' });
      Policy.setDefault(app, 'baseline');
      new WebApp(chart, 'web', { image: 'ghcr.io/acme/web:1.0.0' });
      return { app, chart };
    };
    const text = "[p2] 'podSecurity' enforces more than the chart's profile 'baseline' checks ('baseline')";
    for (const run of [(x: ReturnType<typeof stricter>) => Testing.synth(x.chart), (x: ReturnType<typeof stricter>) => x.app.render(), (x: ReturnType<typeof stricter>) => x.app.synth()]) {
      const e = thrown(() => run(stricter()));
      expect(e.message.startsWith(text)).toBe(true);
      expect(e.prop).toBe('podSecurity');
    }
  });

  test('fails when an object suppresses a Pod Security rule the namespace enforces', () => {
    const chart = new TimonelChart(Testing.app(), 'vendor', { namespace: 'vendor' });
    const cm = new k8s.KubeConfigMap(chart, 'legacy', { data: {} });
    Policy.suppress(cm, 'pss-restricted-run-as-user', 'vendor image runs as root; isolated namespace');
    expect(() => Testing.synth(chart)).toThrow(
      "[vendor/legacy] 'metadata.annotations[\"timonel.dev/suppress.pss-restricted-run-as-user\"]' of ConfigMap vendor-legacy suppresses 'pss-restricted-run-as-user', "
      + "but namespace 'vendor' enforces Pod Security 'restricted', which would reject its pods at admission, got 'vendor image runs as root; isolated namespace'. Allowed: a chart whose Namespace enforces 'baseline'",
    );
    const app = new App({ outdir: '/nonexistent' });
    const inApp = new TimonelChart(app, 'vendor', { namespace: 'vendor' });
    Policy.suppress(new k8s.KubeConfigMap(inApp, 'legacy', { data: {} }), 'pss-restricted-run-as-user', 'vendor image runs as root; isolated namespace');
    expect(() => app.render()).toThrow("of ConfigMap vendor-legacy suppresses 'pss-restricted-run-as-user'");
    const ok = new TimonelChart(Testing.app(), 'vendor', { namespace: 'vendor', podSecurity: 'baseline' });
    Policy.suppress(new k8s.KubeConfigMap(ok, 'legacy', { data: {} }), 'pss-restricted-run-as-user', 'vendor image runs as root; isolated namespace');
    expect(level(ok)).toBe('baseline');
  });

  test('fails when a workload suppresses a Pod Security rule the namespace enforces, naming its pods\' object, not its NetworkPolicy', () => {
    const app = new App({ outdir: '/nonexistent' });
    const shop = new TimonelChart(app, 'shop', { namespace: 'shop' });
    const web = new WebApp(shop, 'web', { image: 'ghcr.io/acme/web:1.0.0', isolate: true });
    Policy.suppress(web, 'pss-restricted-seccomp', 'the image needs a custom seccomp profile');
    expect(() => app.render()).toThrow(
      "[shop/web/Resource] 'metadata.annotations[\"timonel.dev/suppress.pss-restricted-seccomp\"]' of Deployment shop-web suppresses 'pss-restricted-seccomp', "
      + "but namespace 'shop' enforces Pod Security 'restricted', which would reject its pods at admission, got 'the image needs a custom seccomp profile'. "
      + "Allowed: a chart whose Namespace enforces 'baseline'. Fix: make it a chart-level choice: put the workload in a chart with { podSecurity: 'baseline' } (or policy: { profile: 'baseline' }), in its own namespace",
    );
  });
});

describe('Pod Security of a namespace shared between charts (App)', () => {
  /** An app whose chart 'shop' creates Namespace 'shop' (restricted unless `podSecurity`), and a chart 'legacy' in it. */
  function shared(legacy: { profile?: 'baseline' | 'restricted'; podSecurity?: 'baseline' | 'privileged' } = {}, shopPodSecurity?: 'baseline') {
    const app = new App({ outdir: '/nonexistent' });
    const shop = new TimonelChart(app, 'shop', { namespace: 'shop', podSecurity: shopPodSecurity });
    new WebApp(shop, 'web', { image: 'nginx:1.27.2', port: 8080 });
    const chart = new TimonelChart(app, 'legacy', {
      namespace: 'shop', createNamespace: false, podSecurity: legacy.podSecurity, policy: legacy.profile ? { profile: legacy.profile } : undefined,
    });
    return { app, shop, legacy: chart };
  }
  /** A pod that runs as root (Pod Security baseline admits it, restricted does not). */
  const rootPod = (scope: Construct) => new k8s.KubePod(scope, 'old', {
    spec: {
      securityContext: { runAsUser: 0, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [{ name: 'main', image: 'nginx:1.27.2', resources: { requests: { cpu: k8s.Quantity.fromString('100m'), memory: k8s.Quantity.fromString('64Mi') }, limits: { memory: k8s.Quantity.fromString('128Mi') } } }],
    },
  });

  test('fails when a baseline chart runs a root pod in a namespace another chart creates enforcing restricted', () => {
    const { app, legacy } = shared({ profile: 'baseline' });
    rootPod(legacy);
    expect(() => app.render()).toThrow(new TimonelError({
      path: 'legacy', prop: 'namespace',
      message: "is 'shop', whose Namespace chart 'shop' writes with Pod Security 'restricted' enforced, but chart 'legacy' has the profile 'baseline', which checks its pods against 'baseline' only, so admission would reject pods that pass its policies (Pod legacy-old)",
      allowed: "a namespace that enforces 'baseline' or less",
      fix: "give chart 'legacy' its own namespace (namespace: 'legacy', createNamespace: true), or set podSecurity: 'baseline' on chart 'shop', which creates namespace 'shop'",
    }).message);
  });

  test('fails when a baseline chart shares a restricted namespace even if its pods would pass restricted: levels are compared, not today\'s pods, since nothing keeps the next change within restricted', () => {
    const { app, legacy } = shared({ profile: 'baseline' });
    new WebApp(legacy, 'old', { image: 'nginx:1.27.2', port: 8080 });
    expect(() => app.render()).toThrow("[legacy] 'namespace' is 'shop', whose Namespace chart 'shop' writes with Pod Security 'restricted' enforced, but chart 'legacy' has the profile 'baseline'");
  });

  test('fails when a chart in a shared namespace sets podSecurity below the namespace\'s level, or an object suppresses a Pod Security rule it enforces', () => {
    const lowered = shared({ podSecurity: 'privileged' });
    new WebApp(lowered.legacy, 'old', { image: 'nginx:1.27.2', port: 8080 });
    expect(() => lowered.app.render()).toThrow("but chart 'legacy' sets podSecurity: 'privileged', so admission would reject pods that pass its policies (Deployment legacy-old). Allowed: a namespace that enforces 'privileged' or less");
    const suppressing = shared();
    const pod = rootPod(suppressing.legacy);
    for (const rule of ['pss-restricted-run-as-user', 'pss-restricted-run-as-non-root']) Policy.suppress(pod, rule, 'vendor image runs as root; reviewed by security');
    expect(() => suppressing.app.render()).toThrow("but Pod legacy-old suppresses 'pss-restricted-run-as-non-root', so admission would reject pods that pass its policies (Pod legacy-old). Allowed: a namespace that enforces 'baseline' or less");
  });

  test('a chart checked at least as strictly as the shared namespace enforces is fine, and so is one whose namespace the app does not create', () => {
    const fixed = shared({ profile: 'baseline' }, 'baseline');
    rootPod(fixed.legacy);
    expect(() => fixed.app.render()).not.toThrow();
    const restricted = shared({}, 'baseline');
    new WebApp(restricted.legacy, 'old', { image: 'nginx:1.27.2', port: 8080 });
    expect(() => restricted.app.render()).not.toThrow();
    const app = new App({ outdir: '/nonexistent' });
    rootPod(new TimonelChart(app, 'legacy', { namespace: 'vendor', createNamespace: false, policy: { profile: 'baseline' } }));
    expect(() => app.render()).not.toThrow();
  });
});

describe('TimonelChart labels', () => {
  /** A bare Pod, as docs/custom-workloads.md writes one. */
  class BarePod extends Workload {
    constructor(scope: Construct, id: string, props: WorkloadProps) {
      super(scope, id, props);
      const template = this.podTemplate({ restartPolicy: 'Always' });
      new k8s.KubePod(this, 'Resource', { metadata: { ...this.metadata(), labels: template.metadata.labels, annotations: this.pod.renderAnnotations() }, spec: template.spec });
    }
  }

  const IMAGE = 'ghcr.io/acme/web:1.0.0';
  function labelled() {
    const chart = new TimonelChart(Testing.app(), 'shop', { namespace: 'shop', labels: { team: 'payments', 'example.com/cost-center': 'cc-42' } });
    new WebApp(chart, 'web', { image: IMAGE, isolate: true });
    new WebApp(chart, 'search', { image: IMAGE, isolate: true, podLabels: { team: 'search' } });
    new Redis(chart, 'cache', { mode: 'cache' });
    new NodeAgent(chart, 'agent', { image: IMAGE });
    new BatchJob(chart, 'once', { image: IMAGE });
    new BatchJob(chart, 'nightly', { image: IMAGE, schedule: '0 3 * * *' });
    new BarePod(chart, 'pod', { image: IMAGE });
    return Testing.synth(chart);
  }

  test("reach the pod templates of every workload (Deployment, StatefulSet, DaemonSet, CronJob and its Jobs, bare Pod), never the selectors; a one-off Job's are on the Job only (its name would change: trial X, X5)", () => {
    const objs = labelled();
    const pods = objs.flatMap((o: any): string[] => {
      const show = (what: string, l: Record<string, string>) => `${o.kind} ${o.metadata.name}${what}: team=${l.team} cost-center=${l['example.com/cost-center']}`;
      switch (o.kind) {
        case 'Deployment': case 'StatefulSet': case 'DaemonSet': return [show('', o.spec.template.metadata.labels)];
        case 'Job': return [show(' (the Job)', o.metadata.labels), show(' pods', o.spec.template.metadata.labels)];
        case 'CronJob': return [show(' jobTemplate', o.spec.jobTemplate.metadata.labels), show(' pods', o.spec.jobTemplate.spec.template.metadata.labels)];
        case 'Pod': return [show('', o.metadata.labels)];
        default: return [];
      }
    });
    expect(pods).toEqual([
      'Pod shop-pod: team=payments cost-center=cc-42',
      'StatefulSet shop-cache: team=payments cost-center=cc-42',
      'Deployment shop-web: team=payments cost-center=cc-42',
      'Deployment shop-search: team=search cost-center=cc-42',
      'DaemonSet shop-agent: team=payments cost-center=cc-42',
      'Job shop-once-0239f773 (the Job): team=payments cost-center=cc-42',
      'Job shop-once-0239f773 pods: team=undefined cost-center=undefined',
      'CronJob shop-nightly jobTemplate: team=payments cost-center=cc-42',
      'CronJob shop-nightly pods: team=payments cost-center=cc-42',
    ]);
    for (const o of objs.filter((x: any) => x.spec?.selector?.matchLabels)) {
      expect(Object.keys(o.spec.selector.matchLabels).sort()).toEqual(['app.kubernetes.io/instance', 'app.kubernetes.io/name']);
    }
  });

  test("a workload's podLabels win over the chart's labels on the same key, on its pods only", () => {
    const search = one(labelled(), 'Deployment', 'shop-search');
    expect(search.metadata.labels.team).toBe('payments');
    expect(search.spec.template.metadata.labels.team).toBe('search');
  });
  test("fails when a label is one of the recommended app.kubernetes.io/* labels, which timonel sets on every object (the chart's value was silently overwritten)", () => {
    const chart = (labels: Record<string, string>) => () => new TimonelChart(Testing.app(), 'shop', { namespace: 'shop', labels });
    expect(chart({ 'app.kubernetes.io/part-of': 'platform' })).toThrow(
      "[shop] 'labels' sets a recommended label, which timonel sets on every object itself (the chart's value would be overwritten), got 'app.kubernetes.io/part-of'. "
      + "Allowed: a key of your own: no prefix or your own domain's; 'app.kubernetes.io/' keys are timonel's. "
      + "Fix: remove it, and set the chart's 'partOf' prop: new TimonelChart(app, 'shop', { partOf: '<value>' })",
    );
    expect(chart({ 'app.kubernetes.io/name': 'oops' })).toThrow("Fix: remove it: timonel sets it from each workload's id");
    // Trial U (U4): an invalid key that reads as a recommended one gets that one's fix, not the key that is refused next.
    expect(chart({ 'APP.kubernetes.io/part-of': 'x' })).toThrow(/'labels' has an invalid key, got 'APP\.kubernetes\.io\/part-of'\..*Fix: remove it, and set the chart's 'partOf' prop/);
    expect(chart({ 'app.kubernetes.io/team': 'a' })).toThrow(
      "[shop] 'labels' uses the prefix 'app.kubernetes.io/', which Kubernetes reserves for its recommended labels, got 'app.kubernetes.io/team'. "
      + "Allowed: a key of your own: no prefix or your own domain's; 'app.kubernetes.io/' keys are timonel's. Fix: write 'team' or 'example.com/team' (your own domain)",
    );
  });
});
