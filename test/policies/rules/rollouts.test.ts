import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { NodeAgent } from '../../../src/constructs/node-agent';
import { StatefulStore } from '../../../src/constructs/stateful-store';
import { WebApp } from '../../../src/constructs/web-app';
import { Probe } from '../../../src/core/probes';
import { deployment, edit, lines, LABELS, summary } from '../helpers';
import { newChart, synth } from '../../support/util';

const pdb = (spec: Record<string, unknown>, name = 'web') => ({
  apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name, namespace: 'shop' },
  spec: { selector: { matchLabels: { ...LABELS } }, ...spec },
});
const hpa = (min: number, max = 10, name = 'web') => ({
  apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name, namespace: 'shop' },
  spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name }, minReplicas: min, maxReplicas: max },
});
const statefulSet = (replicas: number | undefined, partition: unknown, extra: Record<string, unknown> = {}) => edit(deployment('db'), (d) => {
  d.kind = 'StatefulSet';
  d.spec.serviceName = 'db';
  if (replicas === undefined) delete d.spec.replicas; else d.spec.replicas = replicas;
  d.spec.updateStrategy = { type: 'RollingUpdate', rollingUpdate: { partition } };
  Object.assign(d.spec, extra);
});
const withStartup = (probe: Record<string, unknown>, spec: Record<string, unknown> = {}) => edit(deployment(), (d) => {
  d.spec.template.spec.containers[0].startupProbe = { tcpSocket: { port: 8080 }, ...probe };
  Object.assign(d.spec, spec);
});

// The trial's repro/handwritten/deadlock.yaml.
const DEADLOCK = `apiVersion: apps/v1
kind: Deployment
metadata: { name: api, namespace: shop }
spec:
  replicas: 3
  selector: { matchLabels: { app: api } }
  strategy: { type: RollingUpdate, rollingUpdate: { maxSurge: 0, maxUnavailable: 0 } }
  template:
    metadata: { labels: { app: api } }
    spec:
      containers:
        - name: main
          image: ghcr.io/acme/api:1.0.0
          ports: [{ containerPort: 8080, name: http }]
          readinessProbe: { httpGet: { path: /r, port: http } }
          livenessProbe: { httpGet: { path: /l, port: http } }
          resources: { requests: { cpu: 100m, memory: 128Mi }, limits: { memory: 256Mi } }
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: { name: api, namespace: shop }
spec:
  minAvailable: 3
  selector: { matchLabels: { app: api } }
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: { name: api, namespace: shop }
spec:
  scaleTargetRef: { apiVersion: apps/v1, kind: Deployment, name: api }
  minReplicas: 5
  maxReplicas: 10
  metrics: [{ type: Resource, resource: { name: cpu, target: { type: Utilization, averageUtilization: 70 } } }]
---
apiVersion: apps/v1
kind: StatefulSet
metadata: { name: db, namespace: shop }
spec:
  replicas: 1
  serviceName: db
  selector: { matchLabels: { app: db } }
  template:
    metadata: { labels: { app: db } }
    spec:
      containers:
        - name: main
          image: postgres:16.4
          readinessProbe: { tcpSocket: { port: 5432 } }
          livenessProbe: { tcpSocket: { port: 5432 } }
          resources: { requests: { cpu: 100m, memory: 128Mi }, limits: { memory: 256Mi } }
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: { name: db, namespace: shop }
spec:
  maxUnavailable: 0
  selector: { matchLabels: { app: db } }
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: { name: api-pct, namespace: shop }
spec:
  minAvailable: "100%"
  selector: { matchLabels: { app: api } }
`;

const FOREVER = 'none may be evicted, so a node drain or the cluster autoscaler waits on their nodes forever';
const PDB_FIX = 'Fix: use maxUnavailable: 1 (one pod at a time, whatever the replica count; with a single replica, none: that pod is down while it is moved anyway)';

