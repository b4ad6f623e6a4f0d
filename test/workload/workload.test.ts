import { Lazy } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { TimonelChart } from '../../src/app/chart';
import { TimonelError } from '../../src/core/errors';
import { NameRule, shortenName } from '../../src/core/names';
import { Probe } from '../../src/core/probes';
import { canonicalJson, checksum, ConfigExposure, Workload, WorkloadNaming, WorkloadProps } from '../../src/workload/workload';
import { newChart, one, podSpec, synth } from '../support/util';
import { BatchJob } from '../../src/constructs/batch-job';
import { Migration } from '../../src/constructs/migration';
import { NodeAgent } from '../../src/constructs/node-agent';
import { PostgreSQL } from '../../src/constructs/presets/postgres';
import { Redis } from '../../src/constructs/presets/redis';
import { StatefulStore, StoreCredentials } from '../../src/constructs/stateful-store';
import { WebApp } from '../../src/constructs/web-app';
import { Worker } from '../../src/constructs/worker';

const IMAGE = 'ghcr.io/acme/web:1.4.2';
const CHECKSUM = 'timonel.dev/config-checksum';

/** The smallest workload: one Deployment whose pod template renders lazily, so later verbs still reach it. */
class TestWorkload extends Workload {
  public readonly resource: k8s.KubeDeployment;

  constructor(scope: Construct, id: string, props: WorkloadProps, naming?: WorkloadNaming) {
    super(scope, id, props, naming);
    this.resource = new k8s.KubeDeployment(this, 'Resource', {
      metadata: this.metadata(),
      spec: {
        selector: { matchLabels: this.selectorLabels },
        template: {
          metadata: { labels: this.labels, annotations: Lazy.any({ produce: () => this.pod.renderAnnotations() }) },
          spec: Lazy.any({ produce: () => this.pod.renderSpec({ serviceAccountName: this.serviceAccount.name, main: {} }) }),
        },
      },
    });
  }
}

function workload(props: Partial<WorkloadProps> = {}, chart: TimonelChart = newChart('shop'), id = 'web', naming?: WorkloadNaming): TestWorkload {
  return new TestWorkload(chart, id, { image: IMAGE, ...props }, naming);
}

const objects = (w: Workload) => synth(w.chart);
/** The pod template of the workload's Deployment. */
const pod = (w: Workload) => one(objects(w), 'Deployment').spec.template;

describe('Workload itself', () => {
  test('fails when the abstract base class is constructed from JavaScript (trial R: its image and command vanished, leaving a ServiceAccount)', () => {
    const chart = newChart('ml');
    expect(() => new (Workload as any)(chart, 'embedder', { image: IMAGE })).toThrow(
      "[ml/embedder] is the base class of workloads, which renders no pod (abstract in TypeScript), got 'new Workload(...)'. "
      + 'Allowed: WebApp, Worker, BatchJob, NodeAgent, StatefulStore, a preset, or a class of your own that extends Workload. '
      + "Fix: use the construct for the job, e.g. new Worker(scope, 'embedder', { image, command }), or extend Workload and render the pod (docs/custom-workloads.md)",
    );
    expect(chart.node.tryFindChild('embedder')).toBeUndefined();
  });
});

