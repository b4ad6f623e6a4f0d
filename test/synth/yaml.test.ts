import * as fs from 'fs';
import * as path from 'path';
import { Yaml } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { App } from '../../src/app/app';
import { TimonelChart } from '../../src/app/chart';
import { withCallScope } from '../../src/core/call-scope';
import { synthesizeApp } from '../../src/synth/synth';
import { stringifyDocs } from '../../src/synth/yaml';
import { buildPlatform } from '../../src/main';

// stringifyDocs must write exactly what cdk8s Yaml.stringify writes, for any documents.

function expectSame(docs: unknown[]): void {
  expect(stringifyDocs(docs)).toBe(Yaml.stringify(...docs));
}

/** Every YAML file under a folder, parsed to plain documents. */
function yamlDocsUnder(dir: string): unknown[] {
  const docs: unknown[] = [];
  for (const file of fs.readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    if (/\.ya?ml$/.test(file)) docs.push(...Yaml.load(path.join(dir, file)));
  }
  return docs;
}

const ROOT = path.join(__dirname, '..', '..');

describe('stringifyDocs', () => {
  test('writes the example platform as cdk8s does, document by document and file by file', () => {
    const app = new App({ outdir: path.join(ROOT, 'unused') });
    buildPlatform(app);
    const { charts } = synthesizeApp(app);
    expect(charts.length).toBeGreaterThan(3);
    for (const c of charts) {
      expectSame(c.docs);
      for (const d of c.docs) expectSame([d]);
    }
  });

  test('writes the committed dist/ and the third-party fixtures as cdk8s does', () => {
    const docs = [...yamlDocsUnder(path.join(ROOT, 'dist')), ...yamlDocsUnder(path.join(ROOT, 'test', 'fixtures'))];
    expect(docs.length).toBeGreaterThan(50);
    for (const d of docs) expectSame([d]);
    expectSame(docs);
  });

  test.each([
    ['an empty list of documents', []],
    ['an undefined document', [undefined, { a: 1 }, undefined]],
    ['an empty object', [{}]],
    ['a top-level list', [['a', { b: 1 }]]],
    ['a top-level scalar', ['text']],
    ['empty collections everywhere', [{ a: {}, b: [], c: [{}, [], [[]], { d: {} }] }]],
    ['nested lists', [{ a: [[1, [2, [3]]], [], ['x', { y: [4] }]] }]],
    ['YAML 1.1 words as keys and values', [{ y: 'n', yes: 'no', on: 'off', True: 'NULL', null: '~', '<<': 'x' }]],
    ['strings that look like numbers, dates and times', [{ a: '8080', b: '0.5', c: '1e3', d: '0x1F', e: '2001-12-14', f: '1:20', g: '.inf', h: '1_000', i: '+1', j: '0o17' }]],
    ['numbers', [{ a: 0, b: -0, c: 0.5, d: -1.25, e: 1e21, f: 1e-7, g: NaN, h: Infinity, i: -Infinity, j: Number.MAX_SAFE_INTEGER, k: 2 ** 60 }]],
    ['indicators and spaces', [{ a: '- x', b: 'a: b', c: 'a #b', d: ' lead', e: 'trail ', f: '', g: '#', h: '*ref', i: '&a', j: '!tag', k: '%x', l: '@x', m: '`x', n: '[a]', o: '{a}', p: 'a,b', q: '?', r: '? x', s: ':', t: 'x:' }]],
    ['quotes, escapes and control characters', [{ a: "it's", b: 'say "hi"', c: 'back\\slash', d: 'tab\there', e: 'bell\u0007', f: '\u00e9\u00e8 ¡¡Hola, mundo!', g: '\ud83d\ude80', h: 'nul\u0000', i: 'del\u007f', j: 'nbsp\u00a0x', k: 'line\u2028sep', l: 'bom\ufeff' }]],
    ['multi-line strings (block scalars)', [{ script: 'echo a\necho b\n', keep: 'a\n\n', cr: 'a\r\nb', lead: '\n x', list: ['one\ntwo'] }]],
    ['document markers', [{ a: '---', b: '...', c: '--- x', d: 'a\n---\nb' }]],
    ['long keys and values', [{ ['k'.repeat(1100)]: 'v'.repeat(5000), ['x y'.repeat(400)]: 1, ok: 'w '.repeat(100) }]],
    ['a shared object (YAML anchors)', (() => { const shared = { a: 1 }; return [{ x: shared, y: shared }]; })()],
    ['a shared list', (() => { const shared = [1]; return [{ x: shared, y: [shared] }]; })()],
    ['shared empty collections', (() => { const o = {}; const a: unknown[] = []; return [{ x: o, y: o }, { x: [a, a] }, { x: { o }, y: [o] }]; })()],
    ['a document that contains itself', (() => { const d: Record<string, unknown> = { a: 1 }; d.self = d; return [d]; })()],
    ['the same object in two documents (no anchors across documents)', (() => { const o = { a: [1] }; return [{ x: o }, { y: o }]; })()],
    ['undefined values and holes', [{ a: undefined, b: [1, undefined, 3], c: [1, , 3] }]],
    ['non-plain values', [{ a: new Date(0), b: new Map([['k', 1]]), c: new Set([1]), d: 10n, e: Object.create(null) }]],
    ['integer-like keys (JavaScript orders them first)', [{ b: 1, 10: 'ten', 2: 'two', a: { 1: 'x', '-1': 'y' } }]],
  ])('writes %s as cdk8s does', (_name, docs) => {
    expectSame(docs as unknown[]);
  });

  test('writes random documents as cdk8s does', () => {
    const rnd = random(42);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
    const atoms = ['a', 'Z', 'y', 'n', 'on', 'no', '0', '7', '-', ':', ' ', '#', '.', '_', '/', "'", '"', '\\', '\t', '\n', '%', '@', '!', '&', '*',
      '?', ',', '[', '{', '|', '>', '~', 'e', 'x', '<', '=', '+', 'E', 'b', 'Y', 'O', 'inf', 'nan', '0b', '0o', '\u00e9', '\u0085', 'true', 'null', '---', '1.5', '0x', '2024-01-02', 'T', 'Z'];
    const str = (): string => Array.from({ length: Math.floor(rnd() * 5) }, () => pick(atoms)).join('');
    const scalar = (): unknown => pick<() => unknown>([str, str, str, () => Math.floor(rnd() * 2000) - 1000, () => rnd() * 10, () => rnd() < 0.5, () => null])();
    // Some collections are reused within a document (the library writes those as anchors).
    let made: object[] = [];
    const value = (depth: number): unknown => {
      const r = rnd();
      if (depth > 4 || r < 0.5) return scalar();
      if (made.length && rnd() < 0.03) return pick(made);
      const size = Math.floor(rnd() * 4);
      const c: object = r < 0.75 ? Array.from({ length: size }, () => value(depth + 1)) : {};
      if (!Array.isArray(c)) for (let i = 0; i < size; i++) (c as Record<string, unknown>)[str()] = value(depth + 1);
      made.push(c);
      return c;
    };
    for (let i = 0; i < 5000; i++) {
      made = [];
      const doc: Record<string, unknown> = {};
      for (let k = 0; k < 1 + Math.floor(rnd() * 4); k++) doc[str()] = value(0);
      expectSame([doc, value(0)]);
    }
  });

  test('writes values made of identifier characters and colons as cdk8s does', () => {
    const rnd = random(42);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
    // Pieces of image references, URLs, digests, times, numbers and YAML 1.1 words.
    const atoms = ['a', 'e', 'E', 'x', 'b', 'o', 'f', 'Y', 'n', 'on', 'No', 'true', 'Null', 'inf', 'nan', '0', '1', '7', '9', '59', '60', '2024',
      '.', '..', ':', '::', '/', '//', '-', '_', '0x', '0b', '1e', '12:30', '1:2:3', '2024-01-02', 'T', 'Z', 'http://', 'sha256:', 'ghcr.io/acme/'];
    const values = new Set<string>();
    for (let i = 0; i < 6000; i++) values.add(Array.from({ length: 1 + Math.floor(rnd() * 5) }, () => pick(atoms)).join(''));
    values.add('5dd6ea6962bc5f7c07eeeb361aa428f41eeb35d8ccdfd16c7780bf70ea38c864').add('1e10').add('0b101').add('190:20:30').add('1_000');
    const cdk8s = (...docs: unknown[]) => Yaml.stringify(...docs);
    for (const v of values) {
      const ours = stringifyDocs([{ v }, { list: [v] }]);
      if (ours !== cdk8s({ v }, { list: [v] })) throw new Error(`'${v}': wrote ${JSON.stringify(ours)}, cdk8s writes ${JSON.stringify(cdk8s({ v }, { list: [v] }))}`);
    }
    expect(stringifyDocs([{ image: 'ghcr.io/acme/svc-0:1.0.0', url: 'http://svc-0-api.svc-0.svc', digest: '5dd6ea6962bc5f7c07eeeb361aa428f41eeb35d8ccdfd16c7780bf70ea38c864' }]))
      .toBe('image: ghcr.io/acme/svc-0:1.0.0\nurl: http://svc-0-api.svc-0.svc\ndigest: 5dd6ea6962bc5f7c07eeeb361aa428f41eeb35d8ccdfd16c7780bf70ea38c864\n');
    // Numbers, times and words in YAML 1.1 are still quoted as the library quotes them.
    expect(stringifyDocs([{ a: '190:20:30', b: '1e10', c: '0b101', d: '1_000', e: 'On' }])).toBe(cdk8s({ a: '190:20:30', b: '1e10', c: '0b101', d: '1_000', e: 'On' }));
  });
});

