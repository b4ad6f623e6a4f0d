import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { formatAppError } from '../../src/cli/synth';
import { TimonelError } from '../../src/core/errors';
import { PolicyError } from '../../src/policies';

const ROOT = path.join(__dirname, '../..');
const BIN = path.join(ROOT, 'bin/timonel.js');
const INDEX = JSON.stringify(path.join(ROOT, 'src', 'index'));

let tmp: string;
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'timonel-synth-'));
});
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Runs `timonel synth ...args` in the temporary project. */
function synth(...args: [...string[], NodeJS.ProcessEnv] | string[]): { status: number | null; stdout: string; stderr: string } {
  const env = typeof args[args.length - 1] === 'object' ? args.pop() as NodeJS.ProcessEnv : {};
  const r = spawnSync(process.execPath, [BIN, 'synth', ...(args as string[])], {
    cwd: tmp, encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '', TIMONEL_OUTDIR: '', TIMONEL_DEBUG: '', ...env },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function write(file: string, lines: string[]): void {
  fs.mkdirSync(path.dirname(path.join(tmp, file)), { recursive: true });
  fs.writeFileSync(path.join(tmp, file), `${lines.join('\n')}\n`);
}

/** An app that builds one WebApp with `props` and synthesizes. */
function app(file: string, props: string, after = ''): void {
  write(file, [
    `import { App, TimonelChart, WebApp } from ${INDEX};`,
    "const app = new App({ outdir: 'dist' });",
    `new WebApp(new TimonelChart(app, 'demo', { namespace: 'demo' }), 'web', ${props});`,
    after,
    'app.synth();',
  ]);
}

describe('timonel synth', () => {
  test('runs src/main.ts by default; the app writes dist/', () => {
    app('src/main.ts', "{ image: 'nginx:1.27.2', isolate: true }");
    const r = synth();
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(fs.readdirSync(path.join(tmp, 'dist')).sort()).toEqual(['.timonel', 'demo.k8s.yaml', 'kustomization.yaml']);
  });

  test('prints a TimonelError as an error line without a stack trace, exit code 1', () => {
    app('app.ts', "{ image: 'nginx:1.27.2', port: 70000 }");
    const r = synth('app.ts');
    expect(r.status).toBe(1);
    expect(r.stderr).toBe("error: [demo/web] 'port' must be a port number, got 70000. Allowed: an integer from 1 to 65535. Fix: use a port from 1 to 65535\n");
    expect(fs.existsSync(path.join(tmp, 'dist'))).toBe(false);
  });

  test('prints a policy failure as one error line per finding', () => {
    app('app.ts', "{ image: 'nginx:1.27.2', isolate: true }",
      "ApiObject.of((app.node.findAll().find((c) => c.node.id === 'Resource' && ApiObject.isApiObject(c)) as ApiObject)).addJsonPatch(JsonPatch.add('/spec/template/spec/hostNetwork', true));");
    const text = fs.readFileSync(path.join(tmp, 'app.ts'), 'utf8');
    fs.writeFileSync(path.join(tmp, 'app.ts'), `import { ApiObject, JsonPatch } from 'cdk8s';\n${text}`);
    fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(tmp, 'node_modules'), 'dir');
    const r = synth('app.ts');
    expect(r.status).toBe(1);
    const lines = r.stderr.split('\n').filter((l) => !l.startsWith('warning: '));
    expect(lines[0]).toMatch(/^error: \[demo\/web\/Resource\] Deployment demo\/demo-web 'spec\.template\.spec\.hostNetwork' must not be true.*\(pss-baseline-host-namespaces\)$/);
    expect(lines.filter((l) => l.startsWith('error: ')).length).toBeGreaterThanOrEqual(1);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  test('an unexpected error is one error line with where in the app it came from, and a hint; no stack', () => {
    write('app.ts', ['const x: number = 1;', "if (x) throw new Error('boom');"]);
    const r = synth('app.ts');
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('error: boom (at app.ts:2)\nRun with TIMONEL_DEBUG=1 to see its stack trace.\n');
  });

  test('with TIMONEL_DEBUG=1 an unexpected error also prints its stack, pointing into the TypeScript source', () => {
    write('app.ts', ['const x: number = 1;', "if (x) throw new Error('boom');"]);
    const r = synth('app.ts', { TIMONEL_DEBUG: '1' });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^error: boom \(at app\.ts:2\)\nError: boom\n\s+at .*app\.ts:2/);
  });

  test('an error thrown inside a library names the line of the app that made the call', () => {
    write('node_modules/lib/index.js', ["exports.f = (x) => x.endpoint.port;"]);
    write('app.ts', ["// eslint-disable-next-line @typescript-eslint/no-require-imports", "const { f } = require('lib');", 'f(undefined);']);
    const r = synth('app.ts');
    expect(r.status).toBe(1);
    expect(r.stderr).toBe("error: Cannot read properties of undefined (reading 'endpoint') (at app.ts:3)\nRun with TIMONEL_DEBUG=1 to see its stack trace.\n");
  });

  test('fails when two constructs have the same id: one error line with the path and the fix; dist/ untouched', () => {
    app('app.ts', "{ image: 'nginx:1.27.2', isolate: true }");
    expect(synth('app.ts').status).toBe(0);
    const before = fs.readFileSync(path.join(tmp, 'dist', 'demo.k8s.yaml'), 'utf8');
    app('app.ts', "{ image: 'nginx:1.27.2', isolate: true }", "new WebApp(app.node.findChild('demo') as TimonelChart, 'web', { image: 'nginx:1.27.2' });");
    const r = synth('app.ts');
    expect(r.status).toBe(1);
    expect(r.stderr).toBe("error: [demo/web] 'id' is already taken by another construct in 'demo', got 'web'. Allowed: an id unique among the constructs of its scope. Fix: give this one another id, e.g. 'web-2' (the names of its objects derive from it)\n");
    expect(fs.readdirSync(path.join(tmp, 'dist')).sort()).toEqual(['.timonel', 'demo.k8s.yaml', 'kustomization.yaml']);
    expect(fs.readFileSync(path.join(tmp, 'dist', 'demo.k8s.yaml'), 'utf8')).toBe(before);
  });

  test('fails when the project does not type-check, before running the app', () => {
    write('tsconfig.json', [JSON.stringify({ compilerOptions: { strict: true, types: [] }, files: ['main.ts'] })]);
    write('main.ts', ["const port: number = 'http';", "require('fs').writeFileSync('ran', '');"]);
    const r = synth('main.ts');
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/main\.ts\(1,7\): error TS2322: Type 'string' is not assignable to type 'number'\./);
    expect(r.stderr).toMatch(/error: the app does not type-check \(above\), so nothing was synthesized/);
    expect(fs.existsSync(path.join(tmp, 'ran'))).toBe(false);
    // --no-typecheck runs it anyway.
    expect(synth('--no-typecheck', 'main.ts').status).toBe(0);
    expect(fs.existsSync(path.join(tmp, 'ran'))).toBe(true);
  }, 30_000);

  test('fails when an app outside the tsconfig\'s files does not type-check (it is checked on its own)', () => {
    write('tsconfig.json', [JSON.stringify({ compilerOptions: { strict: true, types: [] }, files: ['main.ts'] })]);
    write('main.ts', ['export const ok: number = 1;']);
    write('scratch/try.ts', ["const isolated: number = 'yes';", "require('fs').writeFileSync('ran', '');"]);
    const r = synth('scratch/try.ts');
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/scratch\/try\.ts\(1,7\): error TS2322: Type 'string' is not assignable to type 'number'\./);
    expect(fs.existsSync(path.join(tmp, 'ran'))).toBe(false);
    write('scratch/try.ts', ['declare const require: (id: string) => any;', 'const isolated: number = 1;', "require('fs').writeFileSync('ran', String(isolated));"]);
    expect(synth('scratch/try.ts').status).toBe(0);
    expect(fs.existsSync(path.join(tmp, 'ran'))).toBe(true);
  }, 30_000);

  test("run from a subfolder, it type-checks with the project's tsconfig (the nearest one up) and says where relative paths go", () => {
    write('package.json', ['{ "name": "demo", "private": true }']);
    write('tsconfig.json', [JSON.stringify({ compilerOptions: { strict: true, types: [] }, include: ['src'] })]);
    write('src/main.ts', ["const port: number = 'http';", "require('fs').writeFileSync('ran', '');"]);
    const r = spawnSync(process.execPath, [BIN, 'synth', 'main.ts'], {
      cwd: path.join(tmp, 'src'), encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '', TIMONEL_OUTDIR: '', TIMONEL_DEBUG: '' },
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^note: running from src, not the project folder \.\.: the app's relative paths \(its outdir, 'dist'\) are taken from here\n/);
    expect(r.stderr).toMatch(/main\.ts\(1,7\): error TS2322: Type 'string' is not assignable to type 'number'\./);
    expect(fs.existsSync(path.join(tmp, 'src', 'ran'))).toBe(false);
  }, 30_000);

  test('fails when the app never calls app.synth(), and leaves the old dist/ as it was', () => {
    write('dist/old.k8s.yaml', ['kind: ConfigMap']);
    write('app.ts', [`import { App, TimonelChart, WebApp } from ${INDEX};`, "const app = new App({ outdir: 'dist' });", "new WebApp(new TimonelChart(app, 'demo', { namespace: 'demo' }), 'web', { image: 'nginx:1.27.2', isolate: true });"]);
    const r = synth('app.ts', '--no-typecheck');
    expect(r.stderr).toBe('error: app.ts created an App but never called app.synth(), so nothing was written (the output folder is as it was). Fix: end app.ts with app.synth()\n');
    expect(r.status).toBe(1);
    expect(fs.readdirSync(path.join(tmp, 'dist'))).toEqual(['old.k8s.yaml']);
  });

  test('an Environments app succeeds; one that never calls environments.synth() fails (trial X, X1: it failed with "never called app.synth()" after writing)', () => {
    const lines = (synthCall: string) => [
      `import { Environments, TimonelChart, WebApp } from ${INDEX};`,
      'const environments = new Environments<{ tag: string }>({',
      "  defaults: { tag: '1.0.0' }, environments: { dev: {}, prod: {} }, outdir: 'dist',",
      "  build: (app, env) => { new WebApp(new TimonelChart(app, 'shop', { namespace: 'shop' }), 'web', { image: `nginx:${env.values.tag}`, isolate: true }); },",
      '});',
      synthCall,
    ];
    write('envs.ts', lines('environments.synth();'));
    const ok = synth('envs.ts', '--no-typecheck');
    expect(ok.stderr).toBe('');
    expect(ok.status).toBe(0);
    expect(fs.existsSync(path.join(tmp, 'dist', 'prod', 'shop.k8s.yaml'))).toBe(true);
    write('envs-forgot.ts', lines(''));
    const forgot = synth('envs-forgot.ts', '--no-typecheck');
    expect(forgot.stderr).toBe('error: envs-forgot.ts created an Environments but never called environments.synth(), so nothing was written (the output folder is as it was). Fix: end envs-forgot.ts with environments.synth()\n');
    expect(forgot.status).toBe(1);
  });

  test('an app that synthesizes after an await succeeds; one that awaits and forgets fails', () => {
    const lines = (synthCall: string) => [
      `import { App, TimonelChart, WebApp } from ${INDEX};`,
      'async function main(): Promise<void> {',
      '  await new Promise((resolve) => setTimeout(resolve, 20));',
      "  const app = new App({ outdir: 'dist' });",
      "  new WebApp(new TimonelChart(app, 'demo', { namespace: 'demo' }), 'web', { image: 'nginx:1.27.2', isolate: true });",
      synthCall,
      '}',
      'void main();',
    ];
    write('later.ts', lines('  await Promise.resolve(); app.synth();'));
    const ok = synth('later.ts', '--no-typecheck');
    expect(ok.stderr).toBe('');
    expect(ok.status).toBe(0);
    expect(fs.existsSync(path.join(tmp, 'dist', 'demo.k8s.yaml'))).toBe(true);
    write('forgot.ts', lines(''));
    const forgot = synth('forgot.ts', '--no-typecheck');
    expect(forgot.stderr).toMatch(/^error: forgot\.ts created an App but never called app\.synth\(\)/);
    expect(forgot.status).toBe(1);
  });

  test('fails with usage when there is no app', () => {
    const r = synth();
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^timonel: no app at src\/main\.ts \(nor src\/main\.mts, \.js, \.mjs or \.cjs\): name the file that calls app\.synth\(\)/);
  });

  test('runs src/main.js, or src/main.mjs, when there is no src/main.ts (trial AA12)', () => {
    write('src/main.mjs', ["import { writeFileSync } from 'fs';", "writeFileSync('ran.txt', 'mjs');"]);
    expect(synth()).toMatchObject({ status: 0, stderr: '' });
    expect(fs.readFileSync(path.join(tmp, 'ran.txt'), 'utf8')).toBe('mjs');
    write('src/main.js', ["require('fs').writeFileSync('ran.txt', 'js');"]);
    expect(synth()).toMatchObject({ status: 0, stderr: '' });
    expect(fs.readFileSync(path.join(tmp, 'ran.txt'), 'utf8')).toBe('js');
  });

  test("runs an .mts app with top-level await and a './x.js' import of a .ts file from this checkout too (its module hooks from their source)", () => {
    write('answer.ts', ['export const answer: number = 42;']);
    write('main.mts', [
      "import { writeFileSync } from 'fs';",
      "import { answer } from './answer.js';",
      'await new Promise((resolve) => setTimeout(resolve, 20));',
      "writeFileSync('ran', String(answer));",
    ]);
    const r = synth('main.mts');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(fs.readFileSync(path.join(tmp, 'ran'), 'utf8')).toBe('42');
  });

  test('fails when Node has no module hooks (before 20.6) and the TypeScript app is an ES module, saying what to do', () => {
    write('no-hooks.js', ["delete require('module').register;"]);
    write('main.mts', ["import { writeFileSync } from 'fs';", "writeFileSync('ran', '');"]);
    const r = synth('main.mts', { NODE_OPTIONS: `--require ${path.join(tmp, 'no-hooks.js')}` });
    expect(r.stderr).toBe(`error: running a TypeScript app that is an ES module needs Node 20.6 or later (module.register), got Node ${process.versions.node}. `
      + 'Fix: upgrade Node to 20.6 or later, or compile the app with tsc and run timonel synth on its .js file\n');
    expect(r.status).toBe(1);
    expect(fs.existsSync(path.join(tmp, 'ran'))).toBe(false);
  });
});

