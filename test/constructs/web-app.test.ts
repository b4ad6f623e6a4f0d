import { ApiObject, JsonPatch } from 'cdk8s';
import { WebApp, WebAppProps } from '../../src/constructs/web-app';
import { EnvValue } from '../../src/core/env';
import { Probe } from '../../src/core/probes';
import { ConfigExposure } from '../../src/workload/workload';
import { TrafficEvaluator } from '../../src/policies/traffic';
import { selectorMatches } from '../../src/policies/model';
import { expectValidManifests } from '../support/schema';
import { all, newChart, one, podSpec, synth } from '../support/util';
import '../../src/testing/jest';
import { Policy } from '../../src/policies/policy';

const IMAGE = 'ghcr.io/acme/web:1.4.2';

function render(props: Partial<WebAppProps> = {}, chartProps = {}): any[] {
  const chart = newChart('shop', chartProps);
  new WebApp(chart, 'web', { image: IMAGE, ...props });
  return synth(chart);
}

function build(props: Partial<WebAppProps>): () => void {
  return () => new WebApp(newChart('shop'), 'web', { image: IMAGE, ...props });
}

describe('WebApp defaults', () => {
  test('matches the defaults snapshot', () => {
    expect(render()).toMatchSnapshot();
  });

  test('emits ServiceAccount, Service, Deployment and PDB in apply order, named after the ids', () => {
    const objs = render();
    expect(objs.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'ServiceAccount/shop-web',
      'Service/shop-web',
      'Deployment/shop-web',
      'PodDisruptionBudget/shop-web',
    ]);
  });

  test('selectors use only name and instance', () => {
    const objs = render();
    const selector = { 'app.kubernetes.io/name': 'web', 'app.kubernetes.io/instance': 'shop-web' };
    expect(one(objs, 'Deployment').spec.selector.matchLabels).toEqual(selector);
    expect(one(objs, 'Service').spec.selector).toEqual(selector);
    expect(one(objs, 'PodDisruptionBudget').spec.selector.matchLabels).toEqual(selector);
  });

  test('the PodDisruptionBudget lets a drain evict pods that are not Ready (trial V10: they blocked it while the budget was not met)', () => {
    expect(one(render(), 'PodDisruptionBudget').spec).toEqual({
      maxUnavailable: 1, selector: { matchLabels: { 'app.kubernetes.io/name': 'web', 'app.kubernetes.io/instance': 'shop-web' } }, unhealthyPodEvictionPolicy: 'AlwaysAllow',
    });
  });

  test('every object carries the recommended labels, version from the image tag', () => {
    for (const o of render({ component: 'frontend' })) {
      expect(o.metadata.labels).toEqual({
        'app.kubernetes.io/name': 'web',
        'app.kubernetes.io/instance': 'shop-web',
        'app.kubernetes.io/version': '1.4.2',
        'app.kubernetes.io/component': 'frontend',
        'app.kubernetes.io/part-of': 'shop',
        'app.kubernetes.io/managed-by': 'timonel',
      });
    }
  });

  test('rolls out safely: maxUnavailable 0, maxSurge 25%, history, deadlines', () => {
    const spec = one(render(), 'Deployment').spec;
    expect(spec.replicas).toBe(2);
    expect(spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: '25%' } });
    expect(spec.revisionHistoryLimit).toBe(5);
    expect(spec.minReadySeconds).toBe(5);
    expect(spec.progressDeadlineSeconds).toBe(600);
  });

  test('pods are restricted, resource-bounded and stop gracefully', () => {
    const pod = podSpec(one(render(), 'Deployment'));
    const c = pod.containers[0];
    expect(pod.securityContext).toEqual({
      runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001, seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(c.securityContext).toEqual({
      allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ['ALL'] },
    });
    expect(c.resources).toEqual({ requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } });
    expect(c.imagePullPolicy).toBe('IfNotPresent');
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.serviceAccountName).toBe('shop-web');
    expect(pod.terminationGracePeriodSeconds).toBe(30);
    // No preStop pause by default: a `sleep` hook fails in images without one (docs/web-app.md#draining).
    expect(c.lifecycle).toBeUndefined();
    expect(c.volumeMounts).toEqual([{ name: 'tmp', mountPath: '/tmp' }]);
  });

  test('TCP probes on the main port by default, with a startup budget', () => {
    const c = podSpec(one(render(), 'Deployment')).containers[0];
    expect(c.readinessProbe.tcpSocket).toEqual({ port: 'http' });
    expect(c.livenessProbe.tcpSocket).toEqual({ port: 'http' });
    expect(c.startupProbe).toMatchObject({ tcpSocket: { port: 'http' }, periodSeconds: 5, failureThreshold: 30 });
  });

  test('spreads pods over zones and hosts, ScheduleAnyway', () => {
    const spread = podSpec(one(render(), 'Deployment')).topologySpreadConstraints;
    expect(spread.map((s: any) => [s.topologyKey, s.whenUnsatisfiable])).toEqual([
      ['topology.kubernetes.io/zone', 'ScheduleAnyway'],
      ['kubernetes.io/hostname', 'ScheduleAnyway'],
    ]);
  });

  test('Service: ClusterIP, port 80 to the named container port', () => {
    const svc = one(render(), 'Service');
    expect(svc.spec.type).toBe('ClusterIP');
    expect(svc.spec.ports).toEqual([{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }]);
    expect(svc.spec.ipFamilyPolicy).toBeUndefined();
  });
});

