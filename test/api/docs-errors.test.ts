// Every error example in the README and docs/*.md is the message timonel throws for it: each
// example is listed here, in document order, with the code that makes it, so a changed message
// (or a new example) fails here until the doc says what timonel says. In an example, '…' stands
// for text left out; everything else is the message as written.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, JsonPatch, Testing } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import {
  App, BatchJob, defineRule, EgressTarget, Environments, Migration, NodeAgent, Policy, PostgreSQL, Probe, Profile, Redis, StatefulStore, StoreCredentials,
  TimonelChart, TimonelChartProps, validateProps, WebApp, Worker, Workload, WorkloadProps,
} from '../../src';
import { formatAppError } from '../../src/cli/synth';
import { publish } from '../../src/app/publish';

const ROOT = path.join(__dirname, '..', '..');
const IMAGE = 'ghcr.io/acme/web:1.0.0';

interface Example { readonly line: number; readonly text: string; readonly inline: boolean }

/**
 * The error examples of a doc: lines of a plain fenced block that start with a construct path
 * (`[shop/web] …`, with the indented lines of a multi-problem error), and inline code that reads
 * as a message (`[path] 'prop' …`, or one holding 'Fix: ' or ', got ').
 */
function examples(doc: string): Example[] {
  const lines = fs.readFileSync(path.join(ROOT, doc), 'utf8').split('\n');
  const out: Example[] = [];
  let fence: string | undefined;
  let prose: Array<[number, string]> = [];
  const inline = () => {
    const text = prose.map(([, l]) => l).join('\n');
    for (const m of text.matchAll(/`([^`]+)`/g)) {
      const span = m[1].replace(/\s*\n\s*/g, ' ');
      if (!/^\[[^\]\s]+\] '/.test(span) && !/Fix: |, got /.test(span)) continue;
      out.push({ line: prose[text.slice(0, m.index).split('\n').length - 1][0], text: span, inline: true });
    }
    prose = [];
  };
  let indent = '';
  lines.forEach((l, i) => {
    const opening = /^(\s*)```(.*)$/.exec(l);
    if (opening) {
      if (fence === undefined) {
        inline();
        [, indent, fence] = opening;
      } else fence = undefined;
    } else if (fence === undefined) prose.push([i + 1, l]);
    else if (fence === '' || fence === 'text') {
      const text = l.slice(indent.length);
      const last = out[out.length - 1];
      if (/^(?:[\w-]+: )?\[[^\]\s]+\] |^Policy check failed/.test(text)) out.push({ line: i + 1, text, inline: false });
      else if (last && !last.inline && last.line + last.text.split('\n').length === i + 1 && /^ {2}\S|^Fix each/.test(text)) {
        out[out.length - 1] = { ...last, text: `${last.text}\n${text}` };
      }
    }
  });
  inline();
  return out;
}

/** Whether `message` is what `example` shows: '…' stands for any text; inline code may be a part of the message. */
function shows(example: Example, message: string): boolean {
  const pattern = example.text.split('…').map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('[\\s\\S]*?');
  if (!example.inline) return new RegExp(`^${pattern}$`).test(message);
  return new RegExp(example.text.startsWith('[') ? `^${pattern}` : pattern).test(message);
}

/** The message `f` throws. */
function message(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('accepted');
}

const chart = (id = 'shop', props: TimonelChartProps = { namespace: 'shop' }, app = new App()) => new TimonelChart(app, id, props);
const web = (props: Record<string, unknown>, id = 'web') => () => new WebApp(chart(), id, { image: IMAGE, ...props } as any);
const kv = (props: Record<string, unknown>) => () => new StatefulStore(chart(), 'kv', { image: 'ghcr.io/acme/kv:1.0.0', port: 7000, ...props } as any);
const secret = StoreCredentials.fromSecret('shop-db');

/** A shop with a web app and a database, for the verbs. */
function shop(ns = 'shop') {
  const app = new App();
  const c = chart('shop', { namespace: ns }, app);
  return { app, chart: c, web: new WebApp(c, 'web', { image: IMAGE }), db: new PostgreSQL(c, 'db', { credentials: secret }) };
}