describe('api-rolling-update', () => {
  test('passes the defaults, one side at 0, and Recreate', () => {
    const strategy = (rollingUpdate: unknown, type = 'RollingUpdate') => edit(deployment(), (d) => { d.spec.strategy = { type, rollingUpdate }; });
    expect(lines('api-rolling-update', [deployment(), strategy({ maxSurge: 0 }), strategy({ maxUnavailable: 0 }), strategy({ maxSurge: 1, maxUnavailable: 0 })])).toEqual([]);
    expect(lines('api-rolling-update', [edit(deployment(), (d) => { d.spec.strategy = { type: 'Recreate' }; })])).toEqual([]);
  });

  test('fails when a Deployment has maxSurge and maxUnavailable both 0 (trial V5: the API server refuses it)', () => {
    expect(lines('api-rolling-update', [edit(deployment(), (d) => { d.spec.strategy = { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: '0%' } }; })])).toEqual([
      'error: [test.yaml] Deployment shop/web \'spec.strategy.rollingUpdate.maxUnavailable\' may not be 0 when maxSurge is 0: the rollout could never replace a pod, got {"maxSurge":0,"maxUnavailable":"0%"}. Allowed: maxSurge or maxUnavailable above 0. Fix: allow a surge (maxSurge: \'25%\') or one unavailable pod (maxUnavailable: 1)',
    ]);
  });

  test("fails when a DaemonSet sets maxUnavailable 0 and leaves maxSurge at the API's 0", () => {
    const ds = edit(deployment('agent'), (d) => {
      d.kind = 'DaemonSet';
      delete d.spec.replicas;
      d.spec.updateStrategy = { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0 } };
    });
    expect(lines('api-rolling-update', [ds])).toEqual([
      'error: [test.yaml] DaemonSet shop/agent \'spec.updateStrategy.rollingUpdate.maxUnavailable\' may not be 0 when maxSurge is 0: the rollout could never replace a pod, got {"maxSurge":0,"maxUnavailable":0}. Allowed: maxSurge or maxUnavailable above 0. Fix: update one node at a time: maxUnavailable: 1 (the default), maxSurge: 0',
    ]);
  });
});

describe('practice-pdb-blocks-eviction', () => {
  test('passes maxUnavailable 1, and a minAvailable below the pods selected', () => {
    expect(lines('practice-pdb-blocks-eviction', [deployment('web', 3), pdb({ maxUnavailable: 1 }), pdb({ minAvailable: 2 }, 'b'), pdb({ minAvailable: '50%' }, 'c')])).toEqual([]);
    // A selector that matches nothing is ref-pdb-selector's; a DaemonSet's pod count is unknown here.
    expect(lines('practice-pdb-blocks-eviction', [pdb({ minAvailable: 5 })])).toEqual([]);
  });

  test('fails when the budget allows no eviction: maxUnavailable 0, minAvailable 100% or the replica count (trial V5)', () => {
    expect(lines('practice-pdb-blocks-eviction', [deployment('web', 3), pdb({ minAvailable: 3 }), pdb({ minAvailable: '100%' }, 'b'), pdb({ maxUnavailable: '0%' }, 'c'), pdb({ minAvailable: '90%' }, 'd')])).toEqual([
      `warning: [test.yaml] PodDisruptionBudget shop/web 'spec.minAvailable' keeps 3 pods available, and Deployment shop/web runs 3: ${FOREVER}, got 3. Allowed: at most 2 (below the pods it selects). ${PDB_FIX}`,
      `warning: [test.yaml] PodDisruptionBudget shop/b 'spec.minAvailable' keeps every pod it selects: ${FOREVER}, got '100%'. Allowed: below 100%. ${PDB_FIX}`,
      `warning: [test.yaml] PodDisruptionBudget shop/c 'spec.maxUnavailable' allows no pod it selects to be evicted: a node drain or the cluster autoscaler waits on their nodes forever, got '0%'. Allowed: 1 or more. ${PDB_FIX}`,
      `warning: [test.yaml] PodDisruptionBudget shop/d 'spec.minAvailable' keeps 3 pods available, and Deployment shop/web runs 3: ${FOREVER}, got '90%'. Allowed: at most 2 (below the pods it selects). ${PDB_FIX}`,
    ]);
  });

  test("fails when minAvailable reaches an autoscaled workload's minReplicas", () => {
    const autoscaled = edit(deployment(), (d) => { delete d.spec.replicas; });
    expect(lines('practice-pdb-blocks-eviction', [autoscaled, hpa(2), pdb({ minAvailable: 2 })])).toEqual([
      `warning: [test.yaml] PodDisruptionBudget shop/web 'spec.minAvailable' keeps 2 pods available, and Deployment shop/web runs 2 at the fewest: ${FOREVER}, got 2. Allowed: at most 1 (below the pods it selects). ${PDB_FIX}`,
    ]);
    expect(lines('practice-pdb-blocks-eviction', [autoscaled, hpa(3), pdb({ minAvailable: 2 })])).toEqual([]);
    // replicas beside the autoscaler: every apply brings the count back down to them
    expect(lines('practice-pdb-blocks-eviction', [deployment('web', 3), hpa(5), pdb({ minAvailable: 3 })])).toHaveLength(1);
  });
});

