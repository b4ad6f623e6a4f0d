import { ApiObject, JsonPatch } from 'cdk8s';
import { Construct } from 'constructs';
import { TimonelChart } from '../../src/app/chart';
import { Redis } from '../../src/constructs/presets/redis';
import { StatefulStore, StoreCredentials } from '../../src/constructs/stateful-store';
import { WebApp } from '../../src/constructs/web-app';
import { Worker, WorkerProps } from '../../src/constructs/worker';
import { TimonelError } from '../../src/core/errors';
import { Probe } from '../../src/core/probes';
import { ConfigExposure } from '../../src/workload/workload';
import { NetworkAccess } from '../../src/workload/network';
import { DEFAULTS } from '../../src/core/defaults';
import { TrafficEvaluator } from '../../src/policies/traffic';
import { Policy } from '../../src/policies/policy';
import { expectValidManifests } from '../support/schema';
import { findObject, findObjects, podSpecOf, synth } from '../../src/testing';
import '../../src/testing/jest';
import { newChart } from '../support/util';

const IMAGE = 'ghcr.io/acme/orders-worker:2.0.1';

function render(props: Partial<WorkerProps> = {}, chartProps = {}): any[] {
  const chart = newChart('shop', chartProps);
  new Worker(chart, 'orders', { image: IMAGE, ...props });
  return synth(chart);
}

function build(props: Partial<WorkerProps>): () => void {
  return () => new Worker(newChart('shop'), 'orders', { image: IMAGE, ...props });
}

describe('Worker defaults', () => {
  test('matches the defaults snapshot', () => {
    expect(render()).toMatchSnapshot();
  });

  test('emits a ServiceAccount, a Deployment, a PDB and an ingress-denying NetworkPolicy: no Service, no port', () => {
    const objs = render();
    expect(objs.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'NetworkPolicy/shop-orders',
      'ServiceAccount/shop-orders',
      'Deployment/shop-orders',
      'PodDisruptionBudget/shop-orders',
    ]);
    expect(findObject(objs, 'NetworkPolicy').spec).toEqual({
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'orders', 'app.kubernetes.io/instance': 'shop-orders' } },
      policyTypes: ['Ingress'],
      ingress: [],
    });
    const c = podSpecOf(findObject(objs, 'Deployment')).containers[0];
    expect(c.ports).toBeUndefined();
  });

  test('two replicas, spread over zones and hosts, rolled out without losing a consumer', () => {
    const spec = findObject(render(), 'Deployment').spec;
    expect(spec.replicas).toBe(2);
    expect(spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: '25%' } });
    expect(spec.template.spec.topologySpreadConstraints.map((t: any) => t.topologyKey)).toEqual([
      'topology.kubernetes.io/zone', 'kubernetes.io/hostname',
    ]);
  });

  test('pods get the same restricted defaults as every workload, with no probes and no preStop pause', () => {
    const pod = podSpecOf(findObject(render(), 'Deployment'));
    const c = pod.containers[0];
    expect(pod.securityContext).toEqual({
      runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001, seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(c.securityContext).toEqual({
      allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ['ALL'] },
    });
    expect(c.resources).toEqual({ requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } });
    expect(pod.automountServiceAccountToken).toBe(false);
    expect([c.livenessProbe, c.readinessProbe, c.startupProbe, c.lifecycle]).toEqual([undefined, undefined, undefined, undefined]);
  });

  test('the restricted profile finds nothing but the missing probes (a warning)', () => {
    const chart = newChart('shop', { namespace: 'shop' });
    new Worker(chart, 'orders', { image: IMAGE });
    expect(chart).toPassPolicies('restricted');
    synth(chart);
    const report = Policy.lastReport(chart)!;
    expect(report.errors).toEqual([]);
    expect(report.warnings.map((f) => f.ruleId)).toEqual(['practice-probes']);
  });

  test('validates against the Kubernetes 1.28 schema with every option on', () => {
    const objs = render({
      autoscaling: { minReplicas: 2, maxReplicas: 6, memoryUtilization: 80 },
      liveness: Probe.exec(['test', '-f', '/tmp/alive']),
      config: { QUEUE: 'orders' },
      rollout: { maxSurge: 1, maxUnavailable: 1 },
    }, { namespace: 'shop' });
    expectValidManifests(objs);
  });
});