describe('WebApp props', () => {
  test('replicas', () => {
    expect(one(render({ replicas: 3 }), 'Deployment').spec.replicas).toBe(3);
  });

  test('one replica: no PDB and no spread', () => {
    const objs = render({ replicas: 1 });
    expect(all(objs, 'PodDisruptionBudget')).toHaveLength(0);
    expect(podSpec(one(objs, 'Deployment')).topologySpreadConstraints).toBeUndefined();
  });

  test('disruptionBudget: false opts out', () => {
    expect(all(render({ disruptionBudget: false }), 'PodDisruptionBudget')).toHaveLength(0);
  });

  test('fails when disruptionBudget: true is asked of fewer than 2 replicas (it used to be dropped silently)', () => {
    expect(() => render({ replicas: 1, disruptionBudget: true })).toThrow("[shop/web] 'disruptionBudget' is requested with 1 replica: a budget of maxUnavailable 1 lets a node drain evict the only pod, so it would protect nothing, got true. Allowed: true with replicas ≥ 2 (the default already adds the budget there). Fix: run 2 or more: replicas: 2; or remove 'disruptionBudget' (a single pod is down while it is moved)");
    expect(() => render({ autoscaling: { minReplicas: 1, maxReplicas: 4, cpuUtilization: 70 }, disruptionBudget: true })).toThrow(/'disruptionBudget' is requested with autoscaling\.minReplicas 1: .*Fix: run 2 or more: autoscaling: \{ minReplicas: 2, … \}/);
    expect(all(render({ replicas: 2, disruptionBudget: true }), 'PodDisruptionBudget')).toHaveLength(1);
  });

  test('spread: false opts out', () => {
    expect(podSpec(one(render({ spread: false }), 'Deployment')).topologySpreadConstraints).toBeUndefined();
  });

  test('port, portName and service port', () => {
    const objs = render({ port: 5000, portName: 'web', service: { port: 8080 } });
    expect(podSpec(one(objs, 'Deployment')).containers[0].ports).toEqual([{ name: 'web', containerPort: 5000, protocol: 'TCP' }]);
    expect(one(objs, 'Service').spec.ports).toEqual([{ name: 'web', port: 8080, targetPort: 'web', protocol: 'TCP' }]);
  });

  test('extraPorts are exposed by the Service', () => {
    const objs = render({ extraPorts: [{ name: 'grpc', port: 9000, servicePort: 9000 }] });
    expect(one(objs, 'Service').spec.ports.map((p: any) => p.name)).toEqual(['http', 'grpc']);
  });

  test('service type and dual stack', () => {
    const svc = one(render({ service: { type: 'LoadBalancer', dualStack: true } }), 'Service');
    expect(svc.spec.type).toBe('LoadBalancer');
    expect(svc.spec.ipFamilyPolicy).toBe('PreferDualStack');
    expect(svc.spec.ipFamilies).toEqual(['IPv4', 'IPv6']);
  });

  test('explicit ipFamilyPolicy and ipFamilies win', () => {
    const svc = one(render({ service: { ipFamilyPolicy: 'RequireDualStack', ipFamilies: ['IPv6', 'IPv4'] } }), 'Service');
    expect(svc.spec.ipFamilyPolicy).toBe('RequireDualStack');
    expect(svc.spec.ipFamilies).toEqual(['IPv6', 'IPv4']);
  });

  test('two families without a policy get a dual-stack one (the API server refuses them under SingleStack)', () => {
    const svc = one(render({ service: { ipFamilies: ['IPv6', 'IPv4'] } }), 'Service');
    expect([svc.spec.ipFamilyPolicy, svc.spec.ipFamilies]).toEqual(['PreferDualStack', ['IPv6', 'IPv4']]);
    const required = one(render({ service: { dualStack: true, ipFamilyPolicy: 'RequireDualStack' } }), 'Service');
    expect([required.spec.ipFamilyPolicy, required.spec.ipFamilies]).toEqual(['RequireDualStack', ['IPv4', 'IPv6']]);
  });

  test.each([
    [{ dualStack: true, ipFamilies: ['IPv4'] }, "'service.ipFamilies' lists one family, but dualStack is true (IPv4 and IPv6), got [\"IPv4\"]. Allowed: both families (or none) with dualStack: true. Fix: list both, primary first (e.g. ['IPv4', 'IPv6']), or remove dualStack"],
    [{ dualStack: true, ipFamilyPolicy: 'SingleStack' }, "'service.ipFamilyPolicy' is SingleStack, but dualStack is true (IPv4 and IPv6), got 'SingleStack'."],
    [{ dualStack: false, ipFamilyPolicy: 'RequireDualStack' }, "'service.dualStack' is false, but the IP family fields ask for dual stack"],
  ])('fails when dualStack and the IP family fields disagree (%j)', (service, message) => {
    expect(() => render({ service } as any)).toThrow(message);
  });

  test('fails when replicas is set with autoscaling (the autoscaler owns the count; it was silently dropped)', () => {
    expect(() => render({ replicas: 3, autoscaling: { maxReplicas: 6 } })).toThrow(
      "'replicas' cannot be set with autoscaling: the autoscaler owns the replica count, got 3. Allowed: replicas or autoscaling, not both. Fix: remove 'replicas', or set 'autoscaling.minReplicas'");
  });

  test('fails when an explicit HTTP probe checks another path than healthPath (the startup probe checked one, readiness and liveness the other)', () => {
    expect(() => render({ healthPath: '/health', readiness: Probe.http('/healthz'), liveness: Probe.http('/healthz') })).toThrow(
      "'readiness' checks '/healthz', but healthPath is '/health': the probes not given would check the other path, got '/healthz'. "
      + "Allowed: an HTTP probe on '/health', another kind of probe, or no healthPath. Fix: use one path: healthPath: '/healthz' (and drop the HTTP probes that only repeat it), or Probe.http('/health', …)");
    expect(() => render({ healthPath: '/healthz', readiness: Probe.http('/healthz', { periodSeconds: 5 }), liveness: Probe.tcp() })).not.toThrow();
  });

  test('fails when healthPath is set on a gRPC port (HTTP/1.1 probes a gRPC server never answers), with Probe.grpc() as the fix', () => {
    expect(build({ port: 7070, portName: 'grpc', healthPath: '/healthz' })).toThrow(
      "[shop/web] 'healthPath' gives HTTP probes (GET /healthz), but the main port 'grpc' serves gRPC, which does not answer them: the pods would never be ready, got '/healthz'. "
      + "Allowed: healthPath on an HTTP port; on a gRPC port, gRPC probes. Fix: remove healthPath and set readiness: Probe.grpc() and liveness: Probe.grpc() "
      + "(the gRPC health checking protocol; Probe.grpc({ service }) for one service), or name the port 'http' if it serves HTTP",
    );
    expect(build({ port: 7070, portName: 'api', appProtocol: 'grpc', healthPath: '/healthz' })).toThrow(/'healthPath' gives HTTP probes.*the main port 'api' serves gRPC.*or remove appProtocol: 'grpc' if it serves HTTP$/);
    expect(build({ port: 7070, portName: 'grpc', appProtocol: 'grpc', healthPath: '/healthz' })).toThrow(/or name the port 'http' and remove appProtocol: 'grpc' if it serves HTTP$/);
    // An explicit HTTP appProtocol says the port named grpc serves HTTP.
    expect(build({ port: 7070, portName: 'grpc', appProtocol: 'http', healthPath: '/healthz' })).not.toThrow();
    const c = podSpec(one(render({ port: 7070, portName: 'grpc', readiness: Probe.grpc(), liveness: Probe.grpc() }), 'Deployment')).containers[0];
    expect(c.readinessProbe.grpc).toEqual({ port: 7070 });
  });

  test('healthPath switches to HTTP probes', () => {
    const c = podSpec(one(render({ healthPath: '/healthz' }), 'Deployment')).containers[0];
    for (const p of [c.readinessProbe, c.livenessProbe, c.startupProbe]) expect(p.httpGet).toEqual({ path: '/healthz', port: 'http' });
  });

  test('explicit probes win over defaults (gRPC, exec)', () => {
    const c = podSpec(one(render({ readiness: Probe.grpc({ port: 8080 }), liveness: Probe.exec(['cat', '/tmp/alive']) }), 'Deployment')).containers[0];
    expect(c.readinessProbe.grpc).toEqual({ port: 8080 });
    expect(c.livenessProbe.exec).toEqual({ command: ['cat', '/tmp/alive'] });
  });

  test('env from literals, ConfigMap keys, Secret keys and whole Secrets', () => {
    const c = podSpec(one(render({
      env: {
        LOG_LEVEL: 'info',
        FEATURE: EnvValue.fromConfigMap('flags', 'feature'),
        TOKEN: EnvValue.fromSecret('api', 'token'),
        POD: EnvValue.fromField('metadata.name'),
      },
      envFromSecrets: ['shared-credentials'],
    }), 'Deployment')).containers[0];
    expect(c.env).toEqual([
      { name: 'LOG_LEVEL', value: 'info' },
      { name: 'FEATURE', valueFrom: { configMapKeyRef: { name: 'flags', key: 'feature' } } },
      { name: 'TOKEN', valueFrom: { secretKeyRef: { name: 'api', key: 'token' } } },
      { name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
    ]);
    expect(c.envFrom).toEqual([{ secretRef: { name: 'shared-credentials' } }]);
  });

  test('addEnv after construction reaches the pod', () => {
    const chart = newChart('shop');
    const app = new WebApp(chart, 'web', { image: IMAGE });
    app.addEnv({ LATE: 'yes' });
    expect(podSpec(one(synth(chart), 'Deployment')).containers[0].env).toEqual([{ name: 'LATE', value: 'yes' }]);
  });

  test('resources: CPU limit only when asked', () => {
    const c = podSpec(one(render({ resources: { cpu: { request: '250m', limit: '1' }, memory: { request: '256Mi', limit: '1Gi' } } }), 'Deployment')).containers[0];
    expect(c.resources).toEqual({ requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '1', memory: '1Gi' } });
  });

  test('config as env: ConfigMap, envFrom, checksum annotation', () => {
    const objs = render({ config: { B: '2', A: '1' } });
    const cm = one(objs, 'ConfigMap', 'shop-web-config');
    expect(Object.keys(cm.data)).toEqual(['A', 'B']);
    const dep = one(objs, 'Deployment');
    expect(podSpec(dep).containers[0].envFrom).toEqual([{ configMapRef: { name: 'shop-web-config' } }]);
    expect(dep.spec.template.metadata.annotations['timonel.dev/config-checksum']).toMatch(/^[0-9a-f]{64}$/);
  });

  test('the checksum changes with the config, so pods roll', () => {
    const sum = (config: Record<string, string>) =>
      one(render({ config }), 'Deployment').spec.template.metadata.annotations['timonel.dev/config-checksum'];
    expect(sum({ A: '1' })).toBe(sum({ A: '1' }));
    expect(sum({ A: '1' })).not.toBe(sum({ A: '2' }));
  });

  test('config as files is mounted read-only', () => {
    const c = podSpec(one(render({ config: { 'nginx.conf': 'events {}' }, configAs: ConfigExposure.FILES, configMountPath: '/etc/nginx' }), 'Deployment')).containers[0];
    expect(c.volumeMounts).toContainEqual({ name: 'config', mountPath: '/etc/nginx', readOnly: true });
  });

  test('autoscaling: HPA v2, replicas omitted', () => {
    const objs = render({ autoscaling: { minReplicas: 3, maxReplicas: 12, cpuUtilization: 60, memoryUtilization: 80 } });
    expect(one(objs, 'Deployment').spec.replicas).toBeUndefined();
    const hpa = one(objs, 'HorizontalPodAutoscaler');
    expect(hpa.apiVersion).toBe('autoscaling/v2');
    expect(hpa.spec).toEqual({
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'shop-web' },
      minReplicas: 3,
      maxReplicas: 12,
      metrics: [
        { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 60 } } },
        { type: 'Resource', resource: { name: 'memory', target: { type: 'Utilization', averageUtilization: 80 } } },
      ],
    });
  });

  test('autoscaling defaults: 2–10 at 70% CPU', () => {
    const hpa = one(render({ autoscaling: {} }), 'HorizontalPodAutoscaler');
    expect([hpa.spec.minReplicas, hpa.spec.maxReplicas, hpa.spec.metrics[0].resource.target.averageUtilization]).toEqual([2, 10, 70]);
  });

  test('ingress with TLS from a cert-manager issuer', () => {
    const ing = one(render({ ingress: { host: 'shop.example.com', className: 'nginx', tls: { clusterIssuer: 'letsencrypt' } } }), 'Ingress');
    expect(ing.metadata.annotations).toEqual({ 'cert-manager.io/cluster-issuer': 'letsencrypt' });
    expect(ing.spec).toEqual({
      ingressClassName: 'nginx',
      tls: [{ hosts: ['shop.example.com'], secretName: 'shop-web-tls' }],
      rules: [{
        host: 'shop.example.com',
        http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'shop-web', port: { name: 'http' } } } }] },
      }],
    });
  });

  test('ingress with an existing TLS secret and a path', () => {
    const ing = one(render({ ingress: { host: '*.example.com', path: '/api', pathType: 'Exact', tls: { secretName: 'wildcard' } } }), 'Ingress');
    expect(ing.spec.tls).toEqual([{ hosts: ['*.example.com'], secretName: 'wildcard' }]);
    expect(ing.spec.rules[0].http.paths[0]).toMatchObject({ path: '/api', pathType: 'Exact' });
  });

  test('isolate: a NetworkPolicy that admits nothing but the declared entry (none here), not every pod on the app ports', () => {
    const np = one(render({ isolate: true }), 'NetworkPolicy');
    expect(np.spec).toEqual({
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'web', 'app.kubernetes.io/instance': 'shop-web' } },
      policyTypes: ['Ingress'],
      ingress: [],
    });
  });

  test('isolate with an Ingress and metrics: the controller and the scraper, each on its port; public: any source', () => {
    const objs = render({ isolate: true, ingress: { host: 'shop.example.com', controller: { namespace: 'traefik', podLabels: { app: 'traefik' } } }, metrics: { port: 9090 } }, { namespace: 'shop' });
    const t = TrafficEvaluator.fromManifests(objs);
    const web = { workload: 'shop-web', namespace: 'shop' };
    expect(t.allows({ from: { namespace: 'traefik', labels: { app: 'traefik' } }, to: web, port: 8080 })).toBe(true);
    expect(t.allows({ from: { namespace: 'traefik', labels: { app: 'traefik' } }, to: web, port: 9090 })).toBe(false);
    expect(t.allows({ from: { namespace: 'monitoring', labels: { 'app.kubernetes.io/name': 'prometheus' } }, to: web, port: 9090 })).toBe(true);
    expect(t.allows({ from: { ip: '203.0.113.7' }, to: web, port: 8080 })).toBe(false);
    const open = TrafficEvaluator.fromManifests(render({ isolate: true, public: true }, { namespace: 'shop' }));
    expect(open.allows({ from: { ip: '203.0.113.7' }, to: web, port: 8080 })).toBe(true);
  });

  test('a LoadBalancer Service admits any source once a client isolates the app; a ClusterIP one does not', () => {
    for (const type of ['LoadBalancer', 'ClusterIP'] as const) {
      const chart = newChart('shop', { namespace: 'shop' });
      const web = new WebApp(chart, 'web', { image: IMAGE, service: { type } });
      new WebApp(chart, 'loadgen', { image: IMAGE }).connectTo(web);
      const t = TrafficEvaluator.fromManifests(synth(chart));
      expect(t.allows({ from: { ip: '203.0.113.7' }, to: { workload: 'shop-web', namespace: 'shop' }, port: 8080 })).toBe(type === 'LoadBalancer');
    }
  });

  test('metrics: a ServiceMonitor and a metrics port', () => {
    const objs = render({ metrics: { port: 9090, path: '/stats', interval: '15s' } });
    const sm = one(objs, 'ServiceMonitor');
    expect(sm.apiVersion).toBe('monitoring.coreos.com/v1');
    expect(sm.spec.endpoints).toEqual([{ port: 'metrics', path: '/stats', interval: '15s' }]);
    expect(one(objs, 'Service').spec.ports.map((p: any) => p.name)).toEqual(['http', 'metrics']);
  });

  test('metrics: the ServiceMonitor selects the main Service only, not an extra Service of the same port (each pod was scraped once per Service: double series)', () => {
    const chart = newChart();
    const web = new WebApp(chart, 'web', { image: 'ghcr.io/acme/web:1.2.3', port: 8080, metrics: {}, extraServices: [{ suffix: 'public', type: 'LoadBalancer' }] });
    web.addExtraService({ suffix: 'internal-lb', type: 'LoadBalancer', annotations: { 'service.beta.kubernetes.io/aws-load-balancer-internal': 'true' } });
    const objs = synth(chart);
    const sm = one(objs, 'ServiceMonitor');
    const scraped = all(objs, 'Service').filter((svc) => selectorMatches(sm.spec.selector, svc.metadata.labels ?? {})).map((svc) => svc.metadata.name);
    expect(scraped).toEqual(['test-web']);
    expect(all(objs, 'Service').map((svc) => svc.spec.ports.map((p: any) => p.name))).toEqual([['http'], ['http'], ['http']]);
  });

  test('metrics.labels: more labels on the ServiceMonitor, for a Prometheus that selects by label', () => {
    const sm = one(render({ metrics: { labels: { release: 'kube-prometheus-stack' } } }), 'ServiceMonitor');
    expect(sm.metadata.labels).toMatchObject({ release: 'kube-prometheus-stack', 'app.kubernetes.io/name': 'web' });
    expect(build({ metrics: { labels: { 'app.kubernetes.io/name': 'x' } } })).toThrow(
      /'metrics\.labels\.app\.kubernetes\.io\/name' is a label timonel sets on every object, got 'x'.*Fix: use another key/,
    );
    expect(build({ metrics: { labels: { release: 'Bad Value' } } })).toThrow(/'metrics\.labels\.release'/);
  });

  test('rollout overrides', () => {
    const spec = one(render({ rollout: { maxUnavailable: 1, maxSurge: 0, revisionHistoryLimit: 2, progressDeadlineSeconds: 120 } }), 'Deployment').spec;
    expect(spec.strategy.rollingUpdate).toEqual({ maxUnavailable: 1, maxSurge: 0 });
    expect(spec.revisionHistoryLimit).toBe(2);
    expect(spec.progressDeadlineSeconds).toBe(120);
  });

  test('scheduling: nodeSelector, tolerations, affinity, priorityClassName', () => {
    const pod = podSpec(one(render({
      nodeSelector: { 'kubernetes.io/arch': 'arm64' },
      tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'web', effect: 'NoSchedule' }],
      affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'pool', operator: 'In', values: ['web'] }] }] } } },
      priorityClassName: 'high',
    }), 'Deployment'));
    expect(pod.nodeSelector).toEqual({ 'kubernetes.io/arch': 'arm64' });
    expect(pod.tolerations).toHaveLength(1);
    expect(pod.affinity.nodeAffinity).toBeDefined();
    expect(pod.priorityClassName).toBe('high');
  });

  test('sidecars and init containers get the same security and resources', () => {
    const pod = podSpec(one(render({
      sidecars: [{ name: 'proxy', image: 'envoyproxy/envoy:v1.31.2', ports: [{ name: 'admin', port: 9901 }] }],
      initContainers: [{ name: 'migrate', image: 'ghcr.io/acme/migrate:1.0.0', command: ['migrate', 'up'] }],
    }), 'Deployment'));
    expect(pod.containers.map((c: any) => c.name)).toEqual(['main', 'proxy']);
    expect(pod.initContainers.map((c: any) => c.name)).toEqual(['migrate']);
    for (const c of [...pod.containers, ...pod.initContainers]) {
      expect(c.securityContext.capabilities).toEqual({ drop: ['ALL'] });
      expect(c.resources.requests).toEqual({ cpu: '100m', memory: '128Mi' });
    }
  });

  test('securityContext user, group and fsGroup are configurable', () => {
    const pod = podSpec(one(render({ securityContext: { runAsUser: 1000, runAsGroup: 2000, fsGroup: 3000 } }), 'Deployment'));
    expect(pod.securityContext).toMatchObject({ runAsUser: 1000, runAsGroup: 2000, fsGroup: 3000 });
  });

  test('explicit name and chart namespace', () => {
    const objs = render({ name: 'storefront' }, { namespace: 'shop' });
    const dep = one(objs, 'Deployment', 'storefront');
    expect(dep.metadata.namespace).toBe('shop');
    expect(one(objs, 'Namespace').metadata.name).toBe('shop');
  });

  test('a digest-pinned image is accepted; an allowed unpinned image is pulled Always', () => {
    const digest = `nginx@sha256:${'a'.repeat(64)}`;
    expect(podSpec(one(render({ image: digest }), 'Deployment')).containers[0].imagePullPolicy).toBe('IfNotPresent');
    expect(podSpec(one(render({ image: 'nginx', allowUnpinnedImage: true }), 'Deployment')).containers[0].imagePullPolicy).toBe('Always');
  });

  test('host is the Service DNS name', () => {
    const chart = newChart('shop', { namespace: 'shop' });
    expect(new WebApp(chart, 'web', { image: IMAGE }).host).toBe('shop-web.shop.svc');
  });
});

