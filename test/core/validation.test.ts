import { TimonelError } from '../../src/core/errors';
import { checkArgs, checkProps, closest, propsIssues, v } from '../../src/core/validation';
import { thrown } from '../support/util';

interface Props {
  readonly replicas?: number;
  readonly image: string;
  readonly ports?: Array<{ readonly name: string; readonly port: number }>;
  readonly env?: Record<string, string>;
  readonly mode?: 'a' | 'b';
  readonly on?: boolean;
}

const SPEC = v.object<Props>()({
  replicas: v.int({ min: 0 }),
  image: v.required(v.string({ nonEmpty: true })),
  ports: v.array(v.object<{ name: string; port: number }>()({ name: v.required(v.string()), port: v.required(v.int({ min: 1, max: 65535 })) })),
  env: v.record(v.string()),
  mode: v.oneOf(['a', 'b'] as const),
  on: v.boolean(),
}, {
  check: (p, r) => {
    if (p.replicas === 0 && p.on) r.issue('on', { message: 'needs replicas', value: p.on });
  },
});

describe('checkProps', () => {
  test('returns valid props unchanged', () => {
    const props = { image: 'x', replicas: 2, ports: [{ name: 'http', port: 80 }], env: { A: 'b' }, mode: 'a' };
    expect(checkProps(SPEC, props, 'shop/web')).toBe(props);
  });

  test('fails when a prop is misspelled, suggesting the right one', () => {
    expect(() => checkProps(SPEC, { image: 'x', replica: 2 }, 'shop/web')).toThrow(
      "[shop/web] 'replica' is not a known prop, got 2. Allowed: 'replicas', 'image', 'ports', 'env', 'mode', 'on'. Fix: did you mean 'replicas'?",
    );
  });

  test('fails when a prop belongs inside another, saying which', () => {
    const nested = v.object<{ image?: string; ingress?: { host?: string; maxReplicas?: number } }>()({
      image: v.string(),
      ingress: v.object<{ host?: string; maxReplicas?: number }>()({ host: v.string(), maxReplicas: v.int({ min: 1 }) }),
    });
    expect(() => checkProps(nested, { image: 'x', host: 'a.example.com' }, 'shop/web')).toThrow(
      "[shop/web] 'host' is not a known prop, got 'a.example.com'. Allowed: 'image', 'ingress'. Fix: it belongs inside 'ingress': write ingress: { host: … }",
    );
    // an exact field one level down wins over a near top-level name ('maxReplicas' is not a typo of 'image')
    expect(thrown(() => checkProps(nested, { maxReplicas: 3 }, 'w')).fix).toBe('it belongs inside \'ingress\': write ingress: { maxReplicas: … }');
  });

  test('fails when an object prop is given as true, showing the object that turns it on', () => {
    const spec = v.object<{ a?: { x?: string }; b?: { y: string; z?: string } }>()({
      a: v.object<{ x?: string }>()({ x: v.string() }),
      b: v.object<{ y: string; z?: string }>()({ y: v.required(v.string()), z: v.string() }),
    });
    expect(thrown(() => checkProps(spec, { a: true }, 'w')).fix).toBe("write {} for the defaults, or set some of 'x'");
    expect(thrown(() => checkProps(spec, { b: true }, 'w')).fix).toBe('write { y: … }');
    expect(thrown(() => checkProps(spec, { b: 'y' }, 'w')).fix).toBe('write an object: { y: … }');
  });

  test('fails with every problem of the props at once, each at the path the user wrote', () => {
    const e = thrown(() => checkProps(SPEC, { replicas: '2', ports: [{ name: 'http', port: 0 }, null], env: { A: 1 }, mode: 'A', on: 'true' }, 'shop/web'));
    expect(e.problems.map((p) => p.prop)).toEqual(['replicas', 'image', 'ports[0].port', 'ports[1]', 'env.A', 'mode', 'on']);
    expect(e.message.split('\n')).toEqual([
      '[shop/web] has 7 invalid props:',
      "  'replicas' must be a whole number, but is a string, got '2'. Allowed: a whole number. Fix: write it as a number: 2",
      "  'image' is required, got undefined. Allowed: a non-empty string. Fix: add image: …",
      "  'ports[0].port' must be a whole number of at least 1, got 0. Allowed: an integer from 1 to 65535. Fix: use 1 or more",
      "  'ports[1]' must be an object, but is null, got null. Allowed: an object. Fix: write an object: { name: …, port: … }",
      "  'env.A' must be a string, but is a number, got 1. Allowed: a string. Fix: write it as a string: '1'",
      "  'mode' is not one of the allowed values, got 'A'. Allowed: 'a', 'b'. Fix: did you mean 'a'?",
      "  'on' must be true or false, but is a string, got 'true'. Allowed: true or false. Fix: write true without quotes",
    ]);
    expect(e.problems.every((p) => p instanceof TimonelError && p.path === 'shop/web')).toBe(true);
  });

  test('runs the semantic rules once the fields are well formed', () => {
    expect(() => checkProps(SPEC, { image: 'x', replicas: 0, on: true }, 'w')).toThrow("[w] 'on' needs replicas, got true");
    expect(propsIssues(SPEC, { image: 'x', replicas: -1, on: true }).map((i) => i.prop)).toEqual(['replicas']);
  });

  test('fails when required props are missing altogether', () => {
    expect(() => checkProps(SPEC, undefined, 'w')).toThrow(/^\[w\] props are required, got undefined/);
  });

  test('treats a key set to undefined as left out', () => {
    expect(propsIssues(SPEC, { image: 'x', replicas: undefined, typo: undefined })).toEqual([]);
  });
});