describe('Workload names', () => {
  test('shortens a long id in app.kubernetes.io/name by the rule of names, as in the object name', () => {
    const id = 'a'.repeat(70);
    const w = workload({}, newChart('shop'), id);
    expect(w.labels['app.kubernetes.io/name']).toBe(shortenName(id, 63));
    expect(w.labels['app.kubernetes.io/name']).toHaveLength(63);
    expect(() => objects(w)).not.toThrow();
  });

  test('fails when the id cannot be a label value, naming the id', () => {
    expect(() => workload({ name: 'web' }, newChart('shop'), 'web-')).toThrow(/^\[shop\/web-\] 'id' cannot be the label app\.kubernetes\.io\/name, got 'web-'/);
  });

  test('derives the name from the chart and construct ids', () => {
    expect(workload().name).toBe('shop-web');
  });

  test('derives the name through nested constructs, lowercased', () => {
    const chart = newChart('Shop');
    const w = new TestWorkload(new Construct(chart, 'Backend'), 'API', { image: IMAGE });
    expect(w.name).toBe('shop-backend-api');
  });

  test('names the Deployment and ServiceAccount with it', () => {
    const objs = objects(workload());
    expect(one(objs, 'Deployment').metadata.name).toBe('shop-web');
    expect(one(objs, 'ServiceAccount').metadata.name).toBe('shop-web');
  });

  test('uses an explicit name as it is', () => {
    const w = workload({ name: 'storefront' });
    expect(w.name).toBe('storefront');
    expect(one(objects(w), 'Deployment').metadata.name).toBe('storefront');
  });

  test('shortens a long derived name', () => {
    const name = workload({}, newChart('shop'), 'w'.repeat(70)).name;
    expect(name).toHaveLength(63);
    expect(name).toMatch(/^shop-w{49}-[0-9a-f]{8}$/);
  });

  test('shortens to the maxLength a subclass asks for', () => {
    expect(workload({}, newChart('shop'), 'w'.repeat(60), { maxLength: 52 }).name).toHaveLength(52);
  });

  test('fails when an explicit name is too long instead of shortening it', () => {
    expect(() => workload({ name: 'n'.repeat(64) })).toThrow(/^\[shop\/web\] 'name' must be at most 63 characters for a DNS-1035 label, but is 64/);
  });

  test('fails when an explicit name is invalid', () => {
    expect(() => workload({ name: 'Store_Front' })).toThrow(/^\[shop\/web\] 'name' is not a valid DNS-1035 label, got 'Store_Front'/);
  });

  test("fails when an id such as 'Bad_Name' yields an invalid name", () => {
    expect(() => workload({}, newChart('shop'), 'Bad_Name')).toThrow(/^\[shop\/Bad_Name\] 'id' is not a valid DNS-1035 label, got 'shop-bad_name'/);
  });

  test('fails when the derived name starts with a digit (it is also a Service name)', () => {
    expect(() => workload({}, newChart('9shop'))).toThrow(/'id' is not a valid DNS-1035 label, got '9shop-web'.*Fix: start the name with a letter/);
  });

  test('accepts a leading digit when the subclass asks for a DNS-1123 label', () => {
    expect(workload({}, newChart('9shop'), 'web', { rule: NameRule.DNS_1123_LABEL }).name).toBe('9shop-web');
  });

  test('metadata(suffix) names a related object <name>-<suffix> with the labels', () => {
    const w = workload();
    expect(w.metadata('config')).toEqual({ name: 'shop-web-config', labels: w.labels });
    expect(w.metadata()).toMatchObject({ name: 'shop-web' });
  });
});

describe('Workload labels', () => {
  test('carry name, instance, version from the image tag, part-of the chart and managed-by', () => {
    expect(workload().labels).toEqual({
      'app.kubernetes.io/name': 'web',
      'app.kubernetes.io/instance': 'shop-web',
      'app.kubernetes.io/version': '1.4.2',
      'app.kubernetes.io/part-of': 'shop',
      'app.kubernetes.io/managed-by': 'timonel',
    });
  });

  test('the Deployment selects by the selector labels', () => {
    expect(one(objects(workload()), 'Deployment').spec.selector.matchLabels).toEqual({
      'app.kubernetes.io/name': 'web',
      'app.kubernetes.io/instance': 'shop-web',
    });
  });

  test('selector labels are name and instance only', () => {
    expect(workload({ component: 'frontend', version: '2.0.0' }).selectorLabels).toEqual({
      'app.kubernetes.io/name': 'web',
      'app.kubernetes.io/instance': 'shop-web',
    });
  });

  test('take version and component from props, and part-of from the chart', () => {
    const w = workload({ component: 'frontend', version: '2.0.0' }, newChart('shop', { partOf: 'platform' }));
    expect(w.labels).toMatchObject({
      'app.kubernetes.io/version': '2.0.0',
      'app.kubernetes.io/component': 'frontend',
      'app.kubernetes.io/part-of': 'platform',
    });
  });

  test('the name label is the id, the instance label the explicit name', () => {
    expect(workload({ name: 'storefront' }, newChart('shop'), 'Web').selectorLabels).toEqual({
      'app.kubernetes.io/name': 'web',
      'app.kubernetes.io/instance': 'storefront',
    });
  });

  test('carry no version for an allowed unpinned image', () => {
    expect(workload({ image: 'nginx', allowUnpinnedImage: true }).labels).not.toHaveProperty(['app.kubernetes.io/version']);
  });

  test('are on every object', () => {
    const w = workload({ config: { a: 'b' } });
    for (const o of objects(w)) expect(o.metadata.labels).toEqual(w.labels);
    expect(pod(w).metadata.labels).toEqual(w.labels);
  });
});