describe('WebApp schema', () => {
  test('everything a fully-featured WebApp emits validates against the Kubernetes 1.28 schema', () => {
    const objs = render({
      config: { A: '1' }, autoscaling: { memoryUtilization: 80 }, isolate: true, metrics: { port: 9090 },
      ingress: { host: 'shop.example.com', tls: {} }, service: { dualStack: true },
      sidecars: [{ name: 'proxy', image: 'envoyproxy/envoy:v1.31.2' }],
      initContainers: [{ name: 'init', image: 'busybox:1.36.1' }],
      readiness: Probe.grpc({ port: 8080 }), liveness: Probe.exec(['true']),
    }, { namespace: 'shop' });
    expect(objs.map((o) => o.kind)).toEqual([
      'Namespace', 'NetworkPolicy', 'ServiceAccount', 'ConfigMap', 'Service', 'Deployment',
      'HorizontalPodAutoscaler', 'PodDisruptionBudget', 'Ingress', 'ServiceMonitor',
    ]);
    expectValidManifests(objs, { skipCustomResources: true });
  });
});

describe('WebApp escape hatches', () => {
  test('children are public and JSON patches apply', () => {
    const chart = newChart('shop');
    const app = new WebApp(chart, 'web', { image: IMAGE });
    expect(app.node.defaultChild).toBe(app.deployment);
    ApiObject.of(app.deployment).addJsonPatch(JsonPatch.add('/spec/template/spec/hostNetwork', false));
    expect(podSpec(one(synth(chart), 'Deployment')).hostNetwork).toBe(false);
  });
});

