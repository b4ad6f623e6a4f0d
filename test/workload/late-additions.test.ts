import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { PostgreSQL } from '../../src/constructs/presets/postgres';
import { StoreCredentials } from '../../src/constructs/stateful-store';
import { WebApp } from '../../src/constructs/web-app';
import { BatchJob } from '../../src/constructs/batch-job';
import { NodeAgent } from '../../src/constructs/node-agent';
import { Worker } from '../../src/constructs/worker';
import { Workload, WorkloadProps } from '../../src/workload/workload';
import { App } from '../../src/app/app';
import { TimonelChart } from '../../src/app/chart';
import { all, newChart, one, podSpec, synth } from '../support/util';

const IMAGE = 'ghcr.io/acme/tool:1.0.0';

/** A custom workload the documented way: the pod template renders at synth. */
class Agent extends Workload {
  public readonly resource: k8s.KubeDeployment;

  constructor(scope: Construct, id: string, props: WorkloadProps) {
    super(scope, id, props);
    this.resource = new k8s.KubeDeployment(this, 'Resource', {
      metadata: this.metadata(),
      spec: { selector: { matchLabels: this.selectorLabels }, template: this.podTemplate() },
    });
  }
}

/** A custom workload that renders its pod at once (as the hello example once did). */
class EagerPod extends Workload {
  constructor(scope: Construct, id: string, props: WorkloadProps) {
    super(scope, id, props);
    new k8s.KubePod(this, 'Resource', {
      metadata: { ...this.metadata(), annotations: this.pod.renderAnnotations() },
      spec: this.pod.renderSpec({ serviceAccountName: this.serviceAccount.name, main: {} }),
    });
  }
}

function shop() {
  // The API server, which a workload with a grant and restricted egress (a connection) must be able to reach.
  const chart = newChart('shop', { namespace: 'shop', traffic: { apiServer: { cidrs: ['172.18.0.2/32'], ports: [6443] } } });
  const db = new PostgreSQL(chart, 'db', { credentials: StoreCredentials.fromSecret('shop-db-admin') });
  return { chart, db };
}

describe('a custom Workload built with podTemplate()', () => {
  test('gets later env, connectTo env, config-free annotations and grants', () => {
    const { chart, db } = shop();
    const agent = new Agent(chart, 'agent', { image: IMAGE, podAnnotations: { 'example.com/team': 'ops' } });
    agent.addEnv({ LOG_LEVEL: 'debug' });
    agent.connectTo(db);
    agent.grant({ rules: [{ resources: ['configmaps'], verbs: ['get'] }] });
    const objs = synth(chart);
    const d = one(objs, 'Deployment', 'shop-agent');
    const env = podSpec(d).containers[0].env.map((e: any) => e.name);
    expect(env).toEqual(['LOG_LEVEL', 'DB_HOST', 'DB_PORT', 'DB_USER', 'DB_PASSWORD']);
    expect(podSpec(d).automountServiceAccountToken).toBe(true);
    expect(d.spec.template.metadata.annotations).toEqual({ 'example.com/team': 'ops' });
  });

  test('checks the containers when the template is made, not at synth', () => {
    expect(() => new Agent(newChart(), 'agent', { image: IMAGE, sidecars: [{ name: 'side', image: IMAGE, mounts: [{ volume: 'nope', mountPath: '/x' }] }] }))
      .toThrow(/mounts the volume 'nope' in container 'side'/);
  });
});

describe('a custom Workload that renders its pod at once', () => {
  test.each([
    ['addEnv', (w: Workload) => w.addEnv({ LATE: '1' }), "'addEnv' comes after the pod's spec was rendered"],
    ['a grant', (w: Workload) => w.grant({ rules: [{ resources: ['pods'], verbs: ['get'] }] }), "'grant' comes after the pod's spec was rendered"],
    ['a volume', (w: Workload) => w.pod.addVolume({ name: 'late', emptyDir: {} }), "'volumes' comes after the pod's spec was rendered"],
    ['a pod annotation', (w: Workload) => w.pod.addAnnotation('example.com/late', 'yes'), "'podAnnotations' comes after the pod's annotations were rendered"],
  ])('refuses %s instead of dropping it', (_what, add, text) => {
    const chart = newChart('shop');
    const w = new EagerPod(chart, 'pod', { image: IMAGE });
    expect(() => add(w)).toThrow(text);
    expect(() => add(w)).toThrow('Fix: render the pod lazily with podTemplate()');
  });

  test('refuses connectTo env before it adds any NetworkPolicy, so nothing half-wired is emitted', () => {
    const { chart, db } = shop();
    const w = new EagerPod(chart, 'pod', { image: IMAGE });
    expect(() => w.connectTo(db)).toThrow("[shop/pod] 'connectTo(db)' comes after the pod's spec was rendered");
    expect(all(synth(chart), 'NetworkPolicy')).toEqual([]);
  });

  test("still allows a connection that adds no env (envForm 'none'): only policies and ordering", () => {
    const { chart, db } = shop();
    const w = new EagerPod(chart, 'pod', { image: IMAGE });
    w.connectTo(db, { envForm: 'none' });
    expect(all(synth(chart), 'NetworkPolicy').map((p) => p.metadata.name)).toEqual(['shop-db-from-shop-pod', 'shop-pod-to-shop-db']);
  });
});