describe('practice-replicas-with-autoscaler', () => {
  test('passes an autoscaled workload without replicas, and replicas without an autoscaler', () => {
    expect(lines('practice-replicas-with-autoscaler', [edit(deployment(), (d) => { delete d.spec.replicas; }), hpa(2), deployment('api', 3)])).toEqual([]);
  });

  test('fails when an autoscaled Deployment also sets replicas (trial V5: every sync resets the scaling)', () => {
    expect(lines('practice-replicas-with-autoscaler', [deployment('web', 3), hpa(5)])).toEqual([
      "warning: [test.yaml] Deployment shop/web 'spec.replicas' is set, but HorizontalPodAutoscaler shop/web scales this Deployment: every apply (each Argo CD or Flux sync) resets it to 3 pods, undoing the autoscaler's scaling, got 3. Allowed: no spec.replicas on a workload an autoscaler scales. Fix: remove spec.replicas: the autoscaler's minReplicas and maxReplicas bound the count (on a running workload, see 'Migrating Deployments and StatefulSets to horizontal autoscaling' in the Kubernetes docs)",
    ]);
  });
});

describe('practice-revision-history', () => {
  test('passes the default and a kept history', () => {
    expect(lines('practice-revision-history', [deployment(), edit(deployment('api'), (d) => { d.spec.revisionHistoryLimit = 1; })])).toEqual([]);
  });

  test('fails when revisionHistoryLimit is 0 (trial V7: nothing for kubectl rollout undo)', () => {
    expect(lines('practice-revision-history', [edit(deployment(), (d) => { d.spec.revisionHistoryLimit = 0; }), statefulSet(1, 0, { revisionHistoryLimit: 0 })])).toEqual([
      "warning: [test.yaml] Deployment shop/web 'spec.revisionHistoryLimit' is 0: no old revision is kept, so `kubectl rollout undo` has nothing to go back to, got 0. Allowed: 1 or more. Fix: keep a few: remove it (timonel's constructs keep 5; Kubernetes, 10), or set 1 or more (timonel: rollout: { revisionHistoryLimit: 5 }, or leave it out)",
      "warning: [test.yaml] StatefulSet shop/db 'spec.revisionHistoryLimit' is 0: no old revision is kept, so `kubectl rollout undo` has nothing to go back to, got 0. Allowed: 1 or more. Fix: keep a few: remove it (timonel's constructs keep 5; Kubernetes, 10), or set 1 or more (timonel: revisionHistoryLimit: 5, or leave it out) (on a StatefulSet it cannot change once created)",
    ]);
  });
});