describe('WebApp bad input', () => {
  test.each([
    ['replicas < 0', { replicas: -1 }, /\[shop\/web\] 'replicas' must be a whole number of at least 0, got -1/],
    ['port is 0', { port: 0 }, /'port' must be a port number, got 0\. Allowed: an integer from 1 to 65535/],
    ['port is 70000', { port: 70000 }, /'port' must be a port number, got 70000/],
    ['two ports share a name', { extraPorts: [{ name: 'http', port: 9000 }] }, /'extraPorts\[0\]\.name' is already the name of 'portName', got 'http'/],
    ['an extra port is on the main Service port (the Service listed 80/TCP twice; trial AC1)', { extraPorts: [{ name: 'admin', port: 80 }] },
      /^\[shop\/web\] 'extraPorts\[0\]\.port' puts Service port 80\/TCP on the Service, which the main port, 'service\.port' \(default 80\), already has: the API server refuses a Service with a port twice, got 80\. Allowed: each Service port number once per protocol\. Fix: give it a Service port of its own, e\.g\. servicePort: 81 \(the container still listens on 80\)/],
    ["an extra port's servicePort is the main Service port", { extraPorts: [{ name: 'admin', port: 9000, servicePort: 80 }] },
      /'extraPorts\[0\]\.servicePort' puts Service port 80\/TCP on the Service, which the main port, 'service\.port' \(default 80\), already has.*Fix: use a free Service port, e\.g\. servicePort: 81/],
    ["an extra port's servicePort is service.port", { service: { port: 9000 }, extraPorts: [{ name: 'admin', port: 9001, servicePort: 9000 }] },
      /'extraPorts\[0\]\.servicePort' puts Service port 9000\/TCP on the Service, which the main port, 'service\.port', already has/],
    ['two extra ports share a servicePort', { extraPorts: [{ name: 'a', port: 9000, servicePort: 90 }, { name: 'b', port: 9001, servicePort: 90 }] },
      /'extraPorts\[1\]\.servicePort' puts Service port 90\/TCP on the Service, which 'extraPorts\[0\]' already has.*servicePort: 91/],
    ['a new metrics port is the main Service port', { metrics: { port: 80 } }, /'metrics\.port' puts Service port 80\/TCP on the Service, which the main port, 'service\.port' \(default 80\), already has/],
    ['extraPorts has a hole (a TypeError; trial AC3)', { extraPorts: [, { name: 'admin', port: 9000 }] as any },
      /'extraPorts\[0\]' is an empty slot \(a hole in the list\), got undefined\. .*Fix: remove the empty slot \(two commas in a row, or new Array\(n\) never filled\)/],
    ['loadBalancerSourceRanges has a hole (it wrote - null)', { service: { type: 'LoadBalancer', loadBalancerSourceRanges: [, '10.0.0.0/8'] as any } }, /'service\.loadBalancerSourceRanges\[0\]' is an empty slot/],
    ['route.hostnames has a hole (it wrote - null)', { route: { gateway: { name: 'g' }, hostnames: [, 'a.example.com'] as any } }, /'route\.hostnames\[0\]' is an empty slot/],
    ['a port name is longer than 15 characters', { portName: 'a-very-long-port-name' }, /'portName' must be at most 15 characters, but is 21, got 'a-very-long-port-name'/],
    ['ingress host is invalid', { ingress: { host: 'Bad_Host' } }, /'ingress\.host' is not a valid host name, got 'Bad_Host'/],
    ['ingress host is an IP address (the API server refuses it; trial L)', { ingress: { host: '10.0.0.1', tls: {} } },
      /'ingress\.host' is not a valid host name, got '10\.0\.0\.1'\. Allowed: .*\(no IP addresses\)\. Fix: use a DNS name: a host rule matches names, not addresses \(without TLS, leaving the host out matches every host\)$/],
    ['ingress rules[].host is an IP address', { ingress: { rules: [{ host: '192.0.2.7' }] } }, /'ingress\.rules\[0\]\.host' is not a valid host name, got '192\.0\.2\.7'/],
    ['TLS has no host', { ingress: { tls: {} } }, /'ingress\.tls' needs ingress\.host/],
    ['cpu is "1 core"', { resources: { cpu: { request: '1 core' } } }, /'resources\.cpu\.request' is not a valid Kubernetes cpu quantity, got '1 core'/],
    ['memory is "10GB"', { resources: { memory: { limit: '10GB' } } }, /'resources\.memory\.limit' is not a valid Kubernetes memory quantity, got '10GB'.*Fix: write '10Gi'/],
    ['requests are above limits', { resources: { memory: { request: '1Gi', limit: '512Mi' } } }, /'resources\.memory' request 1Gi is above the limit 512Mi/],
    ['autoscaling min > max', { autoscaling: { minReplicas: 5, maxReplicas: 3 } }, /'autoscaling\.maxReplicas' must be a whole number ≥ minReplicas \(5\), got 3/],
    ['autoscaling min is 0', { autoscaling: { minReplicas: 0 } }, /'autoscaling\.minReplicas' must be at least 1, got 0/],
    ['CPU target is 0', { autoscaling: { cpuUtilization: 0 } }, /'autoscaling\.cpuUtilization' must be a percentage of the requests, got 0\. Allowed: an integer from 1 to 100/],
    ['CPU target is 150%', { autoscaling: { cpuUtilization: 150 } }, /'autoscaling\.cpuUtilization' must be a percentage of the requests, got 150/],
    ['an env var name starts with a digit', { env: { '1ABC': 'x' } }, /'env' has an invalid variable name, got '1ABC'/],
    ['the image is untagged', { image: 'nginx' }, /'image' has no tag or digest \(it means :latest\), got 'nginx'.*Fix: pin a version such as 'nginx:1\.2\.3'/],
    ['the image is :latest', { image: 'nginx:latest' }, /'image' uses the moving tag 'latest', got 'nginx:latest'/],
    ['healthPath has no leading slash', { healthPath: 'healthz' }, /'healthPath' must start with '\/', got 'healthz'.*Fix: use '\/healthz'/],
    ['the name is over 63 characters', { name: 'x'.repeat(64) }, /'name' must be at most 63 characters for a DNS-1035 label, but is 64/],
    ['runAsUser is root', { securityContext: { runAsUser: 0 } }, /'securityContext\.runAsUser' must not be 0/],
    ['the image tag is latest with an architecture', { image: 'gcr.io/distroless/static:latest-amd64' }, /'image' uses the moving tag 'latest-amd64' \('amd64' names an architecture, not a version\)/],
  ])('fails when %s', (_what, props, message) => {
    expect(build(props as Partial<WebAppProps>)).toThrow(message);
  });

  test('fails when a probe uses a port number the container does not declare, listing its ports and the fix', () => {
    expect(build({ port: 8080, readiness: Probe.tcp({ port: 9999 }) })).toThrow(
      "[shop/web] 'readiness.port' is not one of the container's declared ports, got 9999. Allowed: one of the container's ports: 'http' (8080). "
      + "Fix: use one of them, e.g. { port: 8080 } or { port: 'http' }, or declare the port in 'extraPorts': { name: 'health', port: 9999 }",
    );
    // Any declared port will do: an extra port, the metrics port, the main one.
    expect(build({ extraPorts: [{ name: 'admin', port: 9999 }], readiness: Probe.tcp({ port: 9999 }) })).not.toThrow();
    expect(build({ metrics: { port: 9090 }, liveness: Probe.http('/live', { port: 9090 }) })).not.toThrow();
    expect(build({ readiness: Probe.grpc({ port: 8080 }) })).not.toThrow();
  });

  test('fails when a sidecar probe uses a port number the sidecar does not declare', () => {
    expect(build({ sidecars: [{ name: 'envoy', image: IMAGE, ports: [{ name: 'admin', port: 9901 }], readiness: Probe.http('/ready', { port: 9902 }) }] })).toThrow(
      "[shop/web] 'sidecars[0].readiness.port' is not one of the container's declared ports, got 9902. Allowed: one of the container's ports: 'admin' (9901). "
      + "Fix: use one of them, e.g. { port: 9901 } or { port: 'admin' }, or declare the port in 'sidecars[0].ports': { name: 'health', port: 9902 }",
    );
  });

  test('fails when an id yields an invalid name', () => {
    expect(() => new WebApp(newChart('shop'), 'Bad_Name', { image: IMAGE })).toThrow(
      /\[shop\/Bad_Name\] 'id' is not a valid DNS-1035 label, got 'shop-bad_name'/,
    );
  });

  test('fails when the same env var is defined twice', () => {
    const app = new WebApp(newChart('shop'), 'web', { image: IMAGE, env: { A: '1' } });
    expect(() => app.addEnv({ A: '2' })).toThrow(/'addEnv' defines the variable 'A' twice/);
  });

  test('a derived name over 63 characters is shortened deterministically', () => {
    const chart = newChart('shop');
    const id = 'a-really-long-component-name-that-keeps-going-and-going-and-going';
    const app = new WebApp(chart, id, { image: IMAGE });
    expect(app.name).toHaveLength(63);
    expect(app.name).toMatch(/^shop-a-really-long-component-name-that-keeps-going-and-[0-9a-f]{8}$/);
  });
});