describe('Workload namespace', () => {
  test("is the chart's, and the objects are in it", () => {
    const w = workload({}, newChart('shop', { namespace: 'shop-prod' }));
    expect(w.namespace).toBe('shop-prod');
    expect(one(objects(w), 'ServiceAccount').metadata.namespace).toBe('shop-prod');
  });

  test('is undefined without a chart namespace', () => {
    expect(workload().namespace).toBeUndefined();
  });
});

describe('Workload ServiceAccount', () => {
  test('is its own, with API token automount off, and the pod uses it without the token', () => {
    const w = workload();
    const objs = objects(w);
    expect(one(objs, 'ServiceAccount').automountServiceAccountToken).toBe(false);
    expect(pod(w).spec.serviceAccountName).toBe('shop-web');
    expect(pod(w).spec.automountServiceAccountToken).toBe(false);
    expect(w.serviceAccount.name).toBe('shop-web');
  });
});

describe('Workload config', () => {
  test('renders a ConfigMap <name>-config with the data, keys sorted', () => {
    const w = workload({ config: { b: '2', a: '1' } });
    const cm = one(objects(w), 'ConfigMap');
    expect(cm.metadata.name).toBe('shop-web-config');
    expect(Object.keys(cm.data)).toEqual(['a', 'b']);
    expect(cm.data).toEqual({ a: '1', b: '2' });
    expect(w.configMap?.name).toBe('shop-web-config');
  });

  test('renders no ConfigMap and no checksum without config', () => {
    const w = workload();
    expect(w.configMap).toBeUndefined();
    expect(objects(w).map((o) => o.kind)).not.toContain('ConfigMap');
    expect(pod(w).metadata.annotations).toBeUndefined();
  });

  test('annotates the pod with the sha256 checksum of the data', () => {
    const w = workload({ config: { LOG_LEVEL: 'info' } });
    expect(pod(w).metadata.annotations).toEqual({ [CHECKSUM]: checksum({ LOG_LEVEL: 'info' }) });
    expect(pod(w).metadata.annotations[CHECKSUM]).toMatch(/^[0-9a-f]{64}$/);
  });

  test('the checksum changes when the data changes', () => {
    const a = pod(workload({ config: { LOG_LEVEL: 'info' } })).metadata.annotations[CHECKSUM];
    const b = pod(workload({ config: { LOG_LEVEL: 'debug' } })).metadata.annotations[CHECKSUM];
    const c = pod(workload({ config: { LOG_LEVEL: 'info', EXTRA: '' } })).metadata.annotations[CHECKSUM];
    expect(new Set([a, b, c]).size).toBe(3);
  });

  test('the checksum stays the same for the same data, whatever the key order or the rest of the workload', () => {
    const a = pod(workload({ config: { A: '1', B: '2' } })).metadata.annotations[CHECKSUM];
    const b = pod(workload({ config: { B: '2', A: '1' }, env: { X: 'y' }, component: 'api' })).metadata.annotations[CHECKSUM];
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(a).toBe(b);
  });

  test('exposes the keys as env through envFrom by default', () => {
    const c = pod(workload({ config: { LOG_LEVEL: 'info' } })).spec.containers[0];
    expect(c.envFrom).toEqual([{ configMapRef: { name: 'shop-web-config' } }]);
    expect(c.volumeMounts.map((m: any) => m.mountPath)).toEqual(['/tmp']);
  });

  test('ConfigExposure.FILES mounts the ConfigMap read-only at /etc/config instead', () => {
    const spec = pod(workload({ config: { 'app.yaml': 'a: 1' }, configAs: ConfigExposure.FILES })).spec;
    expect(spec.volumes).toContainEqual({ name: 'config', configMap: { name: 'shop-web-config' } });
    expect(spec.containers[0].volumeMounts).toContainEqual({ name: 'config', mountPath: '/etc/config', readOnly: true });
    expect(spec.containers[0]).not.toHaveProperty('envFrom');
  });

  test('ConfigExposure.FILES mounts at configMountPath when given', () => {
    const spec = pod(workload({ config: { 'app.yaml': 'a: 1' }, configAs: ConfigExposure.FILES, configMountPath: '/config' })).spec;
    expect(spec.containers[0].volumeMounts).toContainEqual({ name: 'config', mountPath: '/config', readOnly: true });
  });

  test('an empty config still renders a ConfigMap and a checksum', () => {
    const w = workload({ config: {} });
    expect(one(objects(w), 'ConfigMap').metadata.name).toBe('shop-web-config');
    expect(pod(w).metadata.annotations[CHECKSUM]).toBe(checksum({}));
  });

  test('fails when a config key has characters a ConfigMap forbids', () => {
    expect(() => workload({ config: { 'bad key': 'x' } })).toThrow(/^\[shop\/web\] 'config' has an invalid key, got 'bad key'\. Allowed: letters, digits, '-', '_' and '\.'/);
    expect(() => workload({ config: { 'a/b': 'x' }, configAs: ConfigExposure.FILES })).toThrow(/'config' has an invalid key, got 'a\/b'/);
  });

  test('fails when a config key exposed as env is not a variable name', () => {
    expect(() => workload({ config: { '1ABC': 'x' } })).toThrow(/^\[shop\/web\] 'config' has an invalid variable name, got '1ABC'/);
  });

  test('accepts a key that is a file name but not a variable name when exposed as files', () => {
    expect(() => workload({ config: { '1.conf': 'x' }, configAs: ConfigExposure.FILES })).not.toThrow();
  });
});

