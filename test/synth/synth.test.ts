import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, App, Chart, DependencyGraph, JsonPatch, Lazy, Yaml, YamlOutputType } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct, IConstruct, Node } from 'constructs';
import {
  appCharts,
  CDK8S_CHART_TO_JSON,
  cdk8sIsVerified,
  cdk8sVersion,
  chartToKube,
  FindAllCache,
  resolveDependencies,
  topology,
  VERIFIED_CDK8S,
} from '../../src/synth/cdk8s-internals';
import { TimonelChart } from '../../src/app/chart';
import { orderForApply } from '../../src/app/order';
import { TimonelError } from '../../src/core/errors';
import { WebApp } from '../../src/constructs/web-app';
import { RenderedFile, synthesizeApp } from '../../src/synth/synth';
import { synthesizePlain, withoutChartPolicies } from '../support/plain';
import { thrown } from '../support/util';

// What the timonel App passes: TimonelChart.toJson() is apply order on top of cdk8s's toJson().
const synth = (app: App) => synthesizeApp(app, { postProcess: (c) => (c.toJson === TimonelChart.prototype.toJson ? orderForApply : undefined) });

// Every test builds the same construct tree twice: once synthesized by the fast path, once by plain
// cdk8s (its own App.synth() into a temporary folder, or chart.toJson() per chart).
type Build = (app: App) => void;

let tmp: string;
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'timonel-synth-'));
});
afterEach(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
  jest.restoreAllMocks();
});

function newApp(props: { outdir?: string } = {}): App {
  return new App({ outdir: props.outdir ?? path.join(tmp, 'unused') });
}

/** What plain cdk8s App.synth() writes, file name to text. */
function plainSynth(build: Build): Record<string, string> {
  const outdir = path.join(tmp, `plain-${Math.random().toString(36).slice(2)}`);
  const app = newApp({ outdir });
  build(app);
  // Plain cdk8s output: TimonelChart's per-chart policy run is not part of what is compared.
  withoutChartPolicies(() => app.synth());
  const out: Record<string, string> = {};
  for (const f of fs.readdirSync(outdir)) out[f] = fs.readFileSync(path.join(outdir, f), 'utf8');
  return out;
}

/** The fast path's files as text, in its order. */
function fastFiles(build: Build): [string, string][] {
  const app = newApp();
  build(app);
  return withoutChartPolicies(() => synth(app)).charts.map((c) => [c.fileName, Yaml.stringify(...c.docs)]);
}

function asText(files: readonly RenderedFile[]): [string, string][] {
  return files.map((f) => [f.fileName, Yaml.stringify(...f.docs)]);
}

/** Asserts the fast path equals plain cdk8s: its App.synth() files, and chart.toJson() per chart. */
function expectSameAsCdk8s(build: Build): [string, string][] {
  const fast = fastFiles(build);
  expect(Object.fromEntries(fast)).toEqual(plainSynth(build));
  const app = newApp();
  build(app);
  expect(fast).toEqual(asText(synthesizePlain(app)));
  return fast;
}

const selector = { matchLabels: { app: 'web' } };
function deployment(scope: Construct, id: string, image = 'nginx:1.27.2'): k8s.KubeDeployment {
  return new k8s.KubeDeployment(scope, id, {
    spec: { selector, template: { metadata: { labels: selector.matchLabels }, spec: { containers: [{ name: 'main', image }] } } },
  });
}

function service(scope: Construct, id: string): k8s.KubeService {
  return new k8s.KubeService(scope, id, { spec: { selector: selector.matchLabels, ports: [{ port: 80, targetPort: k8s.IntOrString.fromNumber(8080) }] } });
}