describe("timonel's own constructs take later additions", () => {
  test.each([
    ['WebApp', (c: Construct) => new WebApp(c, 'w', { image: IMAGE }), 'Deployment'],
    ['Worker', (c: Construct) => new Worker(c, 'w', { image: IMAGE }), 'Deployment'],
    ['NodeAgent', (c: Construct) => new NodeAgent(c, 'w', { image: IMAGE }), 'DaemonSet'],
    ['scheduled BatchJob', (c: Construct) => new BatchJob(c, 'w', { image: IMAGE, schedule: '0 3 * * *' }), 'CronJob'],
    ['StatefulStore (preset)', (c: Construct) => new PostgreSQL(c, 'w', { credentials: StoreCredentials.fromSecret('pg') }), 'StatefulSet'],
  ])('%s: addEnv and a grant after construction reach the pod', (_what, make, kind) => {
    const chart = newChart('shop', { namespace: 'shop' });
    const w = make(chart) as Workload;
    w.addEnv({ LATE: '1' });
    w.grant({ rules: [{ resources: ['configmaps'], verbs: ['get'] }] });
    const spec = podSpec(one(synth(chart), kind));
    expect(spec.containers[0].env.map((e: any) => e.name)).toContain('LATE');
    expect(spec.automountServiceAccountToken).toBe(true);
  });
});

/** A custom workload that writes its pod spec by hand, never through podTemplate() or renderSpec() (trial AB5). */
class Handmade extends Workload {
  constructor(scope: Construct, id: string, props: WorkloadProps) {
    super(scope, id, props);
    new k8s.KubeDeployment(this, 'Resource', {
      metadata: this.metadata(),
      spec: {
        replicas: 1, selector: { matchLabels: this.selectorLabels },
        template: {
          metadata: { labels: this.selectorLabels },
          spec: {
            serviceAccountName: this.serviceAccount.name, automountServiceAccountToken: false,
            securityContext: { runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: 'RuntimeDefault' } },
            containers: [{
              name: 'main', image: props.image,
              resources: { requests: { cpu: k8s.Quantity.fromString('100m'), memory: k8s.Quantity.fromString('128Mi') }, limits: { memory: k8s.Quantity.fromString('256Mi') } },
              readinessProbe: { exec: { command: ['true'] } }, livenessProbe: { exec: { command: ['true'] } },
              securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
            }],
          },
        },
      },
    });
  }
}

/** A custom workload whose pod spec comes from podTemplate(), but whose pod metadata is written by hand. */
class HandmadeMetadata extends Workload {
  constructor(scope: Construct, id: string, props: WorkloadProps) {
    super(scope, id, props);
    new k8s.KubeDeployment(this, 'Resource', {
      metadata: this.metadata(),
      spec: { selector: { matchLabels: this.selectorLabels }, template: { metadata: { labels: this.selectorLabels }, spec: this.podTemplate().spec } },
    });
  }
}

/** A custom workload that builds no pod at all: a ConfigMap of its own. */
class Settings extends Workload {
  constructor(scope: Construct, id: string, props: WorkloadProps) {
    super(scope, id, props);
    new k8s.KubeConfigMap(this, 'Resource', { metadata: this.metadata(), data: { mode: 'on' } });
  }
}

