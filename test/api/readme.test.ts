// The README's example is what new users copy first: it runs as written, and what the README says
// about its output (the objects in apply order, the env, who may reach what) is what it writes.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ts from 'typescript';
import { parseAllDocuments } from 'yaml';
import * as timonel from '../../src';
import { DEFAULTS } from '../../src/core/defaults';
import { init } from '../../src/cli/init';
import { RULES } from '../../src/policies/rules';
import { findObject, podSpecOf } from '../../src/testing';
import '../../src/testing/jest';

const README = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');

/** The text of the README section headed `## <title>`. */
function section(title: string): string {
  const start = README.indexOf(`\n## ${title}\n`);
  if (start < 0) throw new Error(`README has no section '${title}'`);
  const end = README.indexOf('\n## ', start + 1);
  return README.slice(start, end < 0 ? undefined : end);
}

/** Runs the example's code as written (its `from 'timonel'` is this checkout's src/), writing into `outdir`. */
function runExample(outdir: string): { app: timonel.App; shop: timonel.TimonelChart; web: timonel.WebApp; db: timonel.PostgreSQL } {
  const code = /```ts\n([\s\S]*?)```/.exec(section('An example'))![1];
  const js = ts.transpileModule(`${code}\nmodule.exports = { app, shop, web, db };\n`, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
  }).outputText;
  const mod = { exports: {} as any };
  const req = (id: string) => {
    if (id === 'timonel') return timonel;
    throw new Error(`the README example imports '${id}'`);
  };
  const saved = process.env.TIMONEL_OUTDIR;
  process.env.TIMONEL_OUTDIR = outdir;
  try {
    new Function('require', 'module', 'exports', js)(req, mod, mod.exports);
  } finally {
    if (saved === undefined) delete process.env.TIMONEL_OUTDIR;
    else process.env.TIMONEL_OUTDIR = saved;
  }
  return mod.exports;
}

describe('README: an example', () => {
  const outdir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'timonel-readme-')), 'dist');
  const example = runExample(outdir);
  const written: any[] = parseAllDocuments(fs.readFileSync(path.join(outdir, 'shop.k8s.yaml'), 'utf8')).map((d) => d.toJSON());

  afterAll(() => fs.rmSync(path.dirname(outdir), { recursive: true, force: true }));

  test('writes the files it names', () => {
    expect(section('An example')).toContain('writes `dist/shop.k8s.yaml` and `dist/kustomization.yaml`');
    expect(fs.readdirSync(outdir).filter((f) => !f.startsWith('.')).sort()).toEqual(['kustomization.yaml', 'shop.k8s.yaml']);
  });

  test('the chart file holds the objects the README lists, in its order', () => {
    const prose = /The chart file holds,\s*in apply order:([\s\S]*?)An excerpt/.exec(section('An example'))![1];
    // "Services `shop-db-headless`, `shop-db` and `shop-web`" -> Service/shop-db-headless, Service/shop-db, Service/shop-web
    const listed: string[] = [];
    for (const item of prose.split(';')) {
      const plural = /^\s*(\w+)\s+`/.exec(item)![1];
      const kind = plural.replace(/ies$/, 'y').replace(/([^s])s$/, '$1');
      for (const m of item.matchAll(/`([^`]+)`/g)) listed.push(`${kind}/${m[1]}`);
    }
    expect(listed.length).toBeGreaterThan(10);
    expect(written.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(listed);
  });

  test('the Deployment excerpt is the Deployment it writes', () => {
    const excerpt = /```yaml\n([\s\S]*?)```/.exec(section('An example'))![1];
    const container = podSpecOf(findObject(written, 'Deployment', 'shop-web')).containers[0];
    const names = [...excerpt.matchAll(/- name: (\w+)/g)].map((m) => m[1]);
    expect(container.env.map((e: any) => e.name)).toEqual(names);
    expect(excerpt).toContain(`image: ${container.image}`);
    expect(container.lifecycle.preStop.exec.command).toEqual(['sleep', '5']);
  });

  test('who may reach what, as the README says', () => {
    const { shop, web, db } = example;
    expect(shop).toAllowTraffic(DEFAULTS.traffic.ingressController, web, 3000);
    expect(shop).toAllowTraffic(DEFAULTS.traffic.ingressController, web, 80); // the Service port, to 3000
    expect(shop).toAllowTraffic(web, db, 5432);
    expect(shop).not.toAllowTraffic({ namespace: 'other', labels: { app: 'x' } }, web, 3000); // isolate: true
    expect(shop).not.toAllowTraffic({ namespace: 'shop', labels: { app: 'x' } }, db, 5432);
    expect(shop).not.toAllowTraffic(web, { ip: '203.0.113.7' }, 443); // connectTo closes web's egress
  });
});

describe('README: what it says of timonel', () => {
  test('the rule counts of the README and docs/policies.md are the rules `timonel rules` lists (RULES)', () => {
    const policies = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'policies.md'), 'utf8');
    const counts = [...`${README}\n${policies}`.matchAll(/against (\d+) (?:policy )?rules/g)].map((m) => Number(m[1]));
    expect(counts.length).toBeGreaterThanOrEqual(3);
    expect(new Set(counts)).toEqual(new Set([RULES.length]));
  });

  test('the error examples are the messages timonel throws', () => {
    const examples = /```\n(\[shop\/web\][\s\S]*?)```/.exec(section('Errors'))![1].trim().split('\n');
    const message = (f: () => unknown): string => {
      try {
        f();
      } catch (e) {
        return (e as Error).message;
      }
      throw new Error('accepted');
    };
    const chart = () => new timonel.TimonelChart(new timonel.App(), 'shop');
    expect(examples).toEqual([
      message(() => new timonel.WebApp(chart(), 'web', { image: 'ghcr.io/acme/web:1.0.0', resources: { memory: { limit: '10GB' } } })),
      message(() => new timonel.BatchJob(chart(), 'nightly', { image: 'ghcr.io/acme/web:1.0.0', schedule: '61 * * * *' } as any)),
    ]);
  });

  test('init scaffolds the files the README names', () => {
    const sentence = /`init` scaffolds ([\s\S]*?)\. Its/.exec(README)![1];
    const named = [...sentence.matchAll(/`([^`]+)`/g)].map((m) => m[1]).sort();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'timonel-readme-init-'));
    try {
      expect([...init({ dir, cwd: dir }).files].sort()).toEqual(named);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('links in what the npm package ships', () => {
  const ROOT = path.join(__dirname, '..', '..');
  const shipped: string[] = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).files;
  const isShipped = (file: string): boolean => shipped.some((f) => file === f || file.startsWith(`${f}/`));
  const docs = ['README.md', ...fs.readdirSync(path.join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];

  // A relative link in the README or docs/ opens inside node_modules/timonel too: it must point at a
  // file the package ships, or say on its line that it is in the source repository.
  test.each(docs)('%s links only to shipped files, or says the target is in the source repository', (doc) => {
    const broken: string[] = [];
    fs.readFileSync(path.join(ROOT, doc), 'utf8').split('\n').forEach((line, i) => {
      for (const m of line.matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)) {
        if (/^[a-z]+:/.test(m[1])) continue;
        const target = path.relative(ROOT, path.resolve(ROOT, path.dirname(doc), m[1]));
        if (!fs.existsSync(path.join(ROOT, target))) broken.push(`${doc}:${i + 1} ${m[1]} (no such file)`);
        else if (!isShipped(target) && !/source repository/.test(line)) broken.push(`${doc}:${i + 1} ${m[1]} (not in the package)`);
      }
    });
    expect(broken).toEqual([]);
  });
});
