import * as vm from 'vm';
import { ApiObject, App, Chart, IResolver, JsonPatch, Lazy, LazyResolver, ResolutionContext } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { ExternalSecret, ExternalSecretSpecSecretStoreRefKind } from '../../imports/external-secrets.io';
import { HttpRoute } from '../../imports/gateway.networking.k8s.io';
import { ServiceMonitor } from '../../imports/monitoring.coreos.com';
import { apiObjectRenderer } from '../../src/core/cdk8s-internals';

// apiObjectRenderer(app)(o) must be o.toJson(), key order included: compared as JSON text. The
// one-pass replica never calls the app's resolvers, so a spy on LazyResolver tells which path ran.

let lazyResolver: jest.SpyInstance;
beforeEach(() => {
  lazyResolver = jest.spyOn(LazyResolver.prototype, 'resolve');
});
afterEach(() => {
  jest.restoreAllMocks();
  delete process.env.CDK8S_DISABLE_SORT;
});

function chartIn(app: App = new App()): Chart {
  return new Chart(app, 'chart', { namespace: 'team', labels: { team: 'a' } });
}

/** The renderer's output as JSON text, and whether it rendered in one pass (no resolver calls). */
function render(o: ApiObject): { json: string; onePass: boolean } {
  lazyResolver.mockClear();
  const json = JSON.stringify(apiObjectRenderer(App.of(o) as App)(o));
  return { json, onePass: lazyResolver.mock.calls.length === 0 };
}

/** Renders `o` through the replica, then asserts it is what `o.toJson()` returns. */
function expectOnePassSameAsToJson(o: ApiObject): void {
  const ours = render(o);
  expect(ours.onePass).toBe(true);
  expect(ours.json).toBe(JSON.stringify(o.toJson()));
}

function errorOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    return String(e);
  }
  throw new Error('did not throw');
}