describe('WebApp ingress with several hosts', () => {
  const rules = [
    { host: 'shop.example.com', paths: [{ path: '/' }, { path: '/metrics', pathType: 'Exact' as const, port: 'metrics' }], tls: { clusterIssuer: 'letsencrypt-prod' } },
    { host: '*.shop.example.com', tls: { secretName: 'wildcard-shop', clusterIssuer: 'letsencrypt-prod' } },
    { host: 'legacy.example.org' },
  ];

  test('one rule per host with its paths and ports, TLS per host, one issuer annotation', () => {
    const objs = render({ extraPorts: [{ name: 'metrics', port: 9090 }], ingress: { className: 'nginx', rules } }, { namespace: 'shop' });
    const ing = one(objs, 'Ingress');
    expect(ing.metadata.annotations).toEqual({ 'cert-manager.io/cluster-issuer': 'letsencrypt-prod' });
    expect(ing.spec).toEqual({
      ingressClassName: 'nginx',
      tls: [{ hosts: ['shop.example.com'], secretName: 'shop-web-shop-example-com-tls' }, { hosts: ['*.shop.example.com'], secretName: 'wildcard-shop' }],
      rules: [
        { host: 'shop.example.com', http: { paths: [
          { path: '/', pathType: 'Prefix', backend: { service: { name: 'shop-web', port: { name: 'http' } } } },
          { path: '/metrics', pathType: 'Exact', backend: { service: { name: 'shop-web', port: { name: 'metrics' } } } },
        ] } },
        { host: '*.shop.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'shop-web', port: { name: 'http' } } } }] } },
        { host: 'legacy.example.org', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'shop-web', port: { name: 'http' } } } }] } },
      ],
    });
    expectValidManifests(objs, { skipCustomResources: true });
  });

  test('the one-host shortcut renders as before', () => {
    const ing = one(render({ ingress: { host: 'shop.example.com', tls: {} } }), 'Ingress');
    expect(ing.spec.tls).toEqual([{ hosts: ['shop.example.com'], secretName: 'shop-web-tls' }]);
    expect(ing.spec.rules).toHaveLength(1);
  });

  test.each([
    ['rules are combined with host', { rules, host: 'x.example.com' }, /'ingress\.rules' cannot be combined with 'ingress\.host'.*Fix: move the host, its paths and its TLS into one of the rules/],
    ['a host is listed twice', { rules: [{ host: 'a.example.com' }, { host: 'a.example.com' }] }, /'ingress\.rules\[1\]\.host' is listed twice, got 'a\.example\.com'/],
    ['a path is listed twice', { rules: [{ host: 'a.example.com', paths: [{ path: '/a' }, { path: '/a' }] }] }, /'ingress\.rules\[0\]\.paths\[1\]\.path' is listed twice for a\.example\.com, got '\/a'/],
    ['a path goes to an unknown port', { rules: [{ host: 'a.example.com', paths: [{ path: '/a', port: 'admin' }] }] }, /'ingress\.rules\[0\]\.paths\[0\]\.port' is not a port of the app, got 'admin'. Allowed: 'http' \(80\)/],
    ['two hosts use different issuers', { rules: [{ host: 'a.example.com', tls: { clusterIssuer: 'x' } }, { host: 'b.example.com', tls: { clusterIssuer: 'y' } }] }, /'ingress\.rules' names several cert-manager ClusterIssuers/],
    ['a rule host is invalid', { rules: [{ host: 'Bad_Host' }] }, /'ingress\.rules\[0\]\.host' is not a valid host name, got 'Bad_Host'/],
    ['rules are empty', { rules: [] }, /'ingress\.rules'/],
    ['the host is a URL', { host: 'https://Shop.example.com:443/x' }, /'ingress\.host' is not a valid host name, got 'https:\/\/Shop\.example\.com:443\/x'.*Fix: write 'shop\.example\.com' \(the host name only: no scheme, port or path\)$/],
    ['tls is true', { host: 'shop.example.com', tls: true }, /'ingress\.tls' must be an object, but is a boolean, got true.*Fix: write \{\} for the defaults, or set some of 'secretName', 'clusterIssuer'$/],
  ])('fails when %s', (_what, ingress, message) => {
    expect(build({ ingress } as Partial<WebAppProps>)).toThrow(message);
  });
});

