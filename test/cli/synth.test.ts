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
function synth(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, 'synth', ...args], { cwd: tmp, encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '', TIMONEL_OUTDIR: '' } });
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
    expect(r.stderr).toBe("error: [demo/web] 'port' must be a port number, got 70000. Allowed: an integer from 1 to 65535\n");
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

  test('an unexpected error keeps its stack, pointing into the TypeScript source', () => {
    write('app.ts', ['const x: number = 1;', "if (x) throw new Error('boom');"]);
    const r = synth('app.ts');
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^Error: boom\n\s+at .*app\.ts:2/);
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

  test('fails with usage when there is no app', () => {
    const r = synth();
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^timonel: no app at src\/main\.ts: name the file that calls app\.synth\(\)/);
  });
});

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

  test('anything else keeps its stack', () => {
    const e = new TypeError('x is undefined');
    expect(formatAppError(e)).toBe(`${e.stack}\n`);
  });
});