describe('Worker props', () => {
  test('replicas: 1 drops the PDB and the spread; replicas: 0 stops the worker', () => {
    const one1 = render({ replicas: 1 });
    expect(findObjects(one1, 'PodDisruptionBudget')).toHaveLength(0);
    expect(podSpecOf(findObject(one1, 'Deployment')).topologySpreadConstraints).toBeUndefined();
    expect(findObject(render({ replicas: 0 }), 'Deployment').spec.replicas).toBe(0);
  });

  test('fails when disruptionBudget: true is asked of one replica (it used to be dropped silently)', () => {
    expect(() => render({ replicas: 1, disruptionBudget: true })).toThrow(/\[shop\/orders\] 'disruptionBudget' is requested with 1 replica: .*protect nothing, got true\. .*Fix: run 2 or more: replicas: 2/);
    expect(findObjects(render({ replicas: 2, disruptionBudget: true }), 'PodDisruptionBudget')).toHaveLength(1);
  });

  test('disruptionBudget: false, spread: false and isolate: false opt out', () => {
    const objs = render({ disruptionBudget: false, spread: false, isolate: false });
    expect(findObjects(objs, 'PodDisruptionBudget')).toHaveLength(0);
    expect(findObjects(objs, 'NetworkPolicy')).toHaveLength(0);
    expect(podSpecOf(findObject(objs, 'Deployment')).topologySpreadConstraints).toBeUndefined();
  });

  test('autoscaling on memory only: an HPA on the Deployment, no fixed replicas', () => {
    const objs = render({ autoscaling: { minReplicas: 3, maxReplicas: 12, memoryUtilization: 75 } });
    expect(findObject(objs, 'Deployment').spec.replicas).toBeUndefined();
    const hpa = findObject(objs, 'HorizontalPodAutoscaler');
    expect(hpa.spec).toEqual({
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'shop-orders' },
      minReplicas: 3,
      maxReplicas: 12,
      metrics: [{ type: 'Resource', resource: { name: 'memory', target: { type: 'Utilization', averageUtilization: 75 } } }],
    });
  });

  test('autoscaling with defaults: 2–10 at 70% CPU', () => {
    const hpa = findObject(render({ autoscaling: {} }), 'HorizontalPodAutoscaler');
    expect([hpa.spec.minReplicas, hpa.spec.maxReplicas, hpa.spec.metrics[0].resource]).toEqual([
      2, 10, { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } },
    ]);
  });

  test('exec probes are rendered with the default timing', () => {
    const c = podSpecOf(findObject(render({ liveness: Probe.exec(['test', '-f', '/tmp/alive'], { periodSeconds: 30 }) }), 'Deployment')).containers[0];
    expect(c.livenessProbe).toEqual({
      exec: { command: ['test', '-f', '/tmp/alive'] },
      initialDelaySeconds: 0, periodSeconds: 30, timeoutSeconds: 2, failureThreshold: 3, successThreshold: 1,
    });
  });

  test('config as files, with the checksum that rolls the pods', () => {
    const objs = render({ config: { 'worker.yaml': 'batch: 10\n' }, configAs: ConfigExposure.FILES });
    const d = findObject(objs, 'Deployment');
    expect(d.spec.template.metadata.annotations['timonel.dev/config-checksum']).toMatch(/^[0-9a-f]{64}$/);
    expect(d.spec.template.spec.containers[0].volumeMounts).toContainEqual({ name: 'config', mountPath: '/etc/config', readOnly: true });
  });

  test('rollout options reach the Deployment', () => {
    const spec = findObject(render({ rollout: { maxSurge: 0, maxUnavailable: '50%', revisionHistoryLimit: 2 } }), 'Deployment').spec;
    expect(spec.strategy.rollingUpdate).toEqual({ maxUnavailable: '50%', maxSurge: 0 });
    expect(spec.revisionHistoryLimit).toBe(2);
  });
});