describe('WebApp ingress to a gRPC port', () => {
  const KEY = 'nginx.ingress.kubernetes.io/backend-protocol';
  const grpc = { port: 9555, portName: 'grpc' };
  test('class nginx gets backend-protocol GRPC (ingress-nginx ignores appProtocol and would speak HTTP/1.1); other classes and HTTP ports nothing', () => {
    expect(one(render({ ...grpc, ingress: { host: 'ad.example.com', className: 'nginx' } }), 'Ingress').metadata.annotations).toEqual({ [KEY]: 'GRPC' });
    expect(one(render({ appProtocol: 'grpc', ingress: { host: 'ad.example.com', className: 'nginx' } }), 'Ingress').metadata.annotations).toEqual({ [KEY]: 'GRPC' });
    expect(one(render({ ingress: { host: 'ad.example.com', className: 'nginx' } }), 'Ingress').metadata.annotations).toBeUndefined();
    expect(one(render({ ...grpc, ingress: { host: 'ad.example.com' } }), 'Ingress').metadata.annotations).toBeUndefined();
    // the user's own value wins
    expect(one(render({ ...grpc, ingress: { host: 'ad.example.com', className: 'nginx', annotations: { [KEY]: 'GRPCS' } } }), 'Ingress').metadata.annotations).toEqual({ [KEY]: 'GRPCS' });
  });

  test('fails when one nginx Ingress routes both a gRPC and an HTTP port (the annotation holds for every path)', () => {
    expect(build({
      extraPorts: [{ name: 'grpc', port: 9555 }],
      ingress: { className: 'nginx', rules: [{ host: 'ad.example.com', paths: [{ path: '/' }, { path: '/api.Ad/', port: 'grpc' }] }] },
    })).toThrow("[shop/web] 'ingress.rules' routes both gRPC ('grpc') and HTTP ('http') ports through one ingress-nginx Ingress, whose "
      + `'${KEY}' annotation holds for every path, got {"grpc":["grpc"],"http":["http"]}. Allowed: an Ingress of class nginx with only gRPC or only HTTP ports. `
      + `Fix: route the gRPC port through a Gateway API route (route, which honours appProtocol), or set ingress.annotations: { '${KEY}': 'GRPC' } (or 'HTTP') yourself for every path`);
  });
});

