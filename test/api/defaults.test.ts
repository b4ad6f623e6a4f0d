import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import { App, DEFAULTS, TimonelChart, WebApp } from '../../src';

// Every optional prop of the public *Props and *Options interfaces says what happens when it is
// left out: a `@default` tag (a literal, or `-` and what actually happens), as the AWS CDK does.
const ROOT = path.resolve(__dirname, '..', '..');
const SRC = path.join(ROOT, 'src') + path.sep;

/** `Interface.prop` (where it is declared) for every optional prop in src/ without a @default tag. */
function propsWithoutDefault(): { checked: number; missing: string[] } {
  const program = ts.createProgram([path.join(SRC, 'index.ts')], { strict: true, skipLibCheck: true, noEmit: true, types: [] });
  const checker = program.getTypeChecker();
  const entry = checker.getSymbolAtLocation(program.getSourceFile(path.join(SRC, 'index.ts'))!)!;
  const missing = new Set<string>();
  const seen = new Set<ts.Declaration>();
  for (const exported of checker.getExportsOfModule(entry)) {
    const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
    if (!(symbol.flags & ts.SymbolFlags.Interface) || !/(Props|Options)$/.test(exported.name)) continue;
    for (const prop of checker.getDeclaredTypeOfSymbol(symbol).getProperties()) {
      const decl = prop.valueDeclaration ?? prop.declarations?.[0];
      // Props inherited from cdk8s are documented there.
      if (!decl || !decl.getSourceFile().fileName.startsWith(SRC.split(path.sep).join('/'))) continue;
      if (!(prop.flags & ts.SymbolFlags.Optional) || seen.has(decl)) continue;
      seen.add(decl);
      const owner = ts.isInterfaceDeclaration(decl.parent) ? decl.parent.name.text : exported.name;
      if (!ts.getJSDocTags(decl).some((t) => t.tagName.text === 'default')) missing.add(`${owner}.${prop.name}`);
    }
  }
  return { checked: seen.size, missing: [...missing].sort() };
}

test('every optional prop of an exported *Props or *Options interface carries @default', () => {
  const { checked, missing } = propsWithoutDefault();
  expect(checked).toBeGreaterThan(50);
  expect(missing).toEqual([]);
}, 60_000);

describe('DEFAULTS is frozen, so no code in the process changes another App\'s output', () => {
  /** The resources and the dropped capabilities of a default WebApp's container, rendered by a new App. */
  function rendered(): unknown {
    const app = new App({ outdir: 'unused' });
    new WebApp(new TimonelChart(app, 'shop', { namespace: 'shop' }), 'web', { image: 'nginx:1.27.2', isolate: true });
    const deployment = app.render({ policies: false }).flatMap((f) => f.docs).find((d: any) => d.kind === 'Deployment') as any;
    const container = deployment.spec.template.spec.containers[0];
    return { resources: container.resources, drop: container.securityContext.capabilities.drop };
  }

  test('assigning to a nested field or a list throws a TypeError (strict mode), and the next App renders the same', () => {
    'use strict';
    const before = rendered();
    expect(before).toEqual({ resources: { limits: { memory: '256Mi' }, requests: { cpu: '100m', memory: '128Mi' } }, drop: ['ALL'] });
    const d = DEFAULTS as any;
    expect(() => { d.resources.cpuRequest = '3'; }).toThrow(TypeError);
    expect(() => { d.security.dropCapabilities.push('NONE'); }).toThrow(TypeError);
    expect(() => { d.traffic.ingressController.podLabels['app.kubernetes.io/name'] = 'other'; }).toThrow(TypeError);
    expect(() => { d.webApp = {}; }).toThrow(TypeError);
    expect(() => { delete d.managedBy; }).toThrow(TypeError);
    expect(DEFAULTS.resources.cpuRequest).toBe('100m');
    expect(rendered()).toEqual(before);
  });

  test('every object and list in it is frozen', () => {
    const unfrozen: string[] = [];
    const walk = (value: unknown, at: string): void => {
      if (typeof value !== 'object' || value === null) return;
      if (!Object.isFrozen(value)) unfrozen.push(at);
      for (const [k, v] of Object.entries(value)) walk(v, `${at}.${k}`);
    };
    walk(DEFAULTS, 'DEFAULTS');
    expect(unfrozen).toEqual([]);
  });
});

/** `value` as it is written in TypeScript: 'x', 3, true, { kind: 'GitRepository', name: 'flux-system' }. */
function literal(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (Array.isArray(value)) return `[${value.map(literal).join(', ')}]`;
  if (typeof value === 'object' && value !== null) return `{ ${Object.entries(value).map(([k, x]) => `${k}: ${literal(x)}`).join(', ')} }`;
  return String(value);
}

/** Every TypeScript file under `dir`. */
function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

test("a @default tag that names where its value lives ('main' (DEFAULTS.delivery.argocd.revision)) shows that value", () => {
  const wrong: string[] = [];
  let checked = 0;
  for (const file of sources(SRC)) {
    fs.readFileSync(file, 'utf8').split('\n').forEach((line, i) => {
      const tag = line.indexOf('@default');
      if (tag < 0) return;
      // `<literal> (DEFAULTS.a.b…)`, `<literal> (Argo CD: DEFAULTS.a.b)`
      for (const m of line.slice(tag).matchAll(/\((?:[A-Za-z ]+: )?(DEFAULTS(?:\.\w+)+)/g)) {
        checked++;
        const value = m[1].split('.').slice(1).reduce<any>((o, k) => o?.[k], DEFAULTS);
        const before = line.slice(tag, tag + m.index!).trimEnd();
        if (value === undefined || !before.endsWith(literal(value))) wrong.push(`${path.relative(ROOT, file)}:${i + 1}: ${m[1]} is ${literal(value)}, the tag says ${before}`);
      }
    });
  }
  expect(checked).toBeGreaterThanOrEqual(17);
  expect(wrong).toEqual([]);
});