describe('a custom Workload that never renders its pod through the builder', () => {
  test('fails when it was given env, addEnv and connectTo env, which its own pod spec would silently drop', () => {
    const { chart, db } = shop();
    const h = new Handmade(chart, 'h', { image: IMAGE, env: { FROM_PROPS: 'x' } });
    h.addEnv({ LATER: 'y' });
    h.connectTo(db);
    expect(() => synth(chart)).toThrow(
      "[shop/h] renders no pod through its pod builder (it never calls this.podTemplate(), nor this.pod.lazySpec() or this.pod.renderSpec()), so what it was given for its pods would be silently missing from the YAML: "
      + "env FROM_PROPS (from 'env'); env LATER (from 'addEnv'); env DB_HOST, DB_PORT, DB_USER, DB_PASSWORD (from 'connectTo(db)'), "
      + 'got ["env","addEnv","connectTo(db)"]. Allowed: what the pod builder renders, in a pod built with this.podTemplate(); in a workload that builds no pod, none of it. '
      + 'Fix: build the pod with the pod builder: template: this.podTemplate(), passed on whole (its options take pod fields such as restartPolicy or hostname; patchManifest any other); see docs/custom-workloads.md; '
      + "or leave out what the pod does not use; a connection whose variables the app does not use adds only its NetworkPolicies with connectTo(db, { envForm: 'none' })",
    );
  });

  test('fails at App.synth too, before any file is written (also without the policies)', () => {
    const app = new App();
    const chart = new TimonelChart(app, 'shop', { namespace: 'shop' });
    const db = new PostgreSQL(chart, 'db', { credentials: StoreCredentials.fromSecret('shop-db-admin') });
    new Handmade(chart, 'h', { image: IMAGE }).connectTo(db);
    expect(() => app.render({ policies: false })).toThrow("[shop/h] renders no pod through its pod builder (it never calls this.podTemplate(), nor this.pod.lazySpec() or this.pod.renderSpec()), so what it was given for its pods would be silently missing from the YAML: env DB_HOST, DB_PORT, DB_USER, DB_PASSWORD (from 'connectTo(db)')");
  });

  test.each([
    ['podAnnotations', { podAnnotations: { 'example.com/team': 'ops' } }, "annotation example.com/team (from 'podAnnotations')"],
    ['volumes and mounts', { volumes: [{ name: 'cache', emptyDir: {} }], mounts: [{ volume: 'cache', mountPath: '/cache' }] }, "volume 'cache' (from 'volumes'); mount of 'cache' at /cache (from 'mounts')"],
    ['envFromSecrets', { envFromSecrets: ['shop-api-keys'] }, "Secret 'shop-api-keys' as env (from 'envFromSecrets')"],
    ['config', { config: { MODE: 'fast' } }, "ConfigMap 'shop-h-config' as env; annotation timonel.dev/config-checksum (from 'config')"],
    ['permissions', { permissions: [{ rules: [{ resources: ['pods'], verbs: ['get'] }] }] }, "the API token mount (from 'grant')"],
  ])('fails when it was given %s', (_what, props, listed) => {
    const chart = newChart('shop', { namespace: 'shop' });
    new Handmade(chart, 'h', { image: IMAGE, ...(props as Partial<WorkloadProps>) });
    expect(() => synth(chart)).toThrow(`would be silently missing from the YAML: ${listed}, got`);
  });

  test("fails when its pod metadata is its own, so podAnnotations and pod.addAnnotation would be dropped", () => {
    const chart = newChart('shop');
    const w = new HandmadeMetadata(chart, 'h', { image: IMAGE, podAnnotations: { 'example.com/team': 'ops' } });
    w.pod.addAnnotation('example.com/late', 'yes');
    expect(() => synth(chart)).toThrow(
      "[shop/h] renders its pod spec through its pod builder but not the pod's annotations (it never takes this.podTemplate().metadata, nor calls this.pod.lazyAnnotations() or this.pod.renderAnnotations()), "
      + "so what it was given for its pods would be silently missing from the YAML: annotation example.com/team (from 'podAnnotations'); annotation example.com/late (from 'pod.addAnnotation'), "
      + 'got ["podAnnotations","pod.addAnnotation"]. Allowed: what the pod builder renders, in a pod built with this.podTemplate(); in a workload that builds no pod, none of it. '
      + 'Fix: pass the template\'s metadata on whole: template: this.podTemplate(), or metadata: { labels: template.metadata.labels, annotations: template.metadata.annotations }; see docs/custom-workloads.md; '
      + 'or leave out what the pod does not use',
    );
  });

  test('fails when a workload that builds no pod at all is given env', () => {
    const chart = newChart('shop');
    new Settings(chart, 's', { image: IMAGE, env: { MODE: 'on' } });
    expect(() => synth(chart)).toThrow("[shop/s] renders no pod through its pod builder (it never calls this.podTemplate(), nor this.pod.lazySpec() or this.pod.renderSpec()), so what it was given for its pods would be silently missing from the YAML: env MODE (from 'env'), got [\"env\"]");
  });

  test('a hand-built pod with nothing given for it, and a connection without env, still synthesize', () => {
    const { chart, db } = shop();
    new Handmade(chart, 'h', { image: IMAGE }).connectTo(db, { envForm: 'none' });
    expect(all(synth(chart), 'NetworkPolicy').map((p) => p.metadata.name)).toEqual(['shop-db-from-shop-h', 'shop-h-to-shop-db']);
  });

  test('a workload that builds no pod (a ConfigMap of its own) is not refused, with config and permissions too', () => {
    const chart = newChart('shop', { namespace: 'shop' });
    new Settings(chart, 's', { image: IMAGE, config: { MODE: 'on' }, permissions: [{ rules: [{ resources: ['configmaps'], verbs: ['get'] }] }] });
    expect(all(synth(chart), 'ConfigMap').map((c) => c.metadata.name).sort()).toEqual(['shop-s', 'shop-s-config']);
  });

  test('a pod template rendered in the constructor takes everything added later (the documented way)', () => {
    const { chart, db } = shop();
    const a = new Agent(chart, 'a', { image: IMAGE, env: { FROM_PROPS: 'x' }, config: { MODE: 'on' } });
    a.addEnv({ LATER: 'y' });
    a.connectTo(db);
    const env = podSpec(one(synth(chart), 'Deployment', 'shop-a')).containers[0].env.map((e: any) => e.name);
    expect(env).toEqual(['FROM_PROPS', 'LATER', 'DB_HOST', 'DB_PORT', 'DB_USER', 'DB_PASSWORD']);
  });
});