/**
 * A custom Workload, as docs/custom-workloads.md writes one: `lazy` passes its pod template on,
 * `spread` copies the template's spec (wrongly), `eager` renders the pod at once, `by-hand` writes its own pod spec.
 */
class Poller extends Workload {
  constructor(scope: Construct, id: string, props: WorkloadProps, how: 'lazy' | 'spread' | 'eager' | 'by-hand' = 'lazy') {
    super(scope, id, props);
    if (how === 'by-hand') {
      const spec = { serviceAccountName: this.serviceAccount.name, containers: [{ name: 'main', image: props.image }] };
      new k8s.KubeDeployment(this, 'Resource', { metadata: this.metadata(), spec: { selector: { matchLabels: this.selectorLabels }, template: { metadata: { labels: this.selectorLabels }, spec } } });
      return;
    }
    if (how === 'eager') {
      new k8s.KubePod(this, 'Resource', {
        metadata: { ...this.metadata(), annotations: this.pod.renderAnnotations() },
        spec: this.pod.renderSpec({ serviceAccountName: this.serviceAccount.name, main: {} }),
      });
      return;
    }
    const t = this.podTemplate();
    const template = how === 'spread' ? { metadata: t.metadata, spec: { ...(t.spec as any), hostname: 'poller' } } : t;
    new k8s.KubeDeployment(this, 'Resource', { metadata: this.metadata(), spec: { selector: { matchLabels: this.selectorLabels }, template } });
  }
}

/** The Poller of docs/custom-workloads.md's first example, with its own prop `replicas`. */
class CountedPoller extends Workload {
  constructor(scope: Construct, id: string, props: WorkloadProps & { replicas?: number }) {
    super(scope, id, props, { ownProps: ['replicas'] });
    new k8s.KubeDeployment(this, 'Resource', {
      metadata: this.metadata(),
      spec: { replicas: props.replicas ?? 1, selector: { matchLabels: this.selectorLabels }, template: this.podTemplate() },
    });
  }
}

const GRANT = { rules: [{ resources: ['pods'], verbs: ['list' as const] }] };

/** A Worker `ctl` with Kubernetes API permissions beside a Redis `queue`, with no traffic.apiServer. */
function granted(ns = 'shop') {
  const c = chart(ns, { namespace: ns });
  const queue = new Redis(c, 'queue', { mode: 'cache' });
  return { queue, ctl: (props: object = {}) => new Worker(c, 'ctl', { image: IMAGE, readiness: false, liveness: false, ...props }) };
}

/** A chart with a database, an API that uses it, and a Migration to add. */
function migrating() {
  const c = chart();
  const db = new PostgreSQL(c, 'db', { credentials: secret });
  const api = new WebApp(c, 'api', { image: IMAGE });
  api.connectTo(db);
  return { chart: c, db, api };
}

