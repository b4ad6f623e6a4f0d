// The layers of src/ (ARCHITECTURE.md): each imports only from the layers before it, with no cycles.
import * as fs from 'fs';
import * as path from 'path';

const SRC = path.join(__dirname, '..', 'src');
const LAYERS = ['core', 'workload', 'synth', 'policies', 'constructs', 'app', 'testing', 'cli', 'examples'];
// The entry points sit above every layer.
const ENTRIES = new Map([['index.ts', LAYERS.length], ['main.ts', LAYERS.length + 1]]);

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return e.name.endsWith('.ts') ? [p] : [];
  });
}

function rank(file: string): number {
  const rel = path.relative(SRC, file);
  const top = rel.split(path.sep)[0];
  const entry = ENTRIES.get(rel);
  if (entry !== undefined) return entry;
  const i = LAYERS.indexOf(top);
  if (i < 0) throw new Error(`${rel} is in no layer: move it into one of ${LAYERS.join(', ')}`);
  return i;
}

/**
 * The files of src/ that `file` imports (relative specifiers). With `types: false`, imports of
 * types only (`import type`), which load nothing at run time, are left out.
 */
function imports(file: string, types = true): string[] {
  const text = fs.readFileSync(file, 'utf8');
  const specs = [...text.matchAll(/(?:^|\n)\s*(import|export)\b(\s+type\b)?[^'"]*?from\s*['"](\.[^'"]+)['"]/g)]
    .filter((m) => types || !m[2]).map((m) => m[3])
    .concat([...text.matchAll(/require\(\s*['"](\.[^'"]+)['"]\s*\)/g)].map((m) => m[1]));
  return specs.map((s) => resolve(path.resolve(path.dirname(file), s))).filter((f): f is string => f !== undefined && f.startsWith(SRC + path.sep));
}

function resolve(p: string): string | undefined {
  for (const candidate of [`${p}.ts`, path.join(p, 'index.ts'), p]) if (fs.existsSync(candidate) && fs.statSync(candidate).isFile()) return candidate;
  return undefined;
}

const files = sourceFiles(SRC);
const graph = new Map(files.map((f) => [f, imports(f)]));
const runtimeGraph = new Map(files.map((f) => [f, imports(f, false)]));

test('the layers and their order', () => {
  for (const layer of LAYERS.filter((l) => l !== 'testing')) expect(fs.existsSync(path.join(SRC, layer))).toBe(true);
  expect(files.length).toBeGreaterThan(50);
});

test('no file imports from a layer above its own', () => {
  const upward: string[] = [];
  for (const [file, deps] of graph) {
    for (const dep of deps) {
      if (rank(dep) > rank(file)) upward.push(`${path.relative(SRC, file)} -> ${path.relative(SRC, dep)}`);
    }
  }
  expect(upward).toEqual([]);
});

// A props spec may name its props interface (`import type`) so that the two cannot drift.
test('no import cycles between files at run time', () => {
  const state = new Map<string, 'active' | 'done'>();
  const cycles: string[] = [];
  const visit = (f: string, stack: string[]): void => {
    if (state.get(f) === 'done') return;
    if (state.get(f) === 'active') {
      cycles.push([...stack.slice(stack.indexOf(f)), f].map((x) => path.relative(SRC, x)).join(' -> '));
      return;
    }
    state.set(f, 'active');
    for (const d of runtimeGraph.get(f) ?? []) visit(d, [...stack, f]);
    state.set(f, 'done');
  };
  for (const f of files) visit(f, []);
  expect(cycles).toEqual([]);
});

test('the checker sees an upward import (it can fail)', () => {
  const chart = path.join(SRC, 'app', 'chart.ts');
  const workload = path.join(SRC, 'workload', 'workload.ts');
  expect(rank(chart)).toBeGreaterThan(rank(workload));
  expect(graph.get(chart)).toEqual(expect.arrayContaining([path.join(SRC, 'core', 'names.ts')]));
});