/** Several TimonelCharts with L1 objects out of apply order, Lazy values and within-chart dependencies. */
const severalCharts: Build = (app) => {
  for (const name of ['shop', 'billing', 'search']) {
    const chart = new TimonelChart(app, name, { namespace: name });
    const d = deployment(chart, 'web');
    const svc = service(chart, 'web-svc');
    // Resolved at synthesis: sees everything added after it.
    const cm = new k8s.KubeConfigMap(chart, 'config', {
      data: Lazy.any({ produce: () => ({ objects: String(chart.node.findAll().filter((c) => c instanceof ApiObject).length) }) }),
    });
    new k8s.KubeServiceAccount(chart, 'sa', { automountServiceAccountToken: false });
    d.addDependency(cm);
    svc.addDependency(d);
    d.addJsonPatch(JsonPatch.add('/spec/replicas', 2));
    new k8s.KubeConfigMap(chart, 'late', { data: { replicas: Lazy.any({ produce: () => String(d.toJson().spec.replicas) }) } });
  }
};

describe('synthesizeApp equals plain cdk8s', () => {
  test('several TimonelCharts: files, apply order, Lazy values, patches', () => {
    const files = expectSameAsCdk8s(severalCharts);
    expect(files.map(([f]) => f)).toEqual(['shop.k8s.yaml', 'billing.k8s.yaml', 'search.k8s.yaml']);
    const kinds = files[0][1].split('\n').filter((l) => l.startsWith('kind: '));
    expect(kinds).toEqual(['kind: Namespace', 'kind: ServiceAccount', 'kind: ConfigMap', 'kind: ConfigMap', 'kind: Service', 'kind: Deployment']);
    expect(files[0][1]).toContain('objects: "6"');
    expect(files[0][1]).toContain('replicas: "2"');
  });

  test('cross-chart and construct-level dependencies and nested charts: indexed names, dependency order', () => {
    const build: Build = (app) => {
      // Created before what they depend on, so the order is the dependency order, not creation order.
      const frontend = new TimonelChart(app, 'frontend', { namespace: 'frontend' });
      const web = deployment(frontend, 'web');
      const api = new TimonelChart(app, 'api', { namespace: 'api' });
      const apiSvc = service(api, 'api');
      const db = new TimonelChart(app, 'db');
      const dbConfig = new k8s.KubeConfigMap(db, 'config', { data: { a: 'b' } });
      // Within a chart: every ConfigMap under 'jobs' depends on every one under 'pre', in tree order.
      const pre = new Construct(db, 'pre');
      const jobs = new Construct(db, 'jobs');
      new k8s.KubeConfigMap(jobs, 'j1', {});
      new k8s.KubeConfigMap(pre, 'p2', {});
      new k8s.KubeConfigMap(pre, 'p1', {});
      jobs.node.addDependency(pre);
      const shared = new TimonelChart(app, 'shared');
      new k8s.KubeConfigMap(shared, 'common', {});
      frontend.addDependency(api);
      // Construct-level only: makes a chart dependency and ApiObject-level dependencies.
      apiSvc.node.addDependency(dbConfig);
      web.node.addDependency(apiSvc);
      // Nested charts: a TimonelChart and a plain chart inside a TimonelChart.
      const inner = new TimonelChart(db, 'migrations');
      new k8s.KubeJob(inner, 'migrate', { spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'm', image: 'flyway:10' }] } } } });
      const plainInner = new Chart(inner, 'plain');
      new k8s.KubeConfigMap(plainInner, 'x', {});
    };
    const files = expectSameAsCdk8s(build);
    // Nested charts come before their parent; db before api (construct dependency) before frontend.
    expect(files.map(([f]) => f)).toEqual([
      '0000-db-migrations-plain-c84d44be.k8s.yaml',
      '0001-db-migrations-c8ba6a9f.k8s.yaml',
      '0002-db.k8s.yaml',
      '0003-api.k8s.yaml',
      '0004-frontend.k8s.yaml',
      '0005-shared.k8s.yaml',
    ]);
  });

  test('a construct-level dependency alone makes the file names indexed', () => {
    const build: Build = (app) => {
      const b = new TimonelChart(app, 'b');
      const a = new TimonelChart(app, 'a');
      new k8s.KubeConfigMap(b, 'cm', {}).node.addDependency(new k8s.KubeConfigMap(a, 'cm', {}));
    };
    expect(expectSameAsCdk8s(build).map(([f]) => f)).toEqual(['0000-a.k8s.yaml', '0001-b.k8s.yaml']);
  });

  test('plain cdk8s Charts mixed in keep their order (no apply ordering) and hashed names', () => {
    const build: Build = (app) => {
      severalCharts(app);
      const plain = new Chart(app, 'plain', { namespace: 'plain', labels: { team: 'x' } });
      deployment(plain, 'web');
      service(plain, 'svc');
      new k8s.KubeNamespace(plain, 'ns', {});
    };
    const files = expectSameAsCdk8s(build);
    const plain = files.find(([f]) => f === 'plain.k8s.yaml')![1];
    expect(plain.split('\n').filter((l) => l.startsWith('kind: '))).toEqual(['kind: Deployment', 'kind: Service', 'kind: Namespace']);
    expect(plain).toMatch(/name: plain-web-c8[0-9a-f]{6}/);
  });

  test('a chart class overriding toJson() keeps its own output', () => {
    class Reversed extends Chart {
      public toJson(): any[] {
        return super.toJson().reverse();
      }
    }
    const build: Build = (app) => {
      severalCharts(app);
      const r = new Reversed(app, 'reversed');
      new k8s.KubeConfigMap(r, 'one', {});
      new k8s.KubeConfigMap(r, 'two', {});
    };
    const files = expectSameAsCdk8s(build);
    const reversed = files.find(([f]) => f === 'reversed.k8s.yaml')![1];
    expect(reversed.indexOf('reversed-two')).toBeLessThan(reversed.indexOf('reversed-one'));
  });

  test('Lazy values resolve in the same order and the same number of times', () => {
    const order = (synth: (build: Build) => unknown): string[] => {
      const seen: string[] = [];
      synth((app) => {
        for (const name of ['b', 'a']) {
          const chart = new TimonelChart(app, name);
          for (const id of ['svc', 'cm']) {
            const produce = (): string => {
              seen.push(`${name}/${id}`);
              return 'v';
            };
            if (id === 'svc') new k8s.KubeService(chart, id, { metadata: { annotations: { x: Lazy.any({ produce }) } } });
            else new k8s.KubeConfigMap(chart, id, { data: { x: Lazy.any({ produce }) } });
          }
        }
      });
      return seen;
    };
    const fast = order(fastFiles);
    expect(fast).toEqual(['b/svc', 'b/cm', 'a/svc', 'a/cm']);
    expect(order(plainSynth)).toEqual(fast);
  });

  test('an empty app renders no files', () => {
    expect(synth(newApp()).charts).toEqual([]);
    expect(synthesizePlain(newApp())).toEqual([]);
  });

  test('synthesizing twice gives the same output (dependency resolution is idempotent)', () => {
    const app = newApp();
    severalCharts(app);
    const b = new TimonelChart(app, 'b');
    new k8s.KubeConfigMap(b, 'cm', {}).node.addDependency(app.node.findChild('shop').node.findChild('config'));
    const first = synth(app).charts.map((c) => [c.fileName, Yaml.stringify(...c.docs)]);
    expect(synth(app).charts.map((c) => [c.fileName, Yaml.stringify(...c.docs)])).toEqual(first);
  });

  test('sources and apiObjects map every document back to its ApiObject', () => {
    const app = newApp();
    severalCharts(app);
    const [shop] = synth(app).charts;
    expect(shop.docs.map((d) => d.kind)).toEqual(['Namespace', 'ServiceAccount', 'ConfigMap', 'ConfigMap', 'Service', 'Deployment']);
    shop.docs.forEach((doc, i) => expect(shop.sources[i]!.toJson()).toEqual(doc));
    expect(shop.apiObjects.map((o) => o.node.path)).toEqual(chartToKube(shop.chart).map((o) => o.node.path));
    expect(shop.sources.map((o) => o!.node.path).sort()).toEqual(shop.apiObjects.map((o) => o.node.path).sort());
  });

  test('other output types are refused', () => {
    const app = new App({ outdir: path.join(tmp, 'x'), yamlOutputType: YamlOutputType.FILE_PER_APP });
    expect(() => synth(app)).toThrow(TimonelError);
    expect(() => synth(app)).toThrow("[<root>] 'yamlOutputType' is not supported by the timonel synthesis, got 'FILE_PER_APP'");
  });
});