// timonel as installed: its CLI and library built (transpiled, no types) into node_modules/timonel of a
// temporary folder, next to links to this checkout's cdk8s, cdk8s-plus-28, constructs, yaml and TypeScript.
// Apps import 'timonel' and run through timonel's own TypeScript loading (a checkout's CLI runs under tsx,
// which would load their .ts files instead). Trial T: ES module apps, './x.js' imports, rootDir '.'.
describe('timonel synth of an installed timonel', () => {
  let installed: string;
  let project: string;

  beforeAll(() => {
    installed = fs.mkdtempSync(path.join(os.tmpdir(), 'timonel-installed-'));
    const pkg = path.join(installed, 'node_modules', 'timonel');
    const build = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join(ROOT, 'tsconfig.build.json'),
      '--outDir', path.join(pkg, 'lib'), '--noCheck', '--declaration', 'false', '--incremental', 'false'], { cwd: ROOT, encoding: 'utf8' });
    if (build.status !== 0) throw new Error(`building timonel failed: ${build.stdout}${build.stderr}`);
    fs.cpSync(path.join(ROOT, 'bin'), path.join(pkg, 'bin'), { recursive: true });
    fs.copyFileSync(path.join(ROOT, 'package.json'), path.join(pkg, 'package.json'));
    for (const dep of ['cdk8s', 'cdk8s-plus-28', 'constructs', 'yaml', 'typescript']) {
      fs.symlinkSync(path.join(ROOT, 'node_modules', dep), path.join(installed, 'node_modules', dep), 'dir');
    }
  }, 120_000);
  afterAll(() => fs.rmSync(installed, { recursive: true, force: true }));
  beforeEach(() => {
    project = fs.mkdtempSync(path.join(installed, 'project-'));
  });

  /** Runs the installed `timonel synth --no-typecheck ...args` in the project. */
  function installedSynth(...args: string[]): { status: number | null; stderr: string } {
    return installedTimonel('synth', '--no-typecheck', ...args);
  }

  /** Runs the installed `timonel ...args` in the project. */
  function installedTimonel(...args: string[]): { status: number | null; stderr: string } {
    const env: NodeJS.ProcessEnv = { ...process.env, NODE_OPTIONS: '', TIMONEL_DEBUG: '' };
    delete env.TIMONEL_OUTDIR;
    const r = spawnSync(process.execPath, [path.join(installed, 'node_modules', 'timonel', 'bin', 'timonel.js'), ...args], {
      cwd: project, encoding: 'utf8', env,
    });
    return { status: r.status, stderr: r.stderr };
  }

  function put(file: string, lines: string[]): void {
    fs.mkdirSync(path.dirname(path.join(project, file)), { recursive: true });
    fs.writeFileSync(path.join(project, file), `${lines.join('\n')}\n`);
  }

  /** A project (ES module or CommonJS) whose src/chart.ts makes a chart with one WebApp. */
  function esmProject(type: 'module' | 'commonjs', compilerOptions: object = { module: 'nodenext', moduleResolution: 'nodenext' }): void {
    put('package.json', [JSON.stringify({ name: 'shop', private: true, type })]);
    put('tsconfig.json', [JSON.stringify({ compilerOptions: { target: 'ES2022', strict: true, ...compilerOptions }, include: ['src'] })]);
    put('src/chart.ts', [
      "import { Construct } from 'constructs';",
      "import { TimonelChart, WebApp } from 'timonel';",
      'export function shopChart(scope: Construct): TimonelChart {',
      "  const chart = new TimonelChart(scope, 'shop', { namespace: 'shop' });",
      "  new WebApp(chart, 'web', { image: 'nginx:1.27.2', isolate: true });",
      '  return chart;',
      '}',
    ]);
  }

  const written = (): string[] => fs.readdirSync(path.join(project, 'dist')).sort();
  /** The app ran without a word and wrote its chart. */
  const expectSynthesized = (r: { readonly stderr: string; readonly status: number | null }): void => {
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(written()).toEqual(['.timonel', 'kustomization.yaml', 'shop.k8s.yaml']);
  };

  /**
   * TypeScript 7 as npm installs it: a native `tsc` (here one that runs this repo's tsc) and, for
   * `require('typescript')`, only its version: no JavaScript API.
   */
  function typeScript7(options: { tsx: boolean }): void {
    put('node_modules/typescript/package.json', [JSON.stringify({ name: 'typescript', version: '7.0.2', main: 'lib/version.cjs', bin: { tsc: 'bin/tsc' } })]);
    put('node_modules/typescript/lib/version.cjs', ["exports.version = '7.0.2';", "exports.versionMajorMinor = '7.0';"]);
    put('node_modules/typescript/bin/tsc', [`require(${JSON.stringify(require.resolve('typescript/bin/tsc'))});`]);
    if (options.tsx) fs.symlinkSync(path.join(ROOT, 'node_modules', 'tsx'), path.join(project, 'node_modules', 'tsx'), 'dir');
  }

  test('fails when the project has TypeScript 7 (no JavaScript API) and no tsx, saying what to install; no stack (trial Z, Z3: a TypeError)', () => {
    typeScript7({ tsx: false });
    esmProject('commonjs', { module: 'commonjs', noImplicitAny: false });
    put('src/main.ts', ["import { App } from 'timonel';", "import { shopChart } from './chart';", 'const app = new App();', 'shopChart(app);', 'app.synth();']);
    for (const args of [['synth'], ['synth', '--no-typecheck']]) {
      const r = installedTimonel(...args);
      expect(r.stderr).toBe("error: running a TypeScript app needs TypeScript's JavaScript API (TypeScript 4.7 to 5.x) or tsx; this project has "
        + 'TypeScript 7.0.2, which has no JavaScript API. Fix: npm install --save-dev tsx (timonel synth then loads the app with tsx), '
        + 'or npm install --save-dev typescript@5\n');
      expect(r.status).toBe(1);
    }
    expect(fs.existsSync(path.join(project, 'dist'))).toBe(false);
  }, 60_000);

  test.each(['commonjs', 'module'] as const)('with TypeScript 7 and tsx, it type-checks with the native tsc and loads a %s app with tsx', (type) => {
    typeScript7({ tsx: true });
    // The installed lib/ here has no .d.ts files.
    esmProject(type, { ...(type === 'module' ? { module: 'nodenext', moduleResolution: 'nodenext' } : { module: 'commonjs' }), noImplicitAny: false });
    const from = type === 'module' ? './chart.js' : './chart';
    put('src/main.ts', ["import { App } from 'timonel';", `import { shopChart } from '${from}';`, 'const app = new App();', 'shopChart(app);',
      "const port: number = 'http';", 'app.synth();']);
    const bad = installedTimonel('synth');
    expect(bad.stderr).toMatch(/src\/main\.ts\(5,7\): error TS2322/);
    expect(bad.status).toBe(1);
    put('src/main.ts', ["import { App } from 'timonel';", `import { shopChart } from '${from}';`, 'const app = new App();', 'shopChart(app);', 'app.synth();']);
    expectSynthesized(installedTimonel('synth'));
  }, 60_000);

  test("with TypeScript 7, an app outside the tsconfig's files is named in a note: it was not type-checked", () => {
    typeScript7({ tsx: true });
    esmProject('commonjs', { module: 'commonjs', noImplicitAny: false });
    put('scratch/try.ts', ["import { App } from 'timonel';", "import { shopChart } from '../src/chart';", "const wrong: number = 'unchecked' as any as number;",
      'const app = new App();', 'shopChart(app);', 'app.synth();']);
    const r = installedTimonel('synth', 'scratch/try.ts');
    expect(r.stderr).toBe('note: scratch/try.ts was not type-checked: it is not among the files of tsconfig.json, and TypeScript 7.0.2 has no '
      + 'JavaScript API to check one file with the project\'s options. Add it to the tsconfig\'s "include"\n');
    expect(r.status).toBe(0);
  }, 60_000);

  test("runs an ES module app (\"type\": \"module\", NodeNext) whose imports name './chart.js', as tsc requires", () => {
    esmProject('module');
    put('src/main.ts', ["import { App } from 'timonel';", "import { shopChart } from './chart.js';", 'const app = new App();', 'shopChart(app);', 'app.synth();']);
    const r = installedSynth();
    expectSynthesized(r);
  });

  test('runs an .mts app with top-level await (an ES module in a CommonJS package)', () => {
    esmProject('commonjs');
    put('src/main.mts', [
      "import { App } from 'timonel';",
      "import { shopChart } from './chart.js';",
      'const app = new App();',
      'await new Promise((resolve) => setTimeout(resolve, 20));',
      'shopChart(app);',
      'app.synth();',
    ]);
    const r = installedSynth('src/main.mts');
    expectSynthesized(r);
  });

  test("runs a CommonJS app whose import names './chart.js' (the .ts file, as tsc reads it)", () => {
    esmProject('commonjs', { module: 'commonjs' });
    put('src/main.ts', ["import { App } from 'timonel';", "import { shopChart } from './chart.js';", 'const app = new App();', 'shopChart(app);', 'app.synth();']);
    const r = installedSynth();
    expectSynthesized(r);
  });

  test('an error in an ES module app names its line in the .ts source', () => {
    esmProject('module');
    put('src/main.ts', ["import { App } from 'timonel';", "import { shopChart } from './chart.js';", 'const app = new App();', 'shopChart(app);', 'await Promise.resolve();', '', "throw new Error('PORT is not a number');"]);
    const r = installedSynth();
    expect(r.stderr).toBe('error: PORT is not a number (at src/main.ts:7)\nRun with TIMONEL_DEBUG=1 to see its stack trace.\n');
    expect(r.status).toBe(1);
  });

  test("an error names src/main.ts whatever the tsconfig's rootDir, outDir and sourceRoot (it read ../src/main.ts with rootDir '.')", () => {
    const main = ["import { App } from 'timonel';", "import { shopChart } from './chart';", 'const app = new App();', 'shopChart(app);', '', "throw new Error('PORT is not a number');"];
    const expected = 'error: PORT is not a number (at src/main.ts:6)\nRun with TIMONEL_DEBUG=1 to see its stack trace.\n';
    esmProject('commonjs', { module: 'commonjs', outDir: 'build', rootDir: '.' });
    put('src/main.ts', main);
    expect(installedSynth().stderr).toBe(expected);
    esmProject('commonjs', { module: 'commonjs', outDir: 'build/js', rootDir: 'src', sourceRoot: 'https://example.com/src', mapRoot: 'maps' });
    expect(installedSynth().stderr).toBe(expected);
    esmProject('module', { outDir: 'build', rootDir: '.', module: 'nodenext', moduleResolution: 'nodenext' });
    put('src/main.ts', main.map((l) => l.replace("'./chart'", "'./chart.js'")));
    expect(installedSynth().stderr).toBe(expected);
  });

  test('fails when an ES module app creates an App and never calls app.synth() (after a top-level await), and leaves dist/ as it was', () => {
    esmProject('module');
    put('dist/old.k8s.yaml', ['kind: ConfigMap']);
    put('src/main.ts', ["import { App } from 'timonel';", "import { shopChart } from './chart.js';", 'const app = new App();', 'await new Promise((resolve) => setTimeout(resolve, 20));', 'shopChart(app);']);
    const r = installedSynth();
    expect(r.stderr).toBe('error: src/main.ts created an App but never called app.synth(), so nothing was written (the output folder is as it was). Fix: end src/main.ts with app.synth()\n');
    expect(r.status).toBe(1);
    expect(written()).toEqual(['old.k8s.yaml']);
  });
});