describe('practice-progress-deadline', () => {
  test('passes a deadline above the startup budget, and pods without a startup probe', () => {
    expect(lines('practice-progress-deadline', [deployment(), withStartup({ periodSeconds: 5, failureThreshold: 30 }, { progressDeadlineSeconds: 600, minReadySeconds: 5 })])).toEqual([]);
  });

  test('fails when the deadline is below the startup budget (trial V7: a slow healthy start is reported failed)', () => {
    const slowDefault = edit(withStartup({ periodSeconds: 10, failureThreshold: 90 }), (d) => { d.metadata.name = 'slow'; });
    expect(lines('practice-progress-deadline', [withStartup({ periodSeconds: 5, failureThreshold: 30 }, { progressDeadlineSeconds: 10, minReadySeconds: 5 }), slowDefault])).toEqual([
      "warning: [test.yaml] Deployment shop/web 'spec.progressDeadlineSeconds' is 10 s, but a pod may take 150 s to start by the startup probe of container 'main' (initialDelaySeconds + periodSeconds × failureThreshold) and 5 s more to count as available (minReadySeconds): a slow but healthy start is reported as ProgressDeadlineExceeded, got 10. Allowed: at least 155. Fix: raise progressDeadlineSeconds to 155 or more (e.g. 600; timonel: rollout: { progressDeadlineSeconds: 600 }), or give the startup probe a smaller failureThreshold if the app starts faster",
      "warning: [test.yaml] Deployment shop/slow 'spec.progressDeadlineSeconds' is 600 s (Kubernetes' default), but a pod may take 900 s to start by the startup probe of container 'main' (initialDelaySeconds + periodSeconds × failureThreshold): a slow but healthy start is reported as ProgressDeadlineExceeded, got 600. Allowed: at least 900. Fix: raise progressDeadlineSeconds to 900 or more (e.g. 960; timonel: rollout: { progressDeadlineSeconds: 960 }), or give the startup probe a smaller failureThreshold if the app starts faster",
    ]);
  });
});

describe('practice-statefulset-partition', () => {
  test('passes a partition below the replicas, and OnDelete', () => {
    expect(lines('practice-statefulset-partition', [statefulSet(3, 2), statefulSet(3, 0)])).toEqual([]);
    expect(lines('practice-statefulset-partition', [edit(statefulSet(3, 5), (s) => { s.spec.updateStrategy = { type: 'OnDelete' }; })])).toEqual([]);
  });

  test('fails when the partition is at or above the replicas (trial V7: no pod is ever updated)', () => {
    expect(lines('practice-statefulset-partition', [statefulSet(3, 5), statefulSet(undefined, 1)])).toEqual([
      "warning: [test.yaml] StatefulSet shop/db 'spec.updateStrategy.rollingUpdate.partition' is 5, and the 3 pods have ordinals 0 to 2: no pod is at or above the partition, so a new pod template reaches none of them, got 5. Allowed: below 3 (0 updates every pod). Fix: lower it to 2 to update the last pod first, or to 0 to finish the rollout; to hold every pod on purpose, suppress this rule with the reason (Policy.suppress(store, 'practice-statefulset-partition', '…'))",
      "warning: [test.yaml] StatefulSet shop/db 'spec.updateStrategy.rollingUpdate.partition' is 1, and the 1 pod has ordinal 0: no pod is at or above the partition, so a new pod template reaches none of them, got 1. Allowed: below 1 (0 updates every pod). Fix: lower it to 0; to hold every pod on purpose, suppress this rule with the reason (Policy.suppress(store, 'practice-statefulset-partition', '…'))",
    ]);
  });
});

describe('practice-surge-host-port', () => {
  const agent = (rollingUpdate: Record<string, unknown> | undefined, pod: (spec: any) => void) => edit(deployment('agent'), (d) => {
    d.kind = 'DaemonSet';
    delete d.spec.replicas;
    if (rollingUpdate) d.spec.updateStrategy = { type: 'RollingUpdate', rollingUpdate };
    pod(d.spec.template.spec);
  });
  const hostPort = (spec: any) => { spec.containers[0].ports = [{ containerPort: 24224, hostPort: 24224, name: 'forward' }]; };
  const hostNetwork = (spec: any) => { spec.hostNetwork = true; };

  test('passes a surge without host ports, and host ports without a surge (the default)', () => {
    expect(lines('practice-surge-host-port', [agent({ maxSurge: 1, maxUnavailable: 0 }, () => undefined), agent(undefined, hostPort), agent({ maxSurge: 0, maxUnavailable: 1 }, hostNetwork)])).toEqual([]);
  });

  test('fails when a DaemonSet holding a port of its node updates with a surge (trial Y, Y2: NodeAgent refused it, timonel check did not)', () => {
    expect(lines('practice-surge-host-port', [agent({ maxSurge: 1, maxUnavailable: 0 }, hostPort)])).toEqual([
      "error: [test.yaml] DaemonSet shop/agent 'spec.updateStrategy.rollingUpdate.maxSurge' must be 0 when the pods hold a port of the node (hostPort 24224): the surge pod would start on the same node while the old pod holds it, so it never schedules and the update stalls forever, got 1. Allowed: 0 (the default). Fix: update one node at a time: maxSurge: 0, maxUnavailable: 1 (timonel: NodeAgent update: { maxSurge: 0, maxUnavailable: 1 })",
    ]);
    expect(lines('practice-surge-host-port', [agent({ maxSurge: '10%', maxUnavailable: 0 }, hostNetwork)])).toEqual([
      expect.stringContaining("'spec.updateStrategy.rollingUpdate.maxSurge' must be 0 when the pods hold a port of the node (port 8080 on the host network)"),
    ]);
  });
});