describe('validation and errors', () => {
  /** Three charts; two constructs fail validation; every validation counts its calls. */
  function invalid(calls: { n: number }): Build {
    return (app) => {
      const counted = { validate: () => { calls.n++; return []; } };
      app.node.addValidation({ validate: () => ['the app is unhappy'] });
      for (const name of ['a', 'b', 'c']) {
        const chart = new TimonelChart(app, name);
        chart.node.addValidation(counted);
        const cm = new k8s.KubeConfigMap(chart, 'cm', {});
        cm.node.addValidation(counted);
        if (name === 'b') cm.node.addValidation({ validate: () => ['data is empty', 'no labels'] });
      }
    };
  }

  test('errors have the cdk8s text and are reported once', () => {
    const calls = { n: 0 };
    const app = newApp();
    invalid(calls)(app);
    let fast: Error | undefined;
    try {
      synth(app);
    } catch (e) {
      fast = e as Error;
    }
    expect(fast).toBeInstanceOf(TimonelError);
    expect(fast!.message).toBe([
      'Validation failed with the following errors:',
      '  [] the app is unhappy',
      '  [b/cm] data is empty',
      '  [b/cm] no labels',
    ].join('\n'));
    expect(() => plainSynth(invalid({ n: 0 }))).toThrow(new Error(fast!.message));
  });

  test('fails when a validation fails, with the fields of its one problem on the error (trial AA7)', () => {
    const app = newApp();
    const chart = new TimonelChart(app, 'shop', { namespace: 'shop' });
    new WebApp(chart, 'api', { image: 'ghcr.io/acme/api:1.0.0', service: { type: 'LoadBalancer' }, public: false });
    const e = thrown(() => synth(app));
    expect(e.message).toMatch(/^Validation failed with the following errors:\n {2}\[shop\/api\] 'public' is false, but the app is not isolated .*, got false\. Allowed: public: false on an isolated app\. Fix: set isolate: true, /);
    expect({ path: e.path, prop: e.prop, value: e.value, allowed: e.allowed }).toEqual({ path: 'shop/api', prop: 'public', value: false, allowed: 'public: false on an isolated app' });
    expect(e.fix).toMatch(/^set isolate: true, /);
    expect(e.detail).toMatch(/^is false, but the app is not isolated/);
    expect(e.problems).toHaveLength(1);
    expect(e.problems[0].message).toBe(e.message.split('\n')[1].trim());
  });

  test('fails when several validations fail, each problem a TimonelError with its own fields, and none on the error', () => {
    const app = newApp();
    const chart = new TimonelChart(app, 'shop', { namespace: 'shop' });
    for (const id of ['api', 'admin']) new WebApp(chart, id, { image: 'ghcr.io/acme/api:1.0.0', service: { type: 'NodePort' }, public: false });
    new k8s.KubeConfigMap(chart, 'cm', {}).node.addValidation({ validate: () => ['data is empty'] });
    const e = thrown(() => synth(app));
    expect(e.message.split('\n').map((l) => l.slice(0, 24))).toEqual(['Validation failed with t', "  [shop/api] 'public' is", "  [shop/admin] 'public' ", '  [shop/cm] data is empt']);
    expect({ path: e.path, prop: e.prop, fix: e.fix, hasValue: e.hasValue }).toEqual({ path: undefined, prop: undefined, fix: undefined, hasValue: false });
    expect(e.problems.map((p) => [p.path, p.prop, p.value, p.fix?.slice(0, 19)])).toEqual([
      ['shop/api', 'public', false, 'set isolate: true, '], ['shop/admin', 'public', false, 'set isolate: true, '], ['shop/cm', undefined, undefined, undefined],
    ]);
    expect(e.problems.every((p) => p instanceof TimonelError)).toBe(true);
    expect(e.problems[2].message).toBe('[shop/cm] data is empty');
  });

  test('each validation runs exactly once per synthesis (plain cdk8s runs it once per chart, plus one)', () => {
    const build = (app: App): void => {
      for (let i = 0; i < 20; i++) {
        const chart = new TimonelChart(app, `c${i}`);
        new k8s.KubeConfigMap(chart, 'cm', {}).node.addValidation({ validate: () => { calls.n++; return []; } });
      }
    };
    const calls = { n: 0 };
    fastFiles(build);
    expect(calls.n).toBe(20);
    calls.n = 0;
    plainSynth(build);
    expect(calls.n).toBe(20 * 21);
  });

  test('fails when charts depend on each other, naming the cycle (plain cdk8s: a bare Error)', () => {
    const build: Build = (app) => {
      const a = new TimonelChart(app, 'a');
      const b = new TimonelChart(app, 'b');
      new k8s.KubeConfigMap(a, 'cm', {});
      new k8s.KubeConfigMap(b, 'cm', {});
      a.addDependency(b);
      b.addDependency(a);
    };
    const app = newApp();
    build(app);
    const e = thrown(() => synth(app));
    expect(e.message).toBe("[a] 'node.addDependency' makes a dependency cycle: a => b => a, got 'b'. Allowed: dependencies in one direction only (a dependency means: apply after). "
      + 'Fix: remove one of the dependencies of the cycle: a => b (node.addDependency); b => a (node.addDependency)');
    expect(() => plainSynth(build)).toThrow(/^Dependency cycle detected: /);
  });
});