/** An Error thrown by a library: no frame of the app in its stack. */
function libraryError(message: string): Error {
  const e = new Error(message);
  e.stack = `Error: ${message}\n    at Node.addChild (/project/node_modules/constructs/lib/construct.js:466:19)`;
  return e;
}

describe('formatAppError', () => {
  test('a TimonelError is its message after "error: "', () => {
    expect(formatAppError(new TimonelError({ path: 'a', prop: 'b', message: 'must be set' }))).toBe("error: [a] 'b' must be set\n");
  });

  test('an error collecting several problems is one line per problem', () => {
    const e = TimonelError.all({ path: 'shop/web' }, [
      { prop: 'port', message: 'must be a port number', value: 70000 },
      { prop: 'replicas', message: 'must be at least 1', value: -1 },
    ])!;
    expect(formatAppError(e)).toBe("error: [shop/web] 'port' must be a port number, got 70000\nerror: [shop/web] 'replicas' must be at least 1, got -1\n");
  });

  test('a PolicyError is one line per finding and the suppression hint', () => {
    const finding = { ruleId: 'r', severity: 'error', message: 'm', object: 'Deployment a/b', detail: 'is bad', file: 'f.yaml' } as any;
    expect(formatAppError(new PolicyError([finding, { ...finding, ruleId: 's' }]))).toBe([
      'error: [f.yaml] Deployment a/b is bad (r)',
      'error: [f.yaml] Deployment a/b is bad (s)',
      "Fix each one, or suppress a rule where it does not apply with a written reason: Policy.suppress(construct, '<rule-id>', '<why>').",
      '',
    ].join('\n'));
  });

  test('an error of another copy of timonel is recognized by its name', () => {
    const e = new Error('[x] nope');
    e.name = 'TimonelError';
    expect(formatAppError(e)).toBe('error: [x] nope\n');
  });

  test('cdk8s validation errors are one line per construct', () => {
    const e = new Error('Validation failed with the following errors:\n  [shop/web] needs a port\n  [shop/db] needs storage');
    expect(formatAppError(e, { debug: false })).toBe('error: [shop/web] needs a port\nerror: [shop/db] needs storage\n');
  });

  test('a duplicate id under the App names the chart', () => {
    expect(formatAppError(libraryError("There is already a Construct with name 'shop' in App"), { debug: false }))
      .toBe("error: [shop] two constructs have the id 'shop' in App. Fix: give each construct a unique id in its scope\n");
  });

  test('an empty id and a construct added during synthesis say how to fix them', () => {
    expect(formatAppError(libraryError('Only root constructs may have an empty ID'), { debug: false }))
      .toBe("error: a construct was given an empty id ''. Fix: give each construct a non-empty id, unique in its scope\n");
    expect(formatAppError(libraryError('Cannot add children to "shop/web" during synthesis'), { debug: false }))
      .toBe('error: [shop/web] a construct was added during synthesis. Fix: create every construct before app.synth()\n');
  });

  test('anything else is its message and the debug hint; with debug, its stack', () => {
    const e = new TypeError('x is undefined');
    e.stack = 'TypeError: x is undefined\n    at f (/nowhere/node_modules/lib/x.js:1:1)';
    expect(formatAppError(e, { debug: false })).toBe('error: x is undefined\nRun with TIMONEL_DEBUG=1 to see its stack trace.\n');
    expect(formatAppError(e, { debug: true })).toBe(`error: x is undefined\n${e.stack}\n`);
  });

  test("the place named is the app's, past frames in timonel's own library code", () => {
    const e = new TypeError('x is undefined');
    e.stack = [
      'TypeError: x is undefined',
      `    at checkPair (${path.join(ROOT, 'src', 'workload', 'connections.ts')}:228:21)`,
      `    at WebApp.connectTo (${path.join(ROOT, 'src', 'workload', 'workload.ts')}:173:12)`,
      '    at Object.<anonymous> (/project/src/main.ts:12:5)',
    ].join('\n');
    expect(formatAppError(e, { debug: false, cwd: '/project' })).toBe('error: x is undefined (at src/main.ts:12)\nRun with TIMONEL_DEBUG=1 to see its stack trace.\n');
  });

  test("the place named is past Node's own frames, and an ES module's frame (a file URL) is its path", () => {
    const e = new Error("Cannot find module './chart'");
    e.stack = [
      "Error: Cannot find module './chart'",
      '    at Module._resolveFilename (node:internal/modules/cjs/loader:1207:15)',
      '    at async ModuleJob.run (node:internal/modules/esm/module_job:271:25)',
      '    at file:///project/my%20app/src/main.ts:2:1',
    ].join('\n');
    expect(formatAppError(e, { debug: false, cwd: '/project' })).toBe("error: Cannot find module './chart' (at my app/src/main.ts:2)\nRun with TIMONEL_DEBUG=1 to see its stack trace.\n");
  });

  test('something thrown that is not an Error is printed as it is', () => {
    expect(formatAppError('stop', { debug: false })).toBe('error: stop\n');
  });
});