describe('Worker connections', () => {
  test('connectTo in props: env, an egress policy from the worker and an ingress policy to the store', () => {
    const chart = newChart('shop', { namespace: 'shop' });
    const queue = new Redis(chart, 'queue', { credentials: StoreCredentials.fromSecret('queue-auth') });
    const w = new Worker(chart, 'orders', { image: IMAGE, connectTo: [queue] });
    const objs = synth(chart);
    const env = podSpecOf(findObject(objs, 'Deployment', 'shop-orders')).containers[0].env.map((e: any) => e.name);
    expect(env).toEqual(expect.arrayContaining(['QUEUE_HOST', 'QUEUE_PORT', 'QUEUE_PASSWORD']));
    expect(objs).toHaveObject('NetworkPolicy', 'shop-orders-to-shop-queue', { spec: { policyTypes: ['Egress'] } });
    expect(objs).toHaveObject('NetworkPolicy', 'shop-queue-from-shop-orders', { spec: { policyTypes: ['Ingress'] } });
    expect(objs).toAllowTraffic(w, queue, 'redis', { defaultNamespace: 'shop' });
    expect(objs).not.toAllowTraffic(queue, w, 8080, { defaultNamespace: 'shop' });
    expect(w.node.dependencies).toContain(queue);
  });

  test('connectTo with options (env prefix) and the connectTo verb later', () => {
    const chart = newChart('shop', { namespace: 'shop' });
    const api = new WebApp(chart, 'api', { image: 'ghcr.io/acme/api:1.0.0' });
    const queue = new Redis(chart, 'queue', { credentials: StoreCredentials.fromSecret('queue-auth') });
    const w = new Worker(chart, 'orders', { image: IMAGE, connectTo: [{ target: queue, options: { envPrefix: 'BROKER' } }] });
    w.connectTo(api);
    const env = podSpecOf(findObject(synth(chart), 'Deployment', 'shop-orders')).containers[0].env.map((e: any) => e.name);
    expect(env).toEqual(expect.arrayContaining(['BROKER_HOST', 'API_HOST', 'API_PORT']));
  });

  test.each<[string, (queue: any, chart: any) => unknown, string | RegExp]>([
    ['a connection item has a typo of options', (queue) => ({ target: queue, option: { envPrefix: 'BROKER' } }),
      `[shop/orders] 'connectTo[0].option' is not a known connection field, got {"envPrefix":"BROKER"}. Allowed: 'target', 'options'. Fix: did you mean 'options'?`],
    ['a connection option has a typo', (queue) => ({ target: queue, options: { envFrom: 'addr' } }),
      "[shop/orders] 'connectTo[0].options.envFrom' is not a known option of connectTo, got 'addr'. Allowed: 'allowCrossNamespace', 'dns', 'envPrefix', 'env', 'envForm', 'url', 'credentials', 'containers'. Fix: did you mean 'envForm'?"],
    ['a connection names an unknown env form', (queue) => ({ target: queue, options: { envForm: ['addr', 'uri'] } }),
      "[shop/orders] 'connectTo[0].options.envForm[1]' is not one of the allowed values, got 'uri'. Allowed: 'host-port', 'addr', 'url', 'none'. Fix: did you mean 'url'?"],
    ['a connection target is a Service of a store', (queue) => queue.service,
      /^\[shop\/orders\] 'connectTo\[0\]' is given a part of 'shop\/queue', not the workload, got 'shop\/queue\/Service'\..*Fix: connect to the workload itself: worker\.connectTo\(queue\)$/],
    ['a connection target is the chart', (_queue, chart) => ({ target: chart }),
      "[shop/orders] 'connectTo[0].target' is given a chart, but connects to one workload, got 'shop'. Allowed: a timonel workload that serves a port: a WebApp, a StatefulStore, a preset such as PostgreSQL or Redis, or another IConnectable. Fix: connect to a workload of the chart, e.g. worker.connectTo(queue) (the ones that serve a port: queue)"],
    ['a connection item has two problems', (queue) => ({ target: queue, option: {}, other: queue }),
      /'connectTo\[0\]\.option' is not a known connection field.*\n.*'connectTo\[0\]\.other' is not a known connection field, got 'shop\/queue'/],
    ['a connection target is a name', () => 'queue',
      "[shop/orders] 'connectTo[0]' must be a StatefulStore, a WebApp or another timonel workload that serves a port, or { target, options }, but is a string, got 'queue'"],
    // Checked when connecting (they depend on the pod or the target), at the path the user wrote.
    ['a connection names a container the pod lacks', (queue) => ({ target: queue, options: { containers: ['main', 'migrate'] } }),
      "[shop/orders] 'connectTo[0].options.containers[1]' names no container of the pod, got 'migrate'. Allowed: 'main', 'all', or a list of 'main'. Fix: add the container as a sidecar or init container first, or fix the name"],
    ['a connection asks for a URL of a store without a scheme', (_queue, chart) => ({ target: new StatefulStore(chart, 'docs', { image: 'mongo:7.0.12', port: 27017 }), options: { envForm: 'url' } }),
      "[shop/orders] 'connectTo[0].options.url.scheme' is needed: the target has no URL scheme of its own"],
    ['a connection options combine envForm none with env', (queue) => ({ target: queue, options: { envForm: 'none', env: { host: 'Q' } } }),
      "[shop/orders] 'connectTo[0].options.envForm' is 'none', so 'env' and 'url' would be ignored, got 'none'. Allowed: 'none' without 'env' and 'url'. Fix: remove 'env' and 'url', or choose a form"],
  ])('fails when %s, naming it inside the item', (_what, item, message) => {
    const chart = newChart('shop', { namespace: 'shop' });
    const queue = new Redis(chart, 'queue', { credentials: StoreCredentials.fromSecret('queue-auth') });
    expect(() => new Worker(chart, 'orders', { image: IMAGE, connectTo: [item(queue, chart) as any] })).toThrow(message);
  });

  test('fails when a connection crosses namespaces without the option, naming the item and its options', () => {
    const chart = newChart('shop', { namespace: 'shop' });
    const other = new TimonelChart(chart.node.scope as Construct, 'other', { namespace: 'other' });
    const api = new WebApp(other, 'api', { image: 'ghcr.io/acme/api:1.0.0' });
    expect(() => new Worker(chart, 'orders', { image: IMAGE, connectTo: [{ target: api, options: { envPrefix: 'API' } }] })).toThrow(
      "[shop/orders] 'connectTo[0]' reaches 'other/api' in namespace 'other' from namespace 'shop' without a cross-namespace allowance, got 'other/api'. "
      + "Allowed: a target in the same namespace, or the option { allowCrossNamespace: true }. Fix: add allowCrossNamespace: true to 'connectTo[0].options' if this traffic is intended",
    );
  });

  test('fails when something tries to allow traffic to a worker: it serves no port', () => {
    const chart = newChart('shop', { namespace: 'shop' });
    const api = new WebApp(chart, 'api', { image: 'ghcr.io/acme/api:1.0.0' });
    const w = new Worker(chart, 'orders', { image: IMAGE });
    expect(() => w.allowFrom(api)).toThrow(/\[shop\/orders\] 'allowFrom' needs a workload that serves a port/);
  });
});