describe('a TimonelError thrown while an object renders', () => {
  /** A ConfigMap whose data is a Lazy that fails as timonel's lazies do, in a chart of `Chart` or `TimonelChart`. */
  const failing = (app: App, ChartClass: typeof Chart) => {
    const chart = new ChartClass(app, 'a');
    new k8s.KubeConfigMap(chart, 'cm', {
      data: Lazy.any({ produce: () => { throw new TimonelError({ scope: chart, prop: 'data', message: 'is wrong', allowed: 'right', fix: 'fix it' }); } }),
    });
    return chart;
  };

  test.each([['Chart', Chart], ['TimonelChart', TimonelChart as typeof Chart]])('reaches the caller as is, not in cdk8s\'s "Failed serializing" Error (%s)', (_name, ChartClass) => {
    const runs: ((app: App) => unknown)[] = [(app) => synth(app), (app) => synthesizeApp(app)];
    // A TimonelChart's own toJson() (Testing.synth) too; a plain Chart's is cdk8s's.
    if (ChartClass !== Chart) runs.push((app) => appCharts(app).map((c) => c.toJson()));
    for (const run of runs) {
      const app = newApp();
      failing(app, ChartClass);
      expect(thrown(() => run(app)).message).toBe("[a] 'data' is wrong. Allowed: right. Fix: fix it");
    }
  });

  test('any other error keeps cdk8s\'s text', () => {
    const app = newApp();
    const chart = new TimonelChart(app, 'a');
    new k8s.KubeConfigMap(chart, 'cm', { data: Lazy.any({ produce: () => { throw new RangeError('boom'); } }) });
    expect(() => synth(app)).toThrow("Failed serializing construct at path 'a/cm' with name 'a-cm': RangeError: boom");
  });

  test("fails when a value comes from a second copy of cdk8s, with the fix (trial T: cdk8s's raw \"can't render non-simple object of type 'Lazy'\")", () => {
    // A second copy of cdk8s, as a library with its own node_modules brings.
    let other: typeof import('cdk8s') | undefined;
    jest.isolateModules(() => { other = jest.requireActual<typeof import('cdk8s')>('cdk8s'); });
    expect(other!.Lazy).not.toBe(Lazy);
    const app = newApp();
    const chart = new TimonelChart(app, 'a');
    new k8s.KubeConfigMap(chart, 'cm', { data: other!.Lazy.any({ produce: () => ({ k: 'v' }) }) });
    const e = thrown(() => synth(app));
    expect(e).toBeInstanceOf(TimonelError);
    expect(e.message).toBe("[a/cm] holds a Lazy that this copy of cdk8s does not recognise: most likely two copies of cdk8s are installed (a library with its own node_modules), "
      + "and the construct was made with the other one, got 'Lazy'. Allowed: one copy of cdk8s, cdk8s-plus-28 and constructs in the project (npm ls cdk8s lists one). "
      + 'Fix: make cdk8s, cdk8s-plus-28, constructs and timonel peerDependencies of the library (version ranges, not dependencies), and install a library '
      + 'of a local folder with npm install --install-links ../lib (a link resolves them from its own folder); npm ls cdk8s then lists one copy');
  });

  test('a TimonelError made before the synth is not taken for one from inside it (nothing is kept between calls)', () => {
    const before = new TimonelError({ message: 'made earlier' });
    const app = newApp();
    const chart = new TimonelChart(app, 'a');
    new k8s.KubeConfigMap(chart, 'cm', { data: Lazy.any({ produce: () => { throw new Error(String(before)); } }) });
    const e = (() => { try { synth(app); } catch (x) { return x; } return undefined; })();
    expect(e).not.toBe(before);
    expect((e as Error).message).toBe("Failed serializing construct at path 'a/cm' with name 'a-cm': Error: TimonelError: made earlier");
  });
});

