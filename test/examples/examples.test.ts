import { applyRank } from '../../src/app/order';
import { Testing } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { TimonelChart } from '../../src/app/chart';
import { App } from '../../src/app/app';
import { flaskChart } from '../../src/examples/flask';
import { helloChart } from '../../src/examples/hello';
import { loggingChart } from '../../src/examples/logging';
import { reportsChart } from '../../src/examples/reports';
import { PARTNER_RANGES, shopChart } from '../../src/examples/shop';
import { Policy } from '../../src/policies/policy';
import { platform } from '../../src/examples/platform';
import { buildPlatform } from '../../src/main';
import { TrafficEvaluator } from '../../src/policies/traffic';
import { findObject, findObjects, podSpecOf, synth } from '../../src/testing';
import '../../src/testing/jest';
import { expectValidManifests } from '../support/schema';

describe('example charts', () => {
  test('hello: matches the snapshot', () => {
    expect(Testing.synth(helloChart(Testing.app()))).toMatchSnapshot();
  });

  test('flask: matches the snapshot', () => {
    expect(Testing.synth(flaskChart(Testing.app()))).toMatchSnapshot();
  });

  test('shop: matches the snapshot', () => {
    expect(Testing.synth(shopChart(Testing.app()).chart)).toMatchSnapshot();
  });

  test('reports: matches the snapshot', () => {
    expect(Testing.synth(reportsChart(Testing.app()))).toMatchSnapshot();
  });

  test('reports: a nightly CronJob and a one-off Indexed export Job', () => {
    const objs = Testing.synth(reportsChart(Testing.app()));
    const cron = findObject(objs, 'CronJob');
    expect([cron.spec.schedule, cron.spec.timeZone, cron.spec.concurrencyPolicy]).toEqual(['0 2 * * *', 'Europe/Madrid', 'Forbid']);
    const job = findObject(objs, 'Job');
    expect(job.metadata.name).toMatch(/^reports-export-[0-9a-f]{8}$/);
    expect([job.spec.completionMode, job.spec.parallelism, job.spec.completions]).toEqual(['Indexed', 2, 4]);
  });

  test('hello: a busybox Pod that prints ¡¡Hola, mundo! as a non-root user and stays up', () => {
    const pod = findObject(Testing.synth(helloChart(Testing.app())), 'Pod');
    const c = pod.spec.containers[0];
    expect(c.image).toBe('busybox:1.36.1');
    expect(c.command.join(' ')).toContain("echo '¡¡Hola, mundo!'");
    expect(c.command.join(' ')).toMatch(/while true; do sleep 3600/);
    expect(pod.spec.restartPolicy).toBe('Always');
    expect(pod.spec.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 10001 });
  });

  test('flask: WebApp on port 5000 with the image built from the Dockerfile beside it', () => {
    const objs = Testing.synth(flaskChart(Testing.app()));
    const c = podSpecOf(findObject(objs, 'Deployment')).containers[0];
    expect(c.ports[0].containerPort).toBe(5000);
    expect(findObject(objs, 'Service').spec.ports[0]).toMatchObject({ port: 80, targetPort: 'http' });
    // Public on its port; it calls nothing, so it may send only to DNS.
    const traffic = TrafficEvaluator.fromManifests(objs);
    const hola = { workload: 'flask/flask-hola' };
    expect(traffic.allows({ from: { ip: '203.0.113.9' }, to: hola, port: 5000 })).toBe(true);
    expect(traffic.allows({ from: hola, to: { ip: '93.184.216.34' }, port: 443 })).toBe(false);
    expect(traffic.allows({ from: hola, to: { namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } }, port: 53, protocol: 'UDP' })).toBe(true);
  });

  test('shop: web is public over HTTPS and autoscaled 2–10 at 70% CPU; api is internal', () => {
    const { chart } = shopChart(Testing.app());
    expect(chart).toHaveObject('Ingress', undefined, { spec: { tls: [{ hosts: ['shop.example.com'] }] } });
    expect(chart).toHaveObject('HorizontalPodAutoscaler', 'shop-web', {
      spec: { scaleTargetRef: { name: 'shop-web' }, minReplicas: 2, maxReplicas: 10, metrics: [{ resource: { target: { averageUtilization: 70 } } }] },
    });
    expect(chart).toHaveObject('ConfigMap', 'shop-web-config', { data: { API_URL: 'http://shop-api.shop.svc' } });
  });

  test('shop: the API has an internal ClusterIP and a partners\' NLB limited to their ranges, with no suppression', () => {
    const { chart } = shopChart(Testing.app());
    expect(chart).toHaveObject('Service', 'shop-api', { spec: { type: 'ClusterIP' } });
    expect(chart).toHaveObject('Service', 'shop-api-partners', {
      metadata: { annotations: { 'service.beta.kubernetes.io/aws-load-balancer-scheme': 'internet-facing' } },
      spec: {
        type: 'LoadBalancer', loadBalancerClass: 'service.k8s.aws/nlb', externalTrafficPolicy: 'Local', loadBalancerSourceRanges: PARTNER_RANGES,
        ports: [{ name: 'http', port: 443, targetPort: 'http', protocol: 'TCP' }],
      },
    });
    const objs = synth(chart);
    // The one suppression: the orders worker's acknowledgement of its hand-made pull Secret.
    const suppressions = (o: any) => Object.keys(o.metadata.annotations ?? {}).filter((k) => k.startsWith('timonel.dev/suppress'));
    expect(objs.filter((o) => o.metadata.labels?.['app.kubernetes.io/instance'] !== 'shop-orders').flatMap(suppressions)).toEqual([]);
    expect(suppressions(findObject(objs, 'Deployment', 'shop-orders'))).toEqual(['timonel.dev/suppress.ref-missing-dependency']);
    expect(Policy.lastReport(chart)!.warnings.map((f) => f.ruleId)).not.toContain('practice-service-exposure');
    expect(Policy.lastReport(chart)!.warnings.map((f) => f.ruleId)).not.toContain('ref-missing-dependency');
  });

  test('shop: the traffic the connections declare is allowed, and nothing else', () => {
    const { chart, web, api, db, cache, carts, orders } = shopChart(Testing.app());
    expect(chart).toAllowTraffic(web, api, 'http');
    expect(chart).toAllowTraffic(api, carts, 'redis');
    // the password-less cache is isolated: no other pod of the shop reaches it
    expect(chart).not.toAllowTraffic(orders, carts, 'redis');
    expect(chart).not.toAllowTraffic(web, carts, 'redis');
    expect(chart).toAllowTraffic(api, db, 'postgres');
    expect(chart).toAllowTraffic(api, cache, 'redis');
    expect(chart).toAllowTraffic(orders, db, 'postgres');
    expect(chart).toAllowTraffic(orders, cache, 'redis');
    expect(chart).not.toAllowTraffic(web, db, 'postgres');
    expect(chart).not.toAllowTraffic(orders, api, 'http');
    expect(chart).not.toAllowTraffic(web, orders, 8080);
    // The migration's Job is named by its spec hash; a test names it without (trial P: the name changed every release).
    expect(chart).toAllowTraffic('shop/shop-migrate', db, 'postgres');
    expect(chart).not.toAllowTraffic('shop/shop-migrate', cache, 'redis');
  });

  test('shop: carts is a Redis cache (no claim, no persistence, no password, eviction); the API gets a URL without userinfo', () => {
    const objs = synth(shopChart(Testing.app()).chart);
    const carts = findObject(objs, 'StatefulSet', 'shop-carts');
    expect(carts.spec.volumeClaimTemplates).toBeUndefined();
    expect(carts.metadata.annotations).toEqual({ 'timonel.dev/data': 'cache' });
    expect(podSpecOf(carts).containers[0].args).toEqual([
      '--port', '6379', '--dir', '/data', '--appendonly', 'no', '--save', '', '--maxmemory', '384mb', '--maxmemory-policy', 'allkeys-lru', '--protected-mode', 'no',
    ]);
    const env = podSpecOf(findObject(objs, 'Deployment', 'shop-api')).containers[0].env;
    expect(env.find((e: any) => e.name === 'CARTS_URL')).toEqual({ name: 'CARTS_URL', value: 'redis://shop-carts.shop.svc:6379' });
    expect(env.filter((e: any) => e.name.startsWith('CARTS_')).map((e: any) => e.name)).toEqual(['CARTS_URL']);
  });

  test('logging: a NodeAgent on every node reads /var/log, with its reason in the YAML, in a privileged namespace', () => {
    const objs = synth(loggingChart(Testing.app()));
    expect(objs).toHaveObject('Namespace', 'logging', { metadata: { labels: { 'pod-security.kubernetes.io/enforce': 'privileged' } } });
    expect(objs).toHaveObject('DaemonSet', 'logging-shipper', {
      metadata: { annotations: { 'timonel.dev/suppress.pss-baseline-host-path': expect.stringContaining('/var/log') } },
      spec: { template: { spec: { tolerations: [{ operator: 'Exists' }], volumes: expect.arrayContaining([{ name: 'varlog', hostPath: { path: '/var/log' } }]) } } },
    });
  });

  test('shop: the public entry stays open, and isolated apps admit nothing undeclared (TrafficEvaluator)', () => {
    const t = TrafficEvaluator.fromManifests(synth(shopChart(Testing.app()).chart));
    const at = (workload: string) => ({ workload, namespace: 'shop' });
    const nginx = { namespace: 'ingress-nginx', labels: { 'app.kubernetes.io/name': 'ingress-nginx', 'app.kubernetes.io/component': 'controller' } };
    const prometheus = { namespace: 'monitoring', labels: { 'app.kubernetes.io/name': 'prometheus' } };
    const stranger = { namespace: 'other', labels: { app: 'stranger' } };
    // the ingress controller reaches web on its port
    expect(t.allows({ from: nginx, to: at('shop-web'), port: 'http' })).toBe(true);
    // api's http port is behind the partners' load balancer, so any source may reach it (the LB enforces
    // their ranges; the pods cannot tell them apart): its metrics port stays Prometheus' alone
    expect(t.allows({ from: { ip: '198.51.100.20' }, to: at('shop-api'), port: 'http' })).toBe(true);
    expect(t.allows({ from: prometheus, to: at('shop-api'), port: 'metrics' })).toBe(true);
    for (const other of [nginx, stranger, { ip: '198.51.100.20' }]) expect(t.allows({ from: other, to: at('shop-api'), port: 'metrics' })).toBe(false);
    // nobody else: not another namespace's pods, not the internet, not a client on another port
    for (const target of ['shop-web', 'shop-db', 'shop-cache', 'shop-carts']) {
      expect(t.allows({ from: stranger, to: at(target), port: t.workloads.find((w) => w.name === target)!.ports[0].port })).toBe(false);
      expect(t.allows({ from: { ip: '203.0.113.7' }, to: at(target), port: t.workloads.find((w) => w.name === target)!.ports[0].port })).toBe(false);
    }
    expect(t.allows({ from: at('shop-web'), to: at('shop-api'), port: 'metrics' })).toBe(false);
    // the orders Worker: Prometheus on its metrics port, nobody else, nothing else
    expect(t.allows({ from: prometheus, to: at('shop-orders'), port: 'metrics' })).toBe(true);
    expect(t.allows({ from: prometheus, to: at('shop-orders'), port: 8080 })).toBe(false);
    for (const other of [nginx, stranger, { ip: '198.51.100.20' }, at('shop-api'), at('shop-web')]) expect(t.allows({ from: other, to: at('shop-orders'), port: 'metrics' })).toBe(false);
    // clients reach nothing but their targets and DNS
    expect(t.allows({ from: at('shop-api'), to: { ip: '93.184.216.34' }, port: 443 })).toBe(false);
    expect(t.allows({ from: at('shop-api'), to: { namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } }, port: 53, protocol: 'UDP' })).toBe(true);
  });

  test('every example chart passes the restricted profile', () => {
    const app = Testing.app();
    for (const chart of [helloChart(app), flaskChart(app), shopChart(app).chart, reportsChart(app), loggingChart(app)]) expect(chart).toPassPolicies('restricted');
  });

  test('shop: the orders Worker has no Service of its own (only the metrics one), scales on memory and reaches only the database and the cache', () => {
    const { orders } = shopChart(Testing.app());
    const objs = synth(orders);
    expect(objs).not.toHaveObject('Service', 'shop-orders');
    expect(objs).toHaveObject('Service', 'shop-orders-metrics', { spec: { clusterIP: 'None', ports: [{ name: 'metrics', port: 9090, targetPort: 'metrics', protocol: 'TCP' }] } });
    expect(objs).toHaveObject('ServiceMonitor', 'shop-orders', { spec: { endpoints: [{ port: 'metrics', path: '/metrics', interval: '30s' }] } });
    expect(objs).toHaveObject('HorizontalPodAutoscaler', 'shop-orders', {
      spec: { metrics: [{ resource: { name: 'memory', target: { type: 'Utilization', averageUtilization: 80 } } }] },
    });
    const egress = findObjects(objs, 'NetworkPolicy').filter((o) => o.metadata.name.startsWith('shop-orders-to-'));
    expect(egress.map((o) => o.metadata.name).sort()).toEqual(['shop-orders-to-shop-cache', 'shop-orders-to-shop-db']);
    expect(objs).toHaveObject('NetworkPolicy', 'shop-orders', { spec: { policyTypes: ['Ingress'], ingress: [expect.objectContaining({ ports: [{ port: 'metrics', protocol: 'TCP' }, { port: 9090, protocol: 'TCP' }] })] } });
    // and the API server, for its Lease (traffic.apiServer of the chart)
    const t = TrafficEvaluator.fromManifests(objs);
    expect(t.allows({ from: { workload: 'shop/shop-orders' }, to: { ip: '10.0.0.5' }, port: 443 })).toBe(true);
    expect(t.allows({ from: { workload: 'shop/shop-orders' }, to: { ip: '10.0.0.5' }, port: 6443 })).toBe(false);
  });

  describe.each(['dev', 'prod'])('platform, environment %s', (env) => {
    const render = (): ReturnType<App['render']> => platform({ outdir: '/nonexistent' }).app(env).render();

    test('matches the snapshot', () => {
      expect(Object.fromEntries(render().map((f) => [f.fileName, f.docs]))).toMatchSnapshot();
    });

    test('every object validates against the Kubernetes 1.28 schema', () => {
      expectValidManifests(render().flatMap((f) => f.docs), { skipCustomResources: true });
    });
  });

  test('dev and prod differ only in the values: same objects, names and labels', () => {
    const e = platform({ outdir: '/nonexistent' });
    const ids = (env: string): string[] => e.app(env).render().flatMap((f) => f.docs)
      .filter((d) => d.kind !== 'HorizontalPodAutoscaler' && d.kind !== 'PodDisruptionBudget')
      // A one-off Job's name ends in a hash of its spec: the migration runs the API's image, whose tag differs.
      .map((d) => `${d.kind}/${d.metadata.namespace ?? ''}/${d.kind === 'Job' ? d.metadata.name.replace(/-[0-9a-f]{8}$/, '-<hash>') : d.metadata.name} ${JSON.stringify(d.metadata.labels?.['app.kubernetes.io/name'])}`);
    expect(ids('dev')).toEqual(ids('prod'));
    const web = (env: string): any => e.app(env).render().flatMap((f) => f.docs).filter((d) => d.kind === 'Ingress')[0];
    expect([web('dev').spec.rules[0].host, web('prod').spec.rules[0].host]).toEqual(['shop.dev.example.com', 'shop.example.com']);
    const api = (env: string): any => findObject(e.app(env).render().flatMap((f) => f.docs), 'Deployment', 'shop-api');
    expect([api('dev').spec.replicas, api('prod').spec.replicas]).toEqual([1, 3]);
    expect(podSpecOf(api('dev')).containers[0].image).toBe('ghcr.io/acme/shop-api:3.3.0-rc.1');
  });

  test('dev keeps the database and the queue on emptyDirs (suppressed with reasons); prod keeps them on volumes', () => {
    const e = platform({ outdir: '/nonexistent' });
    const stores = (env: string) => e.app(env).render().flatMap((f) => f.docs).filter((d) => d.kind === 'StatefulSet');
    for (const name of ['shop-db', 'shop-cache']) {
      const dev = findObject(stores('dev'), 'StatefulSet', name);
      expect(dev.spec.volumeClaimTemplates).toBeUndefined();
      expect(dev.metadata.annotations).toMatchObject({
        'timonel.dev/data': 'ephemeral', 'timonel.dev/suppress.practice-ephemeral-data': expect.stringMatching(/^development: /),
      });
      expect(podSpecOf(dev).volumes).toContainEqual(expect.objectContaining({ name: 'data', emptyDir: expect.any(Object) }));
      const prod = findObject(stores('prod'), 'StatefulSet', name);
      expect(prod.spec.volumeClaimTemplates).toHaveLength(1);
      expect(prod.metadata.annotations ?? {}).not.toHaveProperty('timonel.dev/data');
    }
    expect(podSpecOf(findObject(stores('dev'), 'StatefulSet', 'shop-db')).volumes).toContainEqual({ name: 'data', emptyDir: { sizeLimit: '2Gi' } });
  });

  test("the platform's own rule (example-part-of) holds for its workloads and refuses a hand-written one without the label", () => {
    const app = new App({ outdir: '/nonexistent' });
    buildPlatform(app);
    expect(app).toPassPolicies();
    const chart = app.node.findChild('hello') as TimonelChart;
    new k8s.KubeDeployment(chart, 'raw', {
      metadata: { name: 'raw' },
      spec: { selector: { matchLabels: { app: 'raw' } }, template: { metadata: { labels: { app: 'raw' } }, spec: { containers: [{ name: 'main', image: 'nginx:1.27.2' }] } } },
    });
    expect(() => app.render()).toThrow("[hello/raw] Deployment hello/raw 'metadata.labels' has no 'app.kubernetes.io/part-of' label. Fix: use a timonel workload (it sets the chart's id), "
      + "or add the label: metadata.addLabel('app.kubernetes.io/part-of', 'shop') (example-part-of)");
  });

  test('every object of the example platform validates against the Kubernetes 1.28 schema', () => {
    const app = new App({ outdir: '/nonexistent' });
    buildPlatform(app);
    const docs = app.render().flatMap((f) => f.docs);
    expect(docs.length).toBeGreaterThan(20);
    expectValidManifests(docs, { skipCustomResources: true });
  });

  test('the platform renders one file per chart, in order, each in apply order', () => {
    const app = new App({ outdir: '/nonexistent' });
    buildPlatform(app);
    const files = app.render();
    // Charts in the order src/main.ts adds them (none depends on another).
    expect(files.map((f) => f.fileName)).toEqual(['hello.k8s.yaml', 'flask.k8s.yaml', 'shop.k8s.yaml', 'reports.k8s.yaml', 'logging.k8s.yaml']);
    for (const f of files) {
      expect(f.docs.length).toBeGreaterThan(0);
      // Within a file, objects are in apply order: no kind before one it may refer to, except a
      // workload moved up to run before one that depends on it (a migration before its app).
      const ranks = f.docs.filter((d) => d.kind !== 'Job').map((d) => applyRank(d.kind));
      expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
    }
    // Stores come before the migration, and the migration before the app that needs it.
    const shop = files.find((f) => f.fileName === 'shop.k8s.yaml')!.docs.map((d) => `${d.kind}/${d.metadata.name}`);
    const migration = shop.findIndex((k) => k.startsWith('Job/shop-migrate-'));
    expect(shop.indexOf('StatefulSet/shop-db')).toBeLessThan(migration);
    expect(migration).toBeLessThan(shop.indexOf('Deployment/shop-api'));
  });
});