describe('Workload.addEnv', () => {
  test('adds variables after the props, and is chainable', () => {
    const w = workload({ env: { A: '1' } });
    expect(w.addEnv({ B: '2' }).addEnv({ C: '3' })).toBe(w);
    expect(pod(w).spec.containers[0].env).toEqual([{ name: 'A', value: '1' }, { name: 'B', value: '2' }, { name: 'C', value: '3' }]);
  });

  test('fails when a variable is already defined by the props', () => {
    const w = workload({ env: { LOG_LEVEL: 'info' } });
    expect(() => w.addEnv({ LOG_LEVEL: 'debug' })).toThrow(/^\[shop\/web\] 'addEnv' defines the variable 'LOG_LEVEL' twice/);
  });

  test('fails when a variable was added before', () => {
    const w = workload().addEnv({ A: '1' });
    expect(() => w.addEnv({ A: '1' })).toThrow(/'addEnv' defines the variable 'A' twice/);
  });

  test('fails when a variable name is invalid', () => {
    expect(() => workload().addEnv({ '1ABC': 'x' })).toThrow(/'addEnv' has an invalid variable name, got '1ABC'/);
  });

  test('fails when a value is not a string or an EnvValue, naming the variable (as the env prop does)', () => {
    expect(() => workload().addEnv({ A: 2 as any })).toThrow(/^\[shop\/web\] 'addEnv\.A' must be .*, but is a number, got 2\..*Fix: write it as a string: '2'/);
    expect(() => workload().addEnv({ A: undefined as any })).toThrow(/^\[shop\/web\] 'addEnv\.A' must not be undefined/);
    expect(() => workload().addEnv({ A: null as any, B: true as any })).toThrow(/has 2 invalid props:\n  'addEnv\.A' .*\n  'addEnv\.B' /);
  });

  test.each([null, undefined])('fails when the variables are %p', (env) => {
    expect(() => workload().addEnv(env as any)).toThrow(/^\[shop\/web\] 'addEnv' needs an object of variables, got (null|undefined)\..*Fix: e\.g\. addEnv\(\{ LOG_LEVEL: 'info' \}\)/);
  });

  test('a failed addEnv adds nothing', () => {
    const w = workload();
    expect(() => w.addEnv({ A: 'ok', B: 2 as any })).toThrow(TimonelError);
    expect(w.pod.env.names).toEqual([]);
  });
});