describe('WebApp route (Gateway API)', () => {
  test('an HTTPRoute <name> from the Gateway to the Service, labelled like the app', () => {
    const objs = render({
      extraPorts: [{ name: 'admin', port: 9000 }],
      route: { gateway: { name: 'public', namespace: 'gateways', sectionName: 'https' }, hostnames: ['shop.example.com'], paths: [{ path: '/' }, { path: '/admin', type: 'Exact', port: 'admin' }] },
    }, { namespace: 'shop' });
    const route = one(objs, 'HTTPRoute', 'shop-web');
    expect(route.apiVersion).toBe('gateway.networking.k8s.io/v1');
    expect(route.metadata.labels['app.kubernetes.io/instance']).toBe('shop-web');
    expect(route.spec).toEqual({
      parentRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'public', namespace: 'gateways', sectionName: 'https' }],
      hostnames: ['shop.example.com'],
      rules: [
        { matches: [{ path: { type: 'PathPrefix', value: '/' } }], backendRefs: [{ kind: 'Service', name: 'shop-web', port: 80 }] },
        { matches: [{ path: { type: 'Exact', value: '/admin' } }], backendRefs: [{ kind: 'Service', name: 'shop-web', port: 9000 }] },
      ],
    });
  });

  test('the policy engine checks its backends like an Ingress', () => {
    const chart = newChart('shop', { namespace: 'shop' });
    const app = new WebApp(chart, 'web', { image: IMAGE, isolate: true, route: { gateway: { name: 'public' }, controller: { namespace: 'shop', podLabels: { 'gateway.networking.k8s.io/gateway-name': 'public' } } } });
    expect(chart).toPassPolicies();
    ApiObject.of(app.route!).addJsonPatch(JsonPatch.replace('/spec/rules/0/backendRefs/0/name', 'shop-nope'));
    synth(chart);
    expect(Policy.lastReport(chart)!.warnings.map((f) => f.ruleId)).toContain('ref-backend-service');
  });

  test.each([
    ['the gateway has no name', { gateway: {} }, /'route\.gateway\.name'/],
    ['a hostname is an IP', { gateway: { name: 'public' }, hostnames: ['10.0.0.1'] }, /'route\.hostnames\[0\]'/],
    ['a hostname is invalid', { gateway: { name: 'public' }, hostnames: ['Shop.Example.com'] }, /'route\.hostnames\[0\]' is not a valid host name/],
    ['a path goes to an unknown port', { gateway: { name: 'public' }, paths: [{ path: '/x', port: 'admin' }] }, /'route\.paths\[0\]\.port' is not a port of the app, got 'admin'/],
    ['a path is listed twice', { gateway: { name: 'public' }, paths: [{ path: '/x' }, { path: '/x' }] }, /'route\.paths\[1\]\.path' is listed twice/],
    ['the gateway is a name', { gateway: 'public' }, /'route\.gateway' must be an object.*Fix: name the Gateway and its namespace: gateway: \{ name: 'public', namespace: '<the Gateway's namespace>' \}$/],
    ['a path type is lowercase and short', { gateway: { name: 'public' }, paths: [{ path: '/', type: 'prefix' }] }, /'route\.paths\[0\]\.type' is not one of the allowed values, got 'prefix'.*Fix: did you mean 'PathPrefix'\?$/],
  ])('fails when %s', (_what, route, message) => {
    expect(build({ route } as Partial<WebAppProps>)).toThrow(message);
  });
});