describe('apiObjectRenderer renders in one pass exactly what toJson() returns', () => {
  test('every L1 class of cdk8s-plus-28 (k8s.Kube*)', () => {
    const chart = chartIn();
    const classes = Object.entries(k8s).filter(([, c]) => typeof c === 'function' && Object.prototype.isPrototypeOf.call(ApiObject.prototype, c.prototype));
    expect(classes.length).toBeGreaterThan(50);
    for (const [name, Kube] of classes) {
      const o = new (Kube as any)(chart, name, { metadata: { annotations: { a: '1' } } });
      expectOnePassSameAsToJson(o);
    }
  });

  test('the classes generated into imports/', () => {
    const chart = chartIn();
    expectOnePassSameAsToJson(new ServiceMonitor(chart, 'sm', {
      spec: { selector: { matchLabels: { app: 'web' } }, endpoints: [{ port: 'http', interval: '30s' }] },
    }));
    expectOnePassSameAsToJson(new HttpRoute(chart, 'route', {
      spec: { hostnames: ['a.example.com'], rules: [{ backendRefs: [{ name: 'web', port: 80 }] }] },
    }));
    expectOnePassSameAsToJson(new ExternalSecret(chart, 'es', {
      spec: { secretStoreRef: { name: 'vault', kind: ExternalSecretSpecSecretStoreRefKind.CLUSTER_SECRET_STORE }, data: [{ secretKey: 'k', remoteRef: { key: 'path' } }] },
    }));
  });

  test('a subclass of an L1 class that keeps its toJson()', () => {
    class Tuned extends k8s.KubeConfigMap {}
    expectOnePassSameAsToJson(new Tuned(chartIn(), 'cm', { data: { b: '2', a: '1' } }));
  });

  test('values through each built-in resolver, null and empty values, and key order', () => {
    const chart = chartIn();
    const token = { resolve: () => ({ z: 1, a: Lazy.any({ produce: () => 'from a token' }) }) };
    class Port { constructor(public readonly value: number) {} }
    const o = new ApiObject(chart, 'obj', {
      apiVersion: 'example.com/v1',
      kind: 'Thing',
      metadata: {
        annotations: { 'b.example.com/x': 'y', 'a.example.com/x': 'z' },
        finalizers: ['example.com/cleanup'],
        ownerReferences: [],
        labels: { empty: '' },
        generateName: 'thing-',
      },
      spec: {
        zeta: 1,
        Alpha: 'upper',
        alpha: 'lower',
        _under: true,
        10: 'ten',
        9: 'nine',
        'é': 'accent',
        $ref: 'dollar',
        lazy: Lazy.any({ produce: () => Lazy.any({ produce: () => ({ y: [1, null, undefined, { b: 2, a: 1 }] }) }) }),
        token,
        port: k8s.IntOrString.fromNumber(8080),
        named: k8s.IntOrString.fromString('http'),
        memory: k8s.Quantity.fromString('1Gi'),
        union: new Port(9090),
        nothing: null,
        missing: undefined,
        emptyList: [],
        emptyMap: {},
        nested: { list: [[], {}, [Lazy.any({ produce: () => undefined })]] },
      },
    });
    o.metadata.addLabel('added', 'later');
    o.metadata.add('uid', Lazy.any({ produce: () => 'u-1' }));
    expectOnePassSameAsToJson(o);
  });

  test('a resolver that replaces primitives (a prototype with resolve()): still what toJson() returns', () => {
    const o = new k8s.KubeConfigMap(chartIn(), 'cm', { data: { a: '1' }, binaryData: { b: 'Yg==' }, immutable: true });
    Object.defineProperty(Boolean.prototype, 'resolve', { value: function () { return `resolved ${this}`; }, configurable: true });
    try {
      const ours = render(o);
      expect(ours.json).toContain('"immutable":"resolved true"');
      expect(ours).toEqual({ json: JSON.stringify(o.toJson()), onePass: true });
    } finally {
      delete (Boolean.prototype as any).resolve;
    }
    expect(render(o).json).toContain('"immutable":true');
  });

  test('JSON patches', () => {
    const cm = new k8s.KubeConfigMap(chartIn(), 'cm', { data: { a: '1' } });
    cm.addJsonPatch(JsonPatch.add('/data/b', '2'), JsonPatch.remove('/data/a'), JsonPatch.add('/immutable', true));
    expectOnePassSameAsToJson(cm);
  });

  test('Lazy values are produced once each, in the order toJson() produces them', () => {
    const build = (order: string[]) => {
      const lazy = (name: string, value: unknown) => Lazy.any({ produce: () => { order.push(name); return value; } });
      return new ApiObject(chartIn(), 'obj', {
        apiVersion: 'v1',
        kind: 'Thing',
        metadata: { annotations: { z: lazy('meta-z', 'z'), a: lazy('meta-a', 'a') } },
        spec: { z: lazy('z', { b: lazy('z.b', 1), a: lazy('z.a', 2) }), a: [lazy('a.0', 0), lazy('a.1', 1)] },
      });
    };
    // Every metadata field set, in an order of its own (the order of the options cdk8s keeps).
    const buildFull = (order: string[]) => {
      const lazy = (name: string, value: unknown) => Lazy.any({ produce: () => { order.push(name); return value; } });
      return new ApiObject(chartIn(), 'full', {
        apiVersion: 'v1',
        kind: 'Thing',
        metadata: {
          finalizers: [lazy('finalizer', 'example.com/f')],
          labels: { z: lazy('label-z', 'z'), a: lazy('label-a', 'a') },
          ownerReferences: [{ apiVersion: 'v1', kind: 'Thing', name: lazy('owner', 'o'), uid: '1' }],
          annotations: { b: lazy('annotation-b', 'b') },
          namespace: lazy('namespace', 'ns'),
          name: lazy('name', 'full'),
        },
      });
    };
    for (const make of [build, buildFull]) {
      const theirs: string[] = [];
      const ours: string[] = [];
      const expected = JSON.stringify(make(theirs).toJson());
      expect(render(make(ours))).toEqual({ json: expected, onePass: true });
      expect(ours).toEqual(theirs);
    }
  });

  test('metadata that a second resolve changes (cdk8s resolves it twice): resolved twice', () => {
    // The first pass leaves { resolve: fn } (a Lazy produced the function); the second one calls it.
    const twice = () => ({ resolve: Lazy.any({ produce: () => () => 'second pass' }) });
    const o = new ApiObject(chartIn(), 'obj', { apiVersion: 'v1', kind: 'Thing', metadata: { annotations: { a: twice() as any } } });
    const ours = render(o);
    expect(ours.json).toContain('"a":"second pass"');
    expect(ours).toEqual({ json: JSON.stringify(o.toJson()), onePass: true });
  });

  test('an object rendered while another one\'s metadata resolves does not change what that one needs', () => {
    const app = new App();
    const other = new k8s.KubeConfigMap(chartIn(app), 'other', { data: { a: '1' } });
    const renderer = apiObjectRenderer(app);
    const annotations = (nested: boolean) => ({
      a: { resolve: Lazy.any({ produce: () => () => 'second pass' }) } as any,
      b: Lazy.any({ produce: () => { if (nested) renderer(other); return 'b'; } }),
    });
    const o = new ApiObject(other.chart, 'obj', { apiVersion: 'v1', kind: 'Thing', metadata: { annotations: annotations(true) } });
    const expected = new ApiObject(other.chart, 'expected', { apiVersion: 'v1', kind: 'Thing', metadata: { name: o.name, annotations: annotations(false) } });
    expect(JSON.stringify(renderer(o))).toBe(JSON.stringify(expected.toJson()));
  });

  test('an error while resolving has toJson()\'s message', () => {
    const build = () => new ApiObject(chartIn(), 'obj', {
      apiVersion: 'v1',
      kind: 'Thing',
      spec: { x: Lazy.any({ produce: () => { throw new Error('no value yet'); } }) },
    });
    const theirs = errorOf(() => build().toJson());
    expect(theirs).toMatch(/^Error: Failed serializing construct at path 'chart\/obj' with name 'chart-obj-[0-9a-f]+': Error: no value yet$/);
    expect(errorOf(() => apiObjectRenderer(new App())(build()))).toBe(theirs);
  });
});