describe('the construct tree is walked a constant number of times', () => {
  function build(charts: number): App {
    const app = newApp();
    for (let i = 0; i < charts; i++) {
      const chart = new TimonelChart(app, `c${i}`, { namespace: `ns${i}` });
      deployment(chart, 'web');
      service(chart, 'svc');
      new k8s.KubeConfigMap(chart, 'cm', { data: { a: 'b' } });
    }
    return app;
  }

  /** Whole-app walks, constructs visited by all walks, and node.validate() calls per construct. */
  function measure(app: App, synth: (app: App) => unknown): { appWalks: number; visited: number; size: number; validations: Map<unknown, number> } {
    const size = app.node.findAll().length;
    const findAll = jest.spyOn(Node.prototype, 'findAll');
    const validate = jest.spyOn(Node.prototype, 'validate');
    synth(app);
    const appWalks = findAll.mock.contexts.filter((n) => n === app.node).length;
    const visited = findAll.mock.results.reduce((sum, r) => sum + (r.value as IConstruct[]).length, 0);
    const validations = new Map<unknown, number>();
    for (const node of validate.mock.contexts) validations.set(node, (validations.get(node) ?? 0) + 1);
    jest.restoreAllMocks();
    return { appWalks, visited, size, validations };
  }

  test('same number of whole-app walks for 1 and 50 charts; visits linear in the app size', () => {
    const one = measure(build(1), synth);
    const fifty = measure(build(50), synth);
    // One walk serves validation, dependencies and the chart order.
    expect(one.appWalks).toBe(1);
    expect(fifty.appWalks).toBe(1);
    // That walk plus each chart's subtree once (its object order).
    expect(fifty.visited).toBeLessThanOrEqual(2 * fifty.size);
    expect(one.visited).toBeLessThanOrEqual(2 * one.size);
  });

  test('node.validate() runs once per construct', () => {
    const app = build(50);
    const { validations, size } = measure(app, synth);
    expect(validations.size).toBe(size);
    expect(new Set(validations.values())).toEqual(new Set([1]));
  });

  test('the instrument sees plain cdk8s walk the app once per chart', () => {
    const plain = measure(build(50), synthesizePlain);
    expect(plain.appWalks).toBeGreaterThanOrEqual(50);
    expect(plain.visited).toBeGreaterThan(50 * plain.size);
  });
});