describe('the rollout rules over what timonel writes', () => {
  const RULES = ['api-rolling-update', 'practice-pdb-blocks-eviction', 'practice-replicas-with-autoscaler', 'practice-revision-history', 'practice-progress-deadline', 'practice-statefulset-partition', 'practice-surge-host-port'];
  const only = (objs: any[]) => summary(objs).filter((s) => RULES.includes(s.split(':')[0]));

  test("the constructs' defaults, autoscaling, budgets and stores trigger none of them", () => {
    const chart = newChart('shop');
    new WebApp(chart, 'web', { image: 'ghcr.io/acme/web:1.0.0', autoscaling: { minReplicas: 2, maxReplicas: 6 } });
    new WebApp(chart, 'api', { image: 'ghcr.io/acme/api:1.0.0', replicas: 3 });
    new StatefulStore(chart, 'kv', { image: 'ghcr.io/acme/kv:1.0.0', port: 7000, replicas: 3, partition: 2 });
    new NodeAgent(chart, 'agent', { image: 'ghcr.io/acme/agent:1.0.0' });
    new NodeAgent(chart, 'shipper', { image: 'ghcr.io/acme/shipper:1.0.0', hostPorts: [{ name: 'forward', port: 24224, reason: 'applications send logs to the node agent on its node' }] });
    expect(only(synth(chart))).toEqual([]);
  });

  test('the risky choices of V7 made through the constructs are warnings at synth', () => {
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const chart = newChart('shop');
      new WebApp(chart, 'web', { image: 'ghcr.io/acme/web:1.0.0', rollout: { progressDeadlineSeconds: 10, revisionHistoryLimit: 0 }, startup: Probe.http('/healthz') });
      new StatefulStore(chart, 'kv', { image: 'ghcr.io/acme/kv:1.0.0', port: 7000, replicas: 3, partition: 5 });
      expect(only(synth(chart)).sort()).toEqual([
        'practice-progress-deadline: spec.progressDeadlineSeconds',
        'practice-revision-history: spec.revisionHistoryLimit',
        'practice-statefulset-partition: spec.updateStrategy.rollingUpdate.partition',
      ]);
    } finally {
      stderr.mockRestore();
    }
  });
});

describe('timonel check over the trial V hand-written deadlocks', () => {
  test('reports the strategy, the budgets and the replicas beside the HPA (trial V5: only Pod Security and spread were reported)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'timonel-rollouts-'));
    try {
      fs.writeFileSync(path.join(dir, 'deadlock.yaml'), DEADLOCK);
      const root = path.join(__dirname, '..', '..', '..');
      const r = spawnSync(process.execPath, [path.join(root, 'bin/timonel.js'), 'check', '--format', 'json', dir], { cwd: root, encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
      const findings: string[] = JSON.parse(r.stdout).findings.map((f: any) => `${f.ruleId} ${f.object.kind}/${f.object.name} ${f.field}`);
      expect(findings.filter((f) => /^(api-rolling-update|practice-(pdb-blocks-eviction|replicas-with-autoscaler)) /.test(f))).toEqual([
        'practice-replicas-with-autoscaler Deployment/api spec.replicas',
        'api-rolling-update Deployment/api spec.strategy.rollingUpdate.maxUnavailable',
        'practice-pdb-blocks-eviction PodDisruptionBudget/api spec.minAvailable',
        'practice-pdb-blocks-eviction PodDisruptionBudget/db spec.maxUnavailable',
        'practice-pdb-blocks-eviction PodDisruptionBudget/api-pct spec.minAvailable',
      ]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