describe('apiObjectRenderer calls toJson() where only it is exact', () => {
  test('a class with its own toJson()', () => {
    class Extra extends k8s.KubeConfigMap {
      public toJson(): any {
        return { ...super.toJson(), extra: true };
      }
    }
    const o = new Extra(chartIn(), 'cm', { data: { a: '1' } });
    const ours = render(o);
    expect(ours.onePass).toBe(false);
    expect(JSON.parse(ours.json).extra).toBe(true);
    expect(ours.json).toBe(JSON.stringify(o.toJson()));
  });

  test('an object with its own toJson() (set on the instance)', () => {
    const o = new k8s.KubeConfigMap(chartIn(), 'cm', { data: { a: '1' } });
    const original = o.toJson.bind(o);
    o.toJson = () => ({ ...original(), extra: true });
    const ours = render(o);
    expect(ours.onePass).toBe(false);
    expect(JSON.parse(ours.json).extra).toBe(true);
  });

  test('an app with its own resolvers', () => {
    const upper: IResolver = { resolve: (c: ResolutionContext) => { if (c.value === 'x') c.replaceValue('X'); } };
    const o = new k8s.KubeConfigMap(chartIn(new App({ resolvers: [upper] })), 'cm', { data: { a: 'x' } });
    const ours = render(o);
    expect(ours.onePass).toBe(false);
    expect(JSON.parse(ours.json).data).toEqual({ a: 'X' });
    expect(ours.json).toBe(JSON.stringify(o.toJson()));
  });

  test('CDK8S_DISABLE_SORT', () => {
    process.env.CDK8S_DISABLE_SORT = '1';
    const o = new ApiObject(chartIn(), 'obj', { apiVersion: 'v1', kind: 'Thing', spec: { b: 1, a: 2 } });
    const ours = render(o);
    expect(ours.onePass).toBe(false);
    expect(ours.json).toContain('{"b":1,"a":2}');
    expect(ours.json).toBe(JSON.stringify(o.toJson()));
  });

  test('values that are not plain: the same result or the same error as toJson()', () => {
    const build = (value: unknown) => new ApiObject(chartIn(), 'obj', { apiVersion: 'v1', kind: 'Thing', spec: { value } });
    // Walked by sanitizeValue although resolve() leaves it as it is.
    const otherRealm = vm.runInNewContext('({ b: [1, null], a: { d: 2, c: 3 } })');
    expect(render(build(otherRealm)).json).toBe(JSON.stringify(build(otherRealm).toJson()));
    // ... and so rejects a Lazy value inside it.
    const lazyInside = vm.runInNewContext('({ a: lazy })', { lazy: Lazy.any({ produce: () => 1 }) });
    expect(errorOf(() => apiObjectRenderer(new App())(build(lazyInside)))).toBe(errorOf(() => build(lazyInside).toJson()));
    expect(errorOf(() => build(lazyInside).toJson())).toContain("can't render non-simple object of type 'Lazy'");
    // Sets the prototype of resolve()'s copy instead of a key: harmless, or an error.
    const proto = JSON.parse('{"__proto__": {"a": 1}, "b": 2}');
    expect(render(build(proto)).json).toBe(JSON.stringify(build(proto).toJson()));
    const arrayProto = JSON.parse('{"__proto__": [1], "b": 2}');
    expect(errorOf(() => apiObjectRenderer(new App())(build(arrayProto)))).toBe(errorOf(() => build(arrayProto).toJson()));
    expect(errorOf(() => build(arrayProto).toJson())).toContain("can't render non-simple object of type 'Array'");
    // Rejected by sanitizeValue.
    const date = new Date(0);
    expect(errorOf(() => apiObjectRenderer(new App())(build(date)))).toBe(errorOf(() => build(date).toJson()));
    expect(errorOf(() => build(date).toJson())).toContain("can't render non-simple object of type 'Date'");
    const bare = Object.create(null);
    expect(errorOf(() => apiObjectRenderer(new App())(build(bare)))).toBe(errorOf(() => build(bare).toJson()));
    // Resolves to itself forever.
    const loop: { resolve(): unknown } = { resolve: () => loop };
    expect(errorOf(() => apiObjectRenderer(new App())(build(loop)))).toBe(errorOf(() => build(loop).toJson()));
  });
});