describe('topology: DependencyGraph.topology() without enumerating paths', () => {
  // Deterministic pseudo-random numbers, so a failure reproduces.
  function random(seed: number): () => number {
    return () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
  }

  /** A random tree of charts, constructs and objects (some with integer-like ids) and random acyclic dependencies. */
  function randomApp(seed: number): App {
    const rnd = random(seed);
    const app = newApp();
    const nodes: IConstruct[] = [];
    const charts = 1 + Math.floor(rnd() * 4);
    for (let c = 0; c < charts; c++) {
      // Integer-like keys come first in Object.values, which cdk8s's graph (keyed by path) inherits.
      const chart = rnd() < 0.3 ? new Chart(app, String(10 - c)) : new TimonelChart(app, `chart${c}`);
      nodes.push(chart);
      for (let i = 0; i < 2 + Math.floor(rnd() * 8); i++) {
        const parent = nodes[Math.floor(rnd() * nodes.length)];
        const scope = Chart.of(parent) === chart ? parent : chart;
        const id = rnd() < 0.2 ? String(i) : `n${i}`;
        if (scope.node.tryFindChild(id)) continue;
        const r = rnd();
        nodes.push(r < 0.2 ? new Construct(scope, id) : r < 0.3 ? new Chart(scope, id) : new k8s.KubeConfigMap(scope, id, {}));
      }
    }
    // Later on earlier nodes only, and not on an ancestor or an enclosing chart: mostly acyclic after resolution.
    const within = (x: IConstruct, y: IConstruct): boolean => y.node.scopes.includes(x);
    for (let i = 0; i < nodes.length * 2; i++) {
      const a = nodes[Math.floor(rnd() * nodes.length)];
      const b = nodes[Math.floor(rnd() * nodes.length)];
      if (nodes.indexOf(a) > nodes.indexOf(b) && !within(a, b) && !within(b, a) && !within(Chart.of(b), a)) a.node.addDependency(b);
    }
    return app;
  }

  /** The order as paths, or the error. */
  function outcome(sort: () => IConstruct[]): string[] | string {
    try {
      return sort().map((c) => c.node.path);
    } catch (e) {
      return `error: ${(e as Error).message}`;
    }
  }

  test('same order (or error) as DependencyGraph on random trees and dependencies, before and after resolution', () => {
    let compared = 0;
    let cyclic = 0;
    for (let seed = 1; seed <= 200; seed++) {
      const app = randomApp(seed);
      const roots = [app, ...app.node.findAll().filter((c) => c instanceof Chart)];
      for (const root of roots) expect(outcome(() => topology(root))).toEqual(outcome(() => new DependencyGraph(root.node).topology()));
      // Resolution can close a cycle (a construct depending on its own ancestor); cdk8s then fails.
      resolveDependencies(app.node.findAll(), new FindAllCache());
      for (const root of roots) {
        const expected = outcome(() => new DependencyGraph(root.node).topology());
        expect(outcome(() => topology(root))).toEqual(expected);
        compared++;
        if (typeof expected === 'string') cyclic++;
      }
      expect(outcome(() => appCharts(app))).toEqual(outcome(() => app.charts));
    }
    // Mostly acyclic graphs, so the linear walk itself is what is compared.
    expect(compared).toBeGreaterThan(500);
    expect(cyclic).toBeLessThan(compared / 5);
  });

  test('fails when objects depend on each other, naming the cycle in construct paths', () => {
    const app = newApp();
    const chart = new Chart(app, 'c');
    const a = new k8s.KubeConfigMap(chart, 'a', {});
    const b = new k8s.KubeConfigMap(chart, 'b', {});
    a.node.addDependency(b);
    b.node.addDependency(a);
    expect(() => new DependencyGraph(chart.node)).toThrow('Dependency cycle detected: c/a => c/b => c/a');
    expect(thrown(() => topology(chart)).message).toMatch(/^\[c\/a\] 'node\.addDependency' makes a dependency cycle: c\/a => c\/b => c\/a, got 'c\/b'\. /);
  });

  test('a chain of 40 dependent charts (5^40 paths through their objects) synthesizes like cdk8s would', () => {
    // cdk8s's DependencyGraph walks every path: about 5x longer per link, 25 s at 12 links.
    const build: Build = (app) => {
      let prev: Chart | undefined;
      for (let i = 0; i < 40; i++) {
        const chart = new TimonelChart(app, `c${String(i).padStart(2, '0')}`);
        for (let j = 0; j < 5; j++) new k8s.KubeConfigMap(chart, `cm${j}`, {});
        if (prev) prev.addDependency(chart);
        prev = chart;
      }
    };
    const files = fastFiles(build);
    expect(files.map(([f]) => f)).toEqual(Array.from({ length: 40 }, (_, i) => `${String(i).padStart(4, '0')}-c${String(39 - i).padStart(2, '0')}.k8s.yaml`));
    expect(files[0][1]).toBe(Yaml.stringify(...['cm0', 'cm1', 'cm2', 'cm3', 'cm4'].map((n) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `c39-${n}` } }))));
  });
});