describe('Worker metrics', () => {
  test('an HTTP or TCP probe of the metrics port is accepted (the practice-probes fix for a worker with metrics asks for one; trial N)', () => {
    const objs = render({ metrics: { port: 9394 }, readiness: Probe.http('/metrics', { port: 'metrics' }), liveness: Probe.tcp({ port: 9394 }) }, { namespace: 'shop' });
    const c = podSpecOf(findObject(objs, 'Deployment')).containers[0];
    expect(c.readinessProbe.httpGet).toEqual({ path: '/metrics', port: 'metrics' });
    expect(c.livenessProbe.tcpSocket).toEqual({ port: 9394 });
  });

  const SELECTOR = { 'app.kubernetes.io/name': 'orders', 'app.kubernetes.io/instance': 'shop-orders' };
  const PROMETHEUS = { namespace: 'monitoring', labels: { 'app.kubernetes.io/name': 'prometheus' } };

  test('metrics: a container port named metrics, a headless Service <name>-metrics with only it, and a ServiceMonitor', () => {
    const objs = render({ metrics: { port: 9394 } }, { namespace: 'shop' });
    expect(objs.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'Namespace/shop', 'NetworkPolicy/shop-orders', 'ServiceAccount/shop-orders', 'Service/shop-orders-metrics', 'Deployment/shop-orders',
      'PodDisruptionBudget/shop-orders', 'ServiceMonitor/shop-orders',
    ]);
    expect(podSpecOf(findObject(objs, 'Deployment')).containers[0].ports).toEqual([{ name: 'metrics', containerPort: 9394, protocol: 'TCP' }]);
    expect(findObject(objs, 'Service', 'shop-orders-metrics').spec).toEqual({
      clusterIP: 'None', selector: SELECTOR, ports: [{ name: 'metrics', port: 9394, targetPort: 'metrics', protocol: 'TCP' }],
    });
    expect(findObject(objs, 'ServiceMonitor').spec).toEqual({
      selector: { matchLabels: SELECTOR, matchExpressions: [{ key: 'timonel.dev/extra-service', operator: 'DoesNotExist' }] }, endpoints: [{ port: 'metrics', path: '/metrics', interval: '30s' }],
    });
    expectValidManifests(objs.filter((o) => o.kind !== 'ServiceMonitor'));
  });

  test('metrics.path, .interval and .labels, as on a WebApp', () => {
    const sm = findObject(render({ metrics: { port: 9394, path: '/stats', interval: '15s', labels: { release: 'kube-prometheus-stack' } } }), 'ServiceMonitor');
    expect(sm.spec.endpoints).toEqual([{ port: 'metrics', path: '/stats', interval: '15s' }]);
    expect(sm.metadata.labels.release).toBe('kube-prometheus-stack');
  });

  test('the NetworkPolicy admits Prometheus on the metrics port, and nothing else is newly allowed (TrafficEvaluator)', () => {
    const verdicts = (metrics: boolean) => {
      const chart = newChart('shop', { namespace: 'shop' });
      const api = new WebApp(chart, 'api', { image: 'ghcr.io/acme/api:1.0.0' });
      const orders = new Worker(chart, 'orders', { image: IMAGE, ...(metrics ? { metrics: { port: 9394 } } : {}) });
      orders.connectTo(api);
      const t = TrafficEvaluator.fromManifests(synth(chart));
      const peers: Record<string, any> = {
        prometheus: PROMETHEUS, otherPrometheus: { namespace: 'monitoring', labels: { app: 'vmagent' } }, stranger: { namespace: 'other', labels: { app: 'x' } },
        api: { workload: 'shop-api', namespace: 'shop' }, orders: { workload: 'shop-orders', namespace: 'shop' }, internet: { ip: '203.0.113.7' },
      };
      const out: string[] = [];
      for (const [name, from] of Object.entries(peers)) {
        for (const [target, port] of [['shop-orders', 9394], ['shop-orders', 8080], ['shop-orders', 9090], ['shop-api', 8080], ['shop-api', 9394]] as const) {
          if (t.allows({ from, to: { workload: target, namespace: 'shop' }, port })) out.push(`${name} -> ${target}:${port}`);
        }
      }
      return out;
    };
    const before = verdicts(false);
    const after = verdicts(true);
    expect(after.filter((v) => !before.includes(v))).toEqual(['prometheus -> shop-orders:9394']);
    expect(before.filter((v) => !after.includes(v))).toEqual([]);
  });

  test("metrics.scraper, else the chart's traffic.prometheus, is the one admitted", () => {
    const vm = { namespace: 'vm', podLabels: { app: 'vmagent' } };
    for (const objs of [render({ metrics: { port: 9394, scraper: vm } }, { namespace: 'shop' }), render({ metrics: { port: 9394 } }, { namespace: 'shop', traffic: { prometheus: vm } })]) {
      const t = TrafficEvaluator.fromManifests(objs);
      const to = { workload: 'shop-orders', namespace: 'shop' };
      expect(t.allows({ from: { namespace: 'vm', labels: { app: 'vmagent' } }, to, port: 9394 })).toBe(true);
      expect(t.allows({ from: PROMETHEUS, to, port: 9394 })).toBe(false);
    }
  });

  test('isolate: false keeps no NetworkPolicy (every pod may connect, as before); the ServiceMonitor stays', () => {
    const objs = render({ metrics: { port: 9394 }, isolate: false });
    expect(findObjects(objs, 'NetworkPolicy')).toEqual([]);
    expect(objs).toHaveObject('ServiceMonitor', 'shop-orders');
  });

  test('networkPolicy is the policy the scraper is admitted by, and NetworkAccess adds to it', () => {
    const chart = newChart('shop', { namespace: 'shop' });
    const w = new Worker(chart, 'orders', { image: IMAGE, metrics: { port: 9394 } });
    expect(w.networkPolicy).toBe(NetworkAccess.of(w).ingressPolicy);
    NetworkAccess.of(w).admitIngressController({ ports: [9394], controller: { namespace: 'vm', podLabels: { app: 'vmagent' } } });
    expect(findObjects(synth(chart), 'NetworkPolicy').map((o) => o.metadata.name)).toEqual(['shop-orders']);
    expect(w.metricsService!.name).toBe('shop-orders-metrics');
    expect(w.serviceMonitor!.name).toBe('shop-orders');
  });

  test('fails when connectTo targets a worker with metrics: it stays a client only', () => {
    const chart = newChart('shop', { namespace: 'shop' });
    const w = new Worker(chart, 'orders', { image: IMAGE, metrics: { port: 9394 } });
    const api = new WebApp(chart, 'api', { image: 'ghcr.io/acme/api:1.0.0' });
    expect(() => api.connectTo(w as any)).toThrow(
      "[shop/api] 'connectTo' is given a workload that serves no port, so nothing can connect to it, got 'shop/orders'. "
      + 'Allowed: a timonel workload that serves a port: a WebApp, a StatefulStore, a preset such as PostgreSQL or Redis, or another IConnectable. '
      + 'Fix: for traffic the other way, write orders.connectTo(api); only a workload that serves a port (a WebApp, a StatefulStore) can be connected to',
    );
  });

  test('fails when Prometheus is allowed in with allowFrom: the fix is metrics', () => {
    const chart = newChart('shop', { namespace: 'shop' });
    const w = new Worker(chart, 'orders', { image: IMAGE });
    const got = '{"namespace":"monitoring","podLabels":{"app.kubernetes.io/name":"prometheus"}}';
    const head = "[shop/orders] 'allowFrom' needs a workload that serves a port (a Service), so there is something to allow traffic to, got ";
    const allowed = '. Allowed: a StatefulStore, a WebApp or another IConnectable. Fix: ';
    expect(() => w.allowFrom(DEFAULTS.traffic.prometheus)).toThrow(
      `${head}${got}${allowed}orders serves no port, and admits only a metrics scraper: to let these pods scrape its metrics, declare its metrics port in its props, `
      + "e.g. metrics: { port: 9394 } (the scraper is admitted on that port only; a headless Service '<name>-metrics' and a ServiceMonitor come with it); "
      + 'for a process that serves clients, use a WebApp',
    );
    expect(() => w.allowFrom({ namespace: 'vm', podLabels: { app: 'vmagent' } })).toThrow(
      "e.g. metrics: { port: 9394, scraper: { namespace: 'vm', podLabels: { app: 'vmagent' } } } (the scraper",
    );
    const scraped = new Worker(chart, 'mailer', { image: IMAGE, metrics: { port: 9394 } });
    expect(() => scraped.allowFrom(DEFAULTS.traffic.prometheus)).toThrow(
      `${head.replace('orders', 'mailer')}${got}${allowed}remove the call: metrics.port 9394 already admits these pods (metrics.scraper)`,
    );
    expect(() => scraped.allowFrom({ namespace: 'vm', podLabels: { app: 'vmagent' } })).toThrow(
      "Fix: to let these pods scrape mailer's metrics instead of { namespace: 'monitoring', podLabels: { 'app.kubernetes.io/name': 'prometheus' } }, "
      + "set metrics: { port: 9394, scraper: { namespace: 'vm', podLabels: { app: 'vmagent' } } }; "
      + "to admit them as well, NetworkAccess.of(mailer).admitIngressController({ ports: [9394], controller: { namespace: 'vm', podLabels: { app: 'vmagent' } } })",
    );
  });

  test('fails when metrics has no port', () => {
    expect(build({ metrics: {} as any })).toThrow(
      "[shop/orders] 'metrics.port' is required: a Worker has no main port to scrape, got undefined. Allowed: an integer from 1 to 65535. "
      + 'Fix: give the port the process exports metrics on, e.g. metrics: { port: 9394 }',
    );
    expect(build({ metrics: 9394 as any })).toThrow(
      "[shop/orders] 'metrics' must be an object, but is a number, got 9394. Allowed: an object. Fix: write metrics: { port: 9394 }",
    );
  });

  test('fails when the port is declared as a port of the worker instead of metrics', () => {
    expect(build({ extraPorts: [{ name: 'metrics', port: 9394 }] } as any)).toThrow(
      "[shop/orders] 'extraPorts' is not a known prop: a Worker serves no port (it gets no Service), got [{\"name\":\"metrics\",\"port\":9394}]. "
      + "Allowed: the props of Worker, such as 'image', 'allowUnpinnedImage', 'command', 'args', 'workingDir', 'env' (41 in all: docs/worker.md). "
      + 'Fix: for Prometheus metrics: metrics: { port: 9394 } (only the scraper is admitted to it); for a server others connect to, a WebApp',
    );
  });

  test('fails when a sidecar port takes the name metrics', () => {
    expect(build({ metrics: { port: 9394 }, sidecars: [{ name: 'proxy', image: 'ghcr.io/acme/proxy:1.0.0', ports: [{ name: 'metrics', port: 9000 }] }] })).toThrow(
      "[shop/orders] 'sidecars[0].ports[0].name' is already a port name of the main container, got 'metrics'. Allowed: port names unique in the pod. Fix: rename the port",
    );
  });

  test('fails when the metrics Service name would be over 63 characters', () => {
    expect(build({ name: 'o'.repeat(60), metrics: { port: 9394 } })).toThrow(
      `[shop/orders] 'metrics.port' makes the Service name '${'o'.repeat(60)}-metrics' 68 characters long, over the 63 of a DNS label, got 9394. `
      + "Allowed: a name of at most 55 characters for a workload with metrics. Fix: shorten the workload's name ('name', or its id) by 5 characters",
    );
  });

  test('fails when metrics.labels sets a label timonel sets', () => {
    expect(build({ metrics: { port: 9394, labels: { 'app.kubernetes.io/name': 'x' } } })).toThrow(
      "[shop/orders] 'metrics.labels.app.kubernetes.io/name' is a label timonel sets on every object, got 'x'. "
      + "Allowed: a label key other than 'app.kubernetes.io/name', 'app.kubernetes.io/instance', 'app.kubernetes.io/version', 'app.kubernetes.io/part-of', 'app.kubernetes.io/managed-by'. "
      + 'Fix: use another key (a Prometheus selects ServiceMonitors by a label of its own, e.g. release)',
    );
  });
});