describe('what stringifyDocs remembers', () => {
  // How often the yaml library is asked how to write `value` (a string it must quote).
  function asks(value: string, fn: () => void): number {
    const spy = jest.spyOn(Yaml, 'stringify');
    try {
      fn();
      return spy.mock.calls.filter(([doc]) => (doc as { v?: unknown } | undefined)?.v === value).length;
    } finally {
      spy.mockRestore();
    }
  }

  test('lasts one call: a call asks once per value, the next call asks again', () => {
    const value = 'one call: once';
    expect(asks(value, () => stringifyDocs([{ a: value }, { b: [value] }]))).toBe(1);
    expect(asks(value, () => stringifyDocs([{ a: value }]))).toBe(1);
    expect(asks(value, () => withCallScope(() => [stringifyDocs([{ a: value }]), stringifyDocs([{ b: value }])]))).toBe(1);
  });

  test("lasts one App's output: its files share it, and the next output asks again", () => {
    const value = 'every file: once';
    const app = new App({ outdir: path.join(ROOT, 'unused') });
    for (const id of ['a', 'b']) new k8s.KubeConfigMap(new TimonelChart(app, id), 'cm', { data: { value } });
    expect(asks(value, () => [...app.output().files])).toBe(1);
    expect(asks(value, () => app.render().map((f) => stringifyDocs(f.docs)))).toBe(2);
    const files = app.output().files;
    expect(asks(value, () => [...files, ...files])).toBe(2);
  });
});

// Deterministic pseudo-random numbers, so a failure reproduces.
function random(seed: number): () => number {
  return () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
}