describe('cdk8s internals relied on (src/synth/cdk8s-internals.ts)', () => {
  const reverify = 'cdk8s changed: re-verify src/synth/cdk8s-internals.ts against node_modules/cdk8s/lib/app.js, then update VERIFIED_CDK8S';

  test('the installed cdk8s is a verified version', () => {
    if (!cdk8sIsVerified()) throw new Error(`cdk8s ${cdk8sVersion()} is not ${VERIFIED_CDK8S.range}: ${reverify}`);
  });

  test('the guard accepts patch releases of the verified minor versions only', () => {
    expect(cdk8sIsVerified('2.70.0')).toBe(true);
    expect(cdk8sIsVerified('2.70.999')).toBe(true);
    expect(cdk8sIsVerified('2.69.0')).toBe(false);
    expect(cdk8sIsVerified('2.71.0')).toBe(false);
    expect(cdk8sIsVerified('3.70.0')).toBe(false);
    expect(cdk8sIsVerified('not a version')).toBe(false);
  });

  test('Chart.toJson() is App._synthChart(chart), a static taking the chart', () => {
    expect(typeof (App as any)._synthChart).toBe('function');
    expect((App as any)._synthChart.length).toBe(1);
    expect(CDK8S_CHART_TO_JSON).toBe(Chart.prototype.toJson);
    expect(TimonelChart.prototype.toJson).not.toBe(Chart.prototype.toJson);
  });

  test('resolveDependencies adds exactly the dependencies cdk8s adds, in the same order', () => {
    const build: Build = (app) => {
      const a = new TimonelChart(app, 'a');
      const b = new TimonelChart(app, 'b');
      const nested = new Chart(b, 'nested');
      const cmA = new k8s.KubeConfigMap(a, 'cm', {});
      new k8s.KubeConfigMap(a, 'cm2', {});
      const group = new Construct(b, 'group');
      new k8s.KubeConfigMap(group, 'one', {});
      new k8s.KubeConfigMap(group, 'two', {});
      new k8s.KubeConfigMap(nested, 'n', {});
      group.node.addDependency(a);
      new k8s.KubeSecret(b, 's', {}).node.addDependency(cmA, group);
    };
    const deps = (app: App): string[] => app.node.findAll().map((c) => `${c.node.path} -> ${c.node.dependencies.map((d) => d.node.path).join(', ')}`);
    const ours = newApp();
    build(ours);
    const all = ours.node.findAll();
    expect(resolveDependencies(all, new FindAllCache())).toBe(true);
    const theirs = newApp();
    build(theirs);
    (App as any)._synthChart(theirs.node.findChild('a'));
    expect(deps(ours)).toEqual(deps(theirs));
  });

  test('FindAllCache.findAll is node.findAll', () => {
    const app = newApp();
    severalCharts(app);
    const cache = new FindAllCache();
    const chart = app.node.findChild('shop');
    expect(cache.findAll(chart)).toEqual(chart.node.findAll());
    expect(cache.findAll(chart)).toBe(cache.findAll(chart));
  });
});