describe('Worker escape hatches', () => {
  test('children are public and JSON patches apply', () => {
    const chart = newChart('shop');
    const w = new Worker(chart, 'orders', { image: IMAGE });
    expect(w.node.defaultChild).toBe(w.deployment);
    ApiObject.of(w.deployment).addJsonPatch(JsonPatch.add('/spec/paused', true));
    expect(findObject(synth(chart), 'Deployment').spec.paused).toBe(true);
  });
});

describe('Worker bad input', () => {
  test.each([
    ['replicas < 0', { replicas: -1 }, /\[shop\/orders\] 'replicas' must be a whole number of at least 0, got -1/],
    ['replicas is 1.5', { replicas: 1.5 }, /'replicas' must be a whole number of at least 0, got 1\.5/],
    ['replicas is set with autoscaling', { replicas: 3, autoscaling: {} }, /'replicas' cannot be set with autoscaling: the autoscaler owns the replica count, got 3/],
    ['autoscaling min > max', { autoscaling: { minReplicas: 5, maxReplicas: 3 } }, /'autoscaling\.maxReplicas' must be a whole number ≥ minReplicas \(5\), got 3/],
    ['autoscaling min is 0', { autoscaling: { minReplicas: 0 } }, /'autoscaling\.minReplicas' must be at least 1, got 0/],
    ['memory target is 101%', { autoscaling: { memoryUtilization: 101 } }, /'autoscaling\.memoryUtilization' must be a percentage of the requests, got 101/],
    ['a probe is HTTP', { liveness: Probe.http('/healthz') }, /'liveness' is an HTTP probe, but a Worker has no port to probe, got 'httpGet'.*Allowed: Probe\.exec/],
    ['a probe is TCP', { readiness: Probe.tcp({ port: 8080 }) }, /'readiness' is a TCP probe, but a Worker has no port to probe/],
    ['a probe reaches another port than the metrics port', { metrics: { port: 9394 }, readiness: Probe.http('/metrics', { port: 8080 }) },
      /'readiness' is an HTTP probe of port 8080, but a Worker's one port is its metrics port, got 8080\. Allowed: Probe\.exec\(\[\.\.\.\]\), an HTTP or TCP probe of port 'metrics' \(9394\), or no probe\. Fix: probe the metrics port: Probe\.http\('\/metrics', \{ port: 'metrics' \}\)/],
    ['a gRPC probe of the metrics port', { metrics: { port: 9394 }, liveness: Probe.grpc({ port: 9394 }) }, /'liveness' is a gRPC probe, but a Worker's one port is its metrics port, which serves HTTP/],
    ['maxSurge and maxUnavailable are both 0', { rollout: { maxSurge: 0 } }, /'rollout\.maxSurge' and maxUnavailable cannot both be 0/],
    ['maxSurge is not a percentage', { rollout: { maxSurge: '25' } }, /'rollout\.maxSurge' must be a pod count or a percentage, got '25'/],
    ['revisionHistoryLimit is negative', { rollout: { revisionHistoryLimit: -1 } }, /'rollout\.revisionHistoryLimit' must be a whole number of at least 0, got -1/],
    ['the image is untagged', { image: 'busybox' }, /'image' has no tag or digest/],
    ['runAsUser is root', { securityContext: { runAsUser: 0 } }, /'securityContext\.runAsUser' must not be 0/],
    ['an env var name is invalid', { env: { '1ABC': '1' } }, /'env' has an invalid variable name, got '1ABC'/],
    ['a mount has no volume', { mounts: [{ volume: 'data', mountPath: '/data' }] }, /'mounts' mounts the volume 'data' in container 'main', but the pod has no such volume/],
  ])('fails when %s', (_what, props, message) => {
    expect(build(props as Partial<WorkerProps>)).toThrow(message);
    expect(build(props as Partial<WorkerProps>)).toThrow(TimonelError);
  });
});

describe('pod props every workload shares', () => {
  test('imagePullSecrets, podAnnotations and podLabels reach the pod template, not the selectors', () => {
    const objs = render({
      imagePullSecrets: ['ghcr-pull'],
      podAnnotations: { 'example.com/team': 'orders' },
      podLabels: { 'example.com/cost-center': 'cc-42' },
      config: { QUEUE: 'orders' },
    });
    const d = findObject(objs, 'Deployment');
    expect(d.spec.template.spec.imagePullSecrets).toEqual([{ name: 'ghcr-pull' }]);
    expect(d.spec.template.metadata.annotations).toEqual({ 'example.com/team': 'orders', 'timonel.dev/config-checksum': expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(d.spec.template.metadata.labels['example.com/cost-center']).toBe('cc-42');
    expect(d.spec.selector.matchLabels['example.com/cost-center']).toBeUndefined();
    expect(d.metadata.labels['example.com/cost-center']).toBeUndefined();
    expectValidManifests(objs);
  });

  test.each([
    ['an image pull secret name is invalid', { imagePullSecrets: ['GHCR'] }, /'imagePullSecrets\[0\]' is not a valid DNS-1123 subdomain, got 'GHCR'.*Fix: write 'ghcr'/],
    ['an image pull secret is listed twice', { imagePullSecrets: ['a', 'a'] }, /'imagePullSecrets\[1\]' names the same Secret twice, got 'a'/],
    ['a pod annotation key is invalid', { podAnnotations: { 'bad key': 'x' } }, /'podAnnotations' has an invalid key, got 'bad key'/],
    ['a pod annotation is timonel\'s', { podAnnotations: { 'timonel.dev/config-checksum': 'x' } }, /'podAnnotations' uses a key under 'timonel\.dev\/', which timonel sets itself/],
    ['a pod label is a recommended label', { podLabels: { 'app.kubernetes.io/name': 'x' } }, /'podLabels' sets a recommended label, which timonel sets from the workload, got 'app\.kubernetes\.io\/name'/],
    ['a pod label has a key of its own under app.kubernetes.io/', { podLabels: { 'app.kubernetes.io/team': 'shop' } },
      "[shop/orders] 'podLabels' uses the prefix 'app.kubernetes.io/', which Kubernetes reserves for its recommended labels, got 'app.kubernetes.io/team'. "
      + "Allowed: a key of your own: no prefix or your own domain's; 'app.kubernetes.io/' keys are timonel's (from the workload). Fix: write 'team' or 'example.com/team' (your own domain)"],
    ['a pod label value is invalid', { podLabels: { team: 'a b' } }, /'podLabels\.team' is not a valid label value, got 'a b'/],
  ])('fails when %s', (_what, props, message) => {
    expect(build(props as Partial<WorkerProps>)).toThrow(message);
    expect(build(props as Partial<WorkerProps>)).toThrow(TimonelError);
  });
});