let tmp: string;
let cwd: string;
beforeAll(() => {
  // Values files and output folders are named as given: relative to a scratch working directory.
  cwd = process.cwd();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'timonel-docs-errors-'));
  process.chdir(tmp);
});
afterAll(() => {
  process.chdir(cwd);
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** The Environments of a values file at values/prod.yaml holding `yaml`. */
function valuesFile(yaml: string) {
  const defaults = { profile: 'restricted', web: { replicas: 2, tag: '1.0', autoscaling: { minReplicas: 2, maxReplicas: 5 } } };
  return () => {
    fs.mkdirSync('values', { recursive: true });
    fs.writeFileSync('values/prod.yaml', yaml);
    return new Environments({ defaults, environments: { prod: { valuesFile: 'values/prod.yaml' } }, build: () => undefined, outdir: 'dist' }).values('prod');
  };
}

const delivery = (d: Record<string, unknown>) => () => new Environments({
  defaults: {}, environments: { dev: {}, prod: {} }, build: () => undefined, outdir: 'dist', delivery: d as any,
});

const MADE: Record<string, Array<() => unknown>> = {
  'README.md': [
    web({ resources: { memory: { limit: '10GB' } } }),
    () => new BatchJob(chart(), 'nightly', { image: IMAGE, schedule: '61 * * * *' }),
  ],
  'docs/batch-job.md': [
    () => new BatchJob(chart(), 'nightly', { image: IMAGE, schedule: '61 * * * *' }),
    () => new BatchJob(chart(), 'nightly', { image: IMAGE, schedule: '0 3 * * *', timeZone: 'Europe/Madird' }),
    () => new BatchJob(chart(), 'once', { image: IMAGE, timeZone: 'Europe/Madrid' }),
    () => new BatchJob(chart(), 'once', { image: IMAGE, restartPolicy: 'Always' } as any),
    () => new BatchJob(chart(), 'once', { image: IMAGE, completionMode: 'Indexed' } as any),
    () => new BatchJob(chart('shop', { namespace: 'shop' }, new App({ delivery: 'argocd' })), 'once', { image: IMAGE, ttlSecondsAfterFinished: 600 }),
    () => new BatchJob(chart(), 'once', { image: IMAGE }).addEnv({ A: '1' }),
  ],
  'docs/connections.md': [
    () => { const s = shop(); s.web.connectTo(s.db, { envForm: 'host-port', url: {} } as any); },
    () => { const g = granted(); g.ctl({ permissions: [GRANT], connectTo: [g.queue] }); },
    () => { const s = shop(); s.web.connectTo(s.web as any); },
    () => { const s = shop(); s.web.connectTo(shop().db); },
    () => { const s = shop(); s.web.connectTo(s.db, { env: { host: 'DB_PORT' } }); },
    () => { const s = shop(); s.web.allowEgress(EgressTarget.app(s.db, { ports: [5433] })); },
    () => { const s = shop(); s.web.connectTo(s.db); s.web.connectTo(s.db); },
    () => { const s = shop(); new WebApp(chart('other', { namespace: 'other' }, s.app), 'web', { image: IMAGE }).connectTo(s.db); },
    () => {
      const s = shop();
      const db = new PostgreSQL(s.chart, 'db2', { credentials: secret });
      new WebApp(chart('other', { namespace: 'other' }, s.app), 'web', { image: IMAGE }).connectTo(db, { allowCrossNamespace: true });
    },
    () => { const s = shop(); new WebApp(s.chart, 'api', { image: IMAGE }).connectTo(s.web.service as any); },
    () => { const s = shop(); new WebApp(s.chart, 'api', { image: IMAGE }).connectTo(s.db, { envForm: 'host-port', url: { scheme: 'postgres' } }); },
    () => {
      const s = shop();
      const gw = new WebApp(chart('pay', { namespace: 'payments' }, s.app), 'gw', { image: IMAGE });
      s.web.allowEgress(EgressTarget.app(gw));
    },
    () => { const g = granted(); const w = g.ctl(); w.connectTo(g.queue); w.grant(GRANT); },
    () => shop().web.allowEgress(EgressTarget.namespace('otel', { podLabel: { app: 'otel' } } as any)),
    () => shop().web.allowEgress(EgressTarget.cidrs(['198.51.100.7/24'], { ports: [443] })),
    web({ isolate: true, route: { gateway: { name: 'public', namespace: 'gateway' } } }),
    web({ isolate: true, ingress: { host: 'shop.example.com', className: 'traefik' } }),
    () => { const s = shop(); const c = chart('internal', { namespace: 'internal' }, s.app); new WebApp(c, 'admin', { image: IMAGE }).allowFrom({ namespace: 'ops', podLabel: { app: 'toolbox' } } as any); },
    () => { const s = shop(); const a = new WebApp(s.chart, 'a', { image: IMAGE }); const b = new WebApp(s.chart, 'b', { image: IMAGE }); a.connectTo(b); b.connectTo(a); },
    () => { const s = shop(); new Worker(s.chart, 'orders', { image: IMAGE, connectTo: [{ target: s.db, options: { containers: ['main', 'migrate'] } }] } as any); },
  ],
  'docs/custom-workloads.md': [
    () => { const c = chart('shop', { namespace: 'shop' }); new CountedPoller(c, 'poller', { image: IMAGE, replicas: '2' as any }); Testing.synth(c); },
    () => new Poller(chart(), 'poller', { image: IMAGE, replicas: 2 } as WorkloadProps),
    () => new Poller(chart(), 'poller', { image: IMAGE }, 'spread'),
    () => new Poller(chart('hello', { namespace: 'hello' }), 'pod', { image: IMAGE }, 'eager').addEnv({ LATE: '1' }),
    () => { const s = shop(); new Poller(s.chart, 'poller', { image: IMAGE, env: { LOG_LEVEL: 'info' } }, 'by-hand').connectTo(s.db); s.app.render(); },
  ],
  'docs/delivery.md': [
    delivery({ tool: 'argocd', repository: { url: 'github.com/acme/x' } }),
    delivery({ tool: 'flux', repository: { url: 'git@github.com:acme/x.git', path: 'dist' } }),
    delivery({ tool: 'flux', repository: { url: 'https://github.com/acme/x.git', path: '/dist' } }),
    () => new Environments({
      defaults: {}, environments: { prod: {} }, outdir: 'dist', delivery: { tool: 'flux', repository: { url: 'https://github.com/acme/x.git', path: 'dist' } },
      build: (app) => { new WebApp(new TimonelChart(app, 'nons'), 'web', { image: IMAGE, isolate: true }); },
    }).app('prod').output(),
    delivery({ tool: 'argocd', repository: { url: 'https://github.com/acme/x.git', path: 'dist' }, clusters: { prd: 'https://prod.example.com' } }),
    delivery({ tool: 'flux', repository: { url: 'https://github.com/acme/x.git', path: 'dist' }, interval: '1d' }),
    () => {
      const app = new App({ delivery: 'flux' });
      const db = new PostgreSQL(chart('data', { namespace: 'shop', createNamespace: false }, app), 'db', { credentials: secret });
      new WebApp(chart('shop', { namespace: 'shop' }, app), 'api', { image: IMAGE }).connectTo(db);
      app.output();
    },
    () => { const s = migrating(); new Migration(s.chart, 'migrate', { image: IMAGE, connectTo: [{ target: s.db }], before: [s.api.service] } as any); },
    () => { const s = migrating(); new Migration(s.chart, 'migrate', { image: IMAGE, connectTo: [{ target: s.db }], before: [s.db] }); },
    () => { const s = migrating(); new Migration(s.chart, 'migrate', { image: IMAGE, connectTo: [{ target: s.db }], before: [s.chart] }); },
    () => {
      const app = new App();
      const a = chart('a', { namespace: 'a' }, app);
      const x = new WebApp(a, 'x', { image: IMAGE });
      const y = new WebApp(a, 'y', { image: IMAGE });
      x.node.addDependency(y);
      y.node.addDependency(x);
      app.render();
    },
    () => {
      const app = new App({ delivery: 'argocd' });
      const c = chart('shop', { namespace: 'shop' }, app);
      const db = new PostgreSQL(c, 'db', { credentials: secret });
      const api = new WebApp(c, 'api', { image: IMAGE });
      api.connectTo(db);
      new Migration(c, 'migrate', { image: IMAGE, connectTo: [db], before: [api], argocd: 'pre-sync' });
      app.render();
    },
  ],
  'docs/environments.md': [
    () => new Environments({
      defaults: { profile: 'restricted', web: { tag: '1.8.4', host: 'shop.example.com', replicas: 2, autoscaling: { minReplicas: 2, maxReplicas: 10 } } },
      environments: { dev: { values: { web: { replica: 1 } } as any } }, build: () => undefined, outdir: 'dist',
    }),
    valuesFile('web:\n  autoscaling:\n    maxReplica: 20\n'),
    valuesFile("web:\n  replicas: '3'\n"),
    valuesFile('web:\n  replicas: 3\n  tag: 1.10\n'),
    valuesFile('web:\n  host: x\n   tags: [b]\n'),
    valuesFile('- replicas: 3\n'),
    () => new Environments({ defaults: {}, environments: { Prod: {} }, build: () => undefined, outdir: 'dist' }),
  ],
  'docs/node-agent.md': [
    () => {
      const c = chart('logging', { namespace: 'logging' });
      new NodeAgent(c, 'shipper', { image: IMAGE, hostPaths: [{ name: 'logs', path: '/var/log', reason: 'reads the container logs of every pod on the node' }] });
      Testing.synth(c);
    },
  ],
  'docs/output.md': [
    () => {
      publish('deploy', [['a.k8s.yaml', 'a: 1\n']]);
      fs.writeFileSync('deploy/README.md', '# deploy\n');
      fs.writeFileSync('deploy/argo-application.yaml', 'kind: Application\n');
      try {
        publish('deploy', [['a.k8s.yaml', 'a: 2\n']]);
      } catch (e) {
        throw new Error(formatAppError(e).trimEnd());
      }
    },
    () => {
      const app = new App();
      for (const id of ['a', 'b']) new k8s.KubeConfigMap(chart(id, { namespace: 'shop', createNamespace: id === 'a' }, app), 'settings', { metadata: { name: 'settings' } });
      app.render();
    },
  ],
  'docs/permissions.md': [
    () => { const g = granted('ops'); g.ctl({ permissions: [GRANT], connectTo: [g.queue] }); },
    () => new Worker(chart('ops', { namespace: 'ops' }), 'ctl', { image: IMAGE }).grant({ rules: [{ resources: ['ConfigMap'], verbs: ['get'] }] }),
    () => new Worker(chart('ops', { namespace: 'ops' }), 'ctl', { image: IMAGE }).grant({ rules: [{ resources: ['configmap'], verbs: ['get'] }] }),
    () => new Worker(chart('ops', { namespace: 'ops' }), 'ctl', { image: IMAGE }).grant({ rules: [{ resources: ['deployments'], verbs: ['get'] }] }),
    () => new Worker(chart('ops', { namespace: 'ops' }), 'ctl', { image: IMAGE }).grant({ rules: [{ resources: ['pods/logs'], verbs: ['get'] }] }),
  ],
  'docs/policies.md': [
    () => {
      const c = chart();
      const w = new WebApp(c, 'web', { image: IMAGE, name: 'web' });
      ApiObject.of(w.deployment).addJsonPatch(JsonPatch.replace('/spec/template/spec/securityContext/runAsUser', 0));
      const api = new WebApp(c, 'api', { image: IMAGE, name: 'api', port: 7000 });
      ApiObject.of(api.service).addJsonPatch(JsonPatch.replace('/spec/ports/0/port', 70000));
      Testing.synth(c);
    },
    () => chart('shop', { namespace: 'shop', policy: { profile: Profile.custom({ name: 'team', disable: ['pss-restricted-seccomp'] }) } }),
    () => {
      const app = new App();
      chart('shop', { namespace: 'shop' }, app);
      const legacy = chart('legacy', { namespace: 'shop', createNamespace: false, policy: { profile: 'baseline' } }, app);
      new WebApp(legacy, 'old', { image: IMAGE });
      app.render();
    },
    () => {
      const requireTeamLabel = defineRule({
        id: 'org-team-label', severity: 'error', rationale: 'Every workload names the team that is paged for it.', pods: true,
        check(o, report) {
          if (!o.metadata.labels?.team) report({ field: 'metadata.labels', message: "has no 'team' label", fix: "label the chart: new TimonelChart(app, 'shop', { labels: { team: 'payments' } })" });
        },
      });
      const app = new App();
      Policy.setDefault(app, Profile.custom({ extends: 'restricted', rules: [requireTeamLabel] }));
      new WebApp(chart('shop', { namespace: 'shop' }, app), 'web', { image: IMAGE });
      app.render();
    },
  ],
  'docs/rollouts.md': [
    web({ rollout: { maxSurge: 0, maxUnavailable: 0 } }),
    () => new NodeAgent(chart('logging', { namespace: 'logging' }), 'shipper', {
      image: IMAGE, hostPorts: [{ name: 'fwd', port: 24224, reason: 'node-local apps send logs to the node address' }], update: { maxSurge: 1, maxUnavailable: 0 },
    }),
  ],
  'docs/stateful-store.md': [
    () => new PostgreSQL(chart(), 'db', { credentials: StoreCredentials.fromExternalSecret({ store: 'vault', remoteKey: 'shop/db', refreshInterval: '1d' }) }),
    () => new PostgreSQL(chart(), 'db', {} as any),
    () => new PostgreSQL(chart(), 'db', { credentials: secret, replicas: 2 } as any),
    () => new PostgreSQL(chart(), 'db', { credentials: (StoreCredentials.fromLiteralsINSECURE as any)({ password: 'x' }) } as any),
    kv({ env: { API_TOKEN: 'x' } }),
    kv({ storage: [{ mountPath: '/data', size: '10GB' }] }),
    () => new PostgreSQL(chart(), 'db', { credentials: secret, storage: { size: '100' } }),
    kv({ storage: [{ mountPath: 'data', size: '1Gi' }] }),
    kv({ replicas: 1, disruptionBudget: true }),
    () => new Redis(chart(), 'cache', { mode: 'store' } as any),
    () => new Redis(chart(), 'carts', { mode: 'cache', maxMemory: '300Mi' } as any),
    () => new PostgreSQL(chart(), 'db', { credentials: secret, ephemeral: true, storage: { storageClassName: 'fast' } } as any),
  ],
  'docs/validation.md': [
    web({ image: 'gcr.io/distroless/static:latest-amd64' }),
    web({ readiness: Probe.tcp({ port: 9999 }) }),
    web({ sidecars: [{ name: 'envoy', image: 'envoyproxy/envoy:v1.31.0', ports: [{ name: 'proxy', port: 8080 }] }] }, 'api'),
    web({ healtPath: '/healthz', extraPorts: [{ name: 'http', port: 9000 }], rollout: { maxSurge: '25' } }),
    web({ healthPath: '/healthz', extraPorts: [{ name: 'http', port: 9000 }], rollout: { maxSurge: '25%' } }),
    web({ replicas: -1 }),
    () => chart('shop', { namespace: 'shop', policy: { profile: 'strict' } } as any),
    () => Probe.http('healthz'),
    () => validateProps('BatchJob', { image: IMAGE, schedule: '0 2 31 2 *' }, 'nightly.yaml'),
  ],
  'docs/web-app.md': [
    web({ drain: { delaySeconds: 30 } }),
    web({ image: 'nginx:latest' }),
    web({ resources: { memory: { limit: '10GB' } } }),
    web({ healthPath: 'healthz' }),
    web({ ingress: { tls: {} } }),
    web({ autoscaling: { minReplicas: 0 } }),
    web({ securityContext: { runAsUser: 0 } }),
    () => new WebApp(chart(), 'Bad_Name', { image: IMAGE }),
  ],
  'docs/worker.md': [
    () => new Worker(chart(), 'orders', { image: IMAGE, liveness: Probe.http('/healthz') } as any),
    () => new Worker(chart(), 'orders', { image: IMAGE, replicas: 3, autoscaling: { maxReplicas: 5 } } as any),
    () => { const c = chart(); new Worker(c, 'orders', { image: IMAGE }).allowFrom(new WebApp(c, 'web', { image: IMAGE })); },
    () => new Worker(chart(), 'orders', { image: IMAGE }).allowFrom({ namespace: 'monitoring', podLabels: { 'app.kubernetes.io/name': 'prometheus' } }),
    () => new Worker(chart(), 'orders', { image: IMAGE, extraPorts: [{ name: 'metrics', port: 9394 }] } as any),
    () => new Worker(chart(), 'orders', { image: IMAGE, metrics: {} } as any),
  ],
};

const DOCS = ['README.md', ...fs.readdirSync(path.join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).sort().map((f) => `docs/${f}`)];

test('every doc with error examples is listed here, and only those', () => {
  expect(Object.keys(MADE).sort()).toEqual(DOCS.filter((d) => examples(d).length > 0).sort());
});

test.each(Object.keys(MADE))('the error examples of %s are the messages timonel throws', (doc) => {
  const found = examples(doc);
  if (found.length !== MADE[doc].length) {
    throw new Error(`${doc} has ${found.length} error examples (lines ${found.map((e) => e.line).join(', ')}), and MADE['${doc}'] makes ${MADE[doc].length}: `
      + 'add the code that throws each new example to MADE, in the order of the doc');
  }
  // Where an example does not show the message, the diff shows the message in full.
  const actual = found.map((e, i) => {
    const m = message(MADE[doc][i]);
    return shows(e, m) ? e.text : `${m}    (${doc}:${e.line})`;
  });
  expect(actual).toEqual(found.map((e) => e.text));
});