describe('Workload pod', () => {
  test('renders the main container from the props with the restricted defaults', () => {
    const spec = pod(workload({ command: ['serve'] })).spec;
    expect(spec.containers[0]).toMatchObject({ name: 'main', image: IMAGE, command: ['serve'], imagePullPolicy: 'IfNotPresent' });
    expect(spec.securityContext.runAsNonRoot).toBe(true);
  });

  test('fails when the image is unpinned', () => {
    expect(() => workload({ image: 'nginx' })).toThrow(/^\[shop\/web\] 'image' has no tag or digest/);
  });

  test('fails when a custom workload is given no image, saying it is required', () => {
    expect(() => workload({ image: undefined })).toThrow(/^\[shop\/web\] 'image' is required, got undefined\. Allowed: '\[registry\/\]repository:tag'.*Fix: give the container's image, pinned/);
    expect(() => workload({ image: undefined })).not.toThrow(/undefined:1\.2\.3/);
  });

  test('fails when a custom workload is given an image that is not a string', () => {
    expect(() => workload({ image: 123 as any })).toThrow(/^\[shop\/web\] 'image' must be a string, but is a number, got 123\..*Fix: write a string such as 'nginx:1\.27\.2'/);
  });

  test('fails when a custom workload gets env values that are not strings (EnvList checks every caller)', () => {
    expect(() => workload({ env: { PORT: 8080 as any } })).toThrow(/^\[shop\/web\] 'env\.PORT' must be a string, or EnvValue\.fromSecret\(\.\.\.\), fromConfigMap\(\.\.\.\) or fromField\(\.\.\.\), but is a number, got 8080.*Fix: write it as a string: '8080'/);
    expect(() => workload({ env: 'A=1' as any })).toThrow(/^\[shop\/web\] 'env' must be an object of keys and values, but is a string, got 'A=1'/);
  });
});

/** A construct of one's own with a port and a prop of its own, passed on with the WorkloadProps. */
class Poller extends Workload {
  constructor(scope: Construct, id: string, props: WorkloadProps & { readonly replicas?: number }, ownProps: readonly string[] = ['replicas']) {
    super(scope, id, props, { ownProps });
    new k8s.KubeDeployment(this, 'Resource', {
      metadata: this.metadata(),
      spec: {
        replicas: props.replicas ?? 1,
        selector: { matchLabels: this.selectorLabels },
        template: this.podTemplate({ main: { ports: [{ name: 'http', port: 8080 }] } }),
      },
    });
  }
}

describe('Workload props of a construct of your own', () => {
  test('fails when a probe uses a port number the container does not declare, as on a WebApp', () => {
    expect(() => new Poller(newChart('shop'), 'poller', { image: IMAGE, readiness: Probe.tcp({ port: 9999 }) })).toThrow(
      "[shop/poller] 'readiness.port' is not one of the container's declared ports, got 9999. Allowed: one of the container's ports: 'http' (8080). "
      + "Fix: use one of them, e.g. { port: 8080 } or { port: 'http' }, or declare the port in 'main.ports': { name: 'health', port: 9999 }",
    );
    expect(() => new Poller(newChart('shop'), 'poller', { image: IMAGE, readiness: Probe.tcp({ port: 8080 }), liveness: Probe.http('/live', { port: 'http' }) })).not.toThrow();
  });

  test('fails when a prop is unknown, with a did-you-mean as on a WebApp', () => {
    expect(() => new Poller(newChart('shop'), 'poller', { image: IMAGE, livenes: false } as any)).toThrow(
      "[shop/poller] 'livenes' is not a known prop, got false. Allowed: the props of Poller, such as 'liveness' (34 in all: docs/custom-workloads.md). Fix: did you mean 'liveness'?",
    );
    expect(() => new Poller(newChart('shop'), 'poller', { image: IMAGE, replica: 2 } as any)).toThrow(/'replica' is not a known prop, got 2\. Allowed: the props of Poller, such as 'replicas' \(34 in all: docs\/custom-workloads\.md\)\. Fix: did you mean 'replicas'\?/);
  });

  test('fails when a prop of the construct is not declared in ownProps, saying how to declare it', () => {
    expect(() => new Poller(newChart('shop'), 'poller', { image: IMAGE, replicas: 2 }, [])).toThrow(
      "[shop/poller] 'replicas' is not a known prop, got 2. Allowed: the props of Poller, such as 'image', 'allowUnpinnedImage', 'command', 'args', 'workingDir', 'env' (33 in all: docs/custom-workloads.md). Fix: remove it; or, if Poller takes it, declare it where Poller calls the Workload constructor: super(scope, id, props, { ownProps: ['replicas'] })",
    );
  });

  test('passes the props declared in ownProps by, and checks the WorkloadProps ones', () => {
    const chart = newChart('shop');
    new Poller(chart, 'poller', { image: IMAGE, replicas: 3 });
    expect(one(synth(chart), 'Deployment').spec.replicas).toBe(3);
    expect(() => new Poller(newChart('shop'), 'poller', { image: IMAGE, replicas: 2, configAs: 'file' as any })).toThrow(
      /'configAs' is not one of the allowed values, got 'file'\. Allowed: 'env', 'files'\. Fix: did you mean 'files'\?/,
    );
  });
});

describe('the counts a construct of your own hands its controller', () => {
  test('fails when a prop passed by in ownProps gives the Deployment replicas the API server refuses (replicas: \'2\' from JavaScript)', () => {
    const chart = newChart('shop', { namespace: 'shop' });
    new Poller(chart, 'poller', { image: IMAGE, replicas: '2' as any });
    expect(() => synth(chart)).toThrow(
      "Policy check failed with 1 error:\n"
      + "  [shop/poller/Resource] Deployment shop/shop-poller 'spec.replicas' must be a whole number, but is a string, got '2'. Allowed: a whole number. Fix: write it as a number: 2 (api-workload-counts)\n"
      + "Fix each one, or suppress a rule where it does not apply with a written reason: Policy.suppress(construct, '<rule-id>', '<why>').",
    );
  });

  /** A construct of one's own that builds its Deployment with the base's helper. */
  class Scaled extends Workload {
    constructor(scope: Construct, id: string, props: WorkloadProps & { readonly replicas?: number }) {
      super(scope, id, props, { ownProps: ['replicas'] });
      this.addDeployment({ replicas: props.replicas, rollout: {}, main: {}, spread: false });
    }
  }

  test('fails when addDeployment is given replicas that are not a whole number ≥ 0, where the construct is created', () => {
    expect(() => new Scaled(newChart('shop'), 'poller', { image: IMAGE, replicas: '2' as any })).toThrow(
      "[shop/poller] 'replicas' must be a whole number, but is a string, got '2'. Allowed: a whole number. Fix: write it as a number: 2",
    );
    expect(() => new Scaled(newChart('shop'), 'poller', { image: IMAGE, replicas: 1.5 })).toThrow(
      "[shop/poller] 'replicas' must be a whole number of at least 0, got 1.5. Allowed: an integer from 0 to 2147483647. Fix: round it: 1 or 2",
    );
    const chart = newChart('shop');
    new Scaled(chart, 'poller', { image: IMAGE, replicas: 3 });
    expect(one(synth(chart), 'Deployment').spec.replicas).toBe(3);
  });
});

describe('checksum and canonicalJson', () => {
  test('canonical JSON sorts object keys at every depth, keeping array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, 1], c: null } })).toBe('{"a":{"c":null,"d":[2,1]},"b":1}');
  });

  test('the checksum is the sha256 hex of the canonical JSON', () => {
    expect(checksum({ b: '2', a: '1' })).toBe(checksum({ a: '1', b: '2' }));
    expect(checksum({ a: '1' })).not.toBe(checksum({ a: '2' }));
    expect(checksum({})).toBe('44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a');
  });
});