describe('shared wording of the specs', () => {
  test("fails when a misspelled key stands for a required one, with the did-you-mean alone (no second 'is required')", () => {
    expect(() => checkProps(SPEC, { imag: 'x' }, 'shop/web')).toThrow(
      /^\[shop\/web\] 'imag' is not a known prop, got 'x'\. Allowed: .*\. Fix: did you mean 'image'\?$/,
    );
  });

  test('fails when a list is given one value, saying it must be a list and writing it in brackets', () => {
    const spec = v.object<{ tags?: string[]; ports?: number[] }>()({ tags: v.array(v.string(), { allowed: 'a list of tags' }), ports: v.array(v.int()) });
    expect(() => checkProps(spec, { tags: 'a' }, 'x')).toThrow("[x] 'tags' must be a list, but is a string, got 'a'. Allowed: a list of tags. Fix: wrap it in brackets: ['a']");
    expect(() => checkProps(spec, { ports: 443 }, 'x')).toThrow('Fix: wrap it in brackets: [443]');
  });

  test('fails when an item of a list of choices is wrong, naming the item (a list is not taken for one bad choice)', () => {
    const forms = ['host-port', 'addr', 'url'] as const;
    const spec = v.object<{ form?: string | string[] }>()({ form: v.union(v.oneOf(forms), v.array(v.oneOf(forms), { minItems: 1 })) as any });
    expect(() => checkProps(spec, { form: ['addr', 'uri'] }, 'x')).toThrow(
      "[x] 'form[1]' is not one of the allowed values, got 'uri'. Allowed: 'host-port', 'addr', 'url'. Fix: did you mean 'url'?",
    );
  });

  test('an int fix can depend on the value', () => {
    const spec = v.object<{ port?: number }>()({ port: v.int({ min: 1, fix: (x) => (typeof x === 'string' ? `no names: ${x}` : undefined) }) });
    expect(() => checkProps(spec, { port: 'http' }, 'x')).toThrow('Fix: no names: http');
    expect(thrown(() => checkProps(spec, { port: 0 }, 'x')).fix).toBe('use 1 or more');
  });

  test('checkArgs checks each argument under its own path and reports them together', () => {
    const list = v.required(v.array(v.string(), { minItems: 1 }));
    const opts = v.object<{ ports?: number[] }>()({ ports: v.array(v.int()) }, { what: 'option of f' });
    expect(() => checkArgs('shop/web', [[list, ['a'], 'f.list'], [opts, { ports: [1] }, 'f']])).not.toThrow();
    expect(() => checkArgs('shop/web', [[opts, undefined, 'f']])).not.toThrow();
    const e = thrown(() => checkArgs('shop/web', [[list, undefined, 'f.list'], [opts, { port: 1 }, 'f']]));
    expect(e.message).toBe([
      '[shop/web] has 2 invalid props:',
      "  'f.list' is required, got undefined. Allowed: an array of a string. Fix: pass list",
      "  'f.port' is not a known option of f, got 1. Allowed: 'ports'. Fix: did you mean 'ports'?",
    ].join('\n'));
  });
});

describe('closest', () => {
  test('suggests a near name, ignoring case, and nothing for a far one', () => {
    expect(closest('healtPath', ['healthPath', 'port'])).toBe('healthPath');
    expect(closest('PORT', ['healthPath', 'port'])).toBe('port');
    expect(closest('zzz', ['healthPath', 'port'])).toBeUndefined();
  });

  test('fails when an enum value differs only in case, suggesting the right case', () => {
    const protocol = v.object<{ protocol?: 'TCP' | 'UDP' | 'SCTP'; pathType?: string }>()({
      protocol: v.oneOf(['TCP', 'UDP', 'SCTP'] as const),
      pathType: v.oneOf(['Prefix', 'Exact', 'ImplementationSpecific'] as const),
    });
    expect(() => checkProps(protocol, { protocol: 'tcp' }, 'shop/web')).toThrow(
      "[shop/web] 'protocol' is not one of the allowed values, got 'tcp'. Allowed: 'TCP', 'UDP', 'SCTP'. Fix: did you mean 'TCP'?",
    );
    expect(() => checkProps(protocol, { protocol: 'Sctp' }, 'shop/web')).toThrow(/Fix: did you mean 'SCTP'\?$/);
    expect(() => checkProps(protocol, { pathType: 'implementationspecific' }, 'shop/web')).toThrow(/Fix: did you mean 'ImplementationSpecific'\?$/);
  });

  test('suggests the one name a shortened word starts, and nothing when several or too short', () => {
    expect(closest('argo', ['kubectl', 'argocd', 'flux'])).toBe('argocd');
    expect(closest('pre', ['pre-sync', 'pre-delete'])).toBeUndefined();
    expect(closest('ar', ['argocd'])).toBeUndefined();
    // a part of the name: the one candidate that contains it
    expect(closest('prefix', ['PathPrefix', 'Exact'])).toBe('PathPrefix');
    expect(closest('sync', ['pre-sync', 'post-sync'])).toBeUndefined();
  });
});
