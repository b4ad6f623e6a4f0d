import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { PostgreSQL } from '../../src/constructs/presets/postgres';
import { StoreCredentials } from '../../src/constructs/stateful-store';
import { WebApp } from '../../src/constructs/web-app';
import { BatchJob } from '../../src/constructs/batch-job';
import { NodeAgent } from '../../src/constructs/node-agent';
import { Worker } from '../../src/constructs/worker';
import { Workload, WorkloadProps } from '../../src/workload/workload';
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