describe("the main container is 'main', whatever the objects' name (trial X, X9)", () => {
  // Setting `name` (even to the derived name) renamed the container: every pod rolled, `kubectl logs -c main` broke.
  const make: ReadonlyArray<[string, (c: TimonelChart) => unknown]> = [
    ['WebApp', (c) => new WebApp(c, 'api', { image: IMAGE, name: 'shop-api' })],
    ['Worker', (c) => new Worker(c, 'api', { image: IMAGE, name: 'shop-api' })],
    ['one-off BatchJob', (c) => new BatchJob(c, 'api', { image: IMAGE, name: 'shop-api' })],
    ['scheduled BatchJob', (c) => new BatchJob(c, 'api', { image: IMAGE, name: 'shop-api', schedule: '0 2 * * *' })],
    ['Migration', (c) => new Migration(c, 'api', { image: IMAGE, name: 'shop-api', before: [new WebApp(c, 'web', { image: IMAGE })] })],
    ['NodeAgent', (c) => new NodeAgent(c, 'api', { image: IMAGE, name: 'shop-api' })],
    ['StatefulStore', (c) => new StatefulStore(c, 'api', { image: IMAGE, port: 5432, name: 'shop-api' })],
    ['PostgreSQL', (c) => new PostgreSQL(c, 'api', { credentials: StoreCredentials.fromSecret('db'), name: 'shop-api' })],
    ['Redis', (c) => new Redis(c, 'api', { mode: 'cache', name: 'shop-api' })],
    ['a custom Workload', (c) => workload({ name: 'shop-api' }, c, 'api')],
  ];
  test.each(make)('%s', (_kind, create) => {
    const chart = newChart('shop');
    create(chart);
    const pods = synth(chart).filter((o) => o.metadata.name?.startsWith('shop-api') && ['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob'].includes(o.kind));
    expect(pods).toHaveLength(1);
    expect(podSpec(pods[0]).containers.map((c: any) => c.name)).toEqual(['main']);
  });

  test("podFailurePolicy and connectTo's containers name 'main'", () => {
    const chart = newChart('shop');
    const db = new PostgreSQL(chart, 'db', { credentials: StoreCredentials.fromSecret('db') });
    const job = new BatchJob(chart, 'seed', { image: IMAGE, name: 'shop-seed', podFailurePolicy: { failJobOnExitCodes: [2] }, connectTo: [{ target: db, options: { containers: ['main'] } }] });
    const api = new WebApp(chart, 'api', { image: IMAGE, name: 'shop-api' });
    expect(job.pod.containerNames.main).toBe('main');
    expect(api.pod.containerNames.main).toBe('main');
    const spec = one(synth(chart), 'Job').spec;
    expect(spec.podFailurePolicy.rules[0].onExitCodes.containerName).toBe('main');
    expect(spec.template.spec.containers[0].env.map((e: any) => e.name)).toContain('DB_HOST');
  });
});
