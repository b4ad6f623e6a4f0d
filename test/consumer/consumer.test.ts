import { spawnSync, SpawnSyncReturns } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

// timonel as a user gets it, by the README's tarball route: `npm pack`, then
// `npx --package <tarball> timonel init demo` (the CLI of the packed package, built lib/, not this
// checkout's src/), then `npm install <tarball>` in the new project, which installs its own cdk8s,
// cdk8s-plus-28, constructs, TypeScript and jest from the registry (from the npm cache when it
// can). Every later command runs the installed package's bin. Skipped, visibly, without the registry.
const ROOT = path.resolve(__dirname, '..', '..');
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const NPX = process.platform === 'win32' ? 'npx.cmd' : 'npx';

function registryUnreachable(): string | undefined {
  const r = spawnSync(NPM, ['ping', '--fetch-retries=0', '--fetch-timeout=10000'], { encoding: 'utf8', timeout: 15_000 });
  return r.status === 0 ? undefined : `the npm registry is unreachable (npm ping: ${r.error?.message ?? `exit ${r.status}`})`;
}

const unreachable = registryUnreachable();
if (unreachable) process.stderr.write(`SKIPPED test/consumer: ${unreachable}\n`);
const describeOnline = unreachable ? describe.skip : describe;

/** Runs a command; throws with its output when it exits other than `status`. */
function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}, status = 0): SpawnSyncReturns<string> {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '', ...env }, timeout: 240_000 });
  if (r.status !== status) {
    throw new Error(`${cmd} ${args.join(' ')} exited ${r.status} (expected ${status}) ${r.error ?? ''}\n${r.stdout}\n${r.stderr}`);
  }
  return r;
}

/** Removes what `npx --package <tarball>` installed into npm's npx cache for a tarball in `tmp`. */
function removeNpxInstall(tmp: string): void {
  const cache = spawnSync(NPM, ['config', 'get', 'cache'], { encoding: 'utf8' }).stdout?.trim();
  const npx = cache ? path.join(cache, '_npx') : undefined;
  if (!npx || !fs.existsSync(npx)) return;
  for (const dir of fs.readdirSync(npx)) {
    const pkg = path.join(npx, dir, 'package.json');
    // Its package.json depends on the tarball by a relative file: path that ends in our unique folder.
    if (fs.existsSync(pkg) && fs.readFileSync(pkg, 'utf8').includes(`/${path.basename(tmp)}/`)) {
      fs.rmSync(path.join(npx, dir), { recursive: true, force: true });
    }
  }
}

describeOnline(`the packed tarball in a new project made by timonel init${unreachable ? ` (skipped: ${unreachable})` : ''}`, () => {
  let tmp: string;
  let project: string;
  let initOutput: string;
  let installOutput: string;
  let packed: { filename: string; size: number; files: { path: string }[] };

  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'timonel-consumer-'));
    // npm pack runs the prepack script (the build, then a package.json without scripts), as publishing does.
    const pack = run(NPM, ['pack', '--json', '--pack-destination', tmp], ROOT);
    packed = JSON.parse(pack.stdout.slice(pack.stdout.indexOf('\n[') + 1))[0];
    const tarball = path.join(tmp, packed.filename);
    project = path.join(tmp, 'demo');
    // An absolute path: npx keys its cache by the spec, and a relative one is shared by every run.
    const init = run(NPX, ['--yes', '--prefer-offline', '--package', tarball, 'timonel', 'init', 'demo'], tmp);
    initOutput = `${init.stdout}${init.stderr}`;
    const install = run(NPM, ['install', '--prefer-offline', '--no-audit', '--no-fund', `../${packed.filename}`], project);
    installOutput = `${install.stdout}${install.stderr}`;
  }, 300_000);

  afterAll(() => {
    if (!tmp) return;
    fs.rmSync(tmp, { recursive: true, force: true });
    removeNpxInstall(tmp);
  });

  test('npx --package <tarball> timonel init scaffolds the project with the packed CLI', () => {
    expect(initOutput).toContain(`Created demo in ${project}:`);
    expect(initOutput).not.toMatch(/\n\s+at /);
    expect(fs.readdirSync(project)).toEqual(expect.arrayContaining(['package.json', 'src', 'test', 'cdk8s.yaml']));
  });

  test('npm install <tarball> in the project makes timonel the packed build', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(project, 'package.json'), 'utf8'));
    expect(pkg.dependencies.timonel).toBe(`file:../${packed.filename}`);
    const installed = path.join(project, 'node_modules', 'timonel');
    expect(fs.existsSync(path.join(installed, 'lib', 'src', 'cli', 'main.js'))).toBe(true);
    expect(fs.existsSync(path.join(installed, 'src'))).toBe(false);
  });

  test('the installed bin scaffolds another project (timonel init from lib/)', () => {
    const bin = path.join(project, 'node_modules', '.bin', process.platform === 'win32' ? 'timonel.cmd' : 'timonel');
    const r = run(bin, ['init', 'second'], tmp);
    expect(r.stdout).toContain('Created second in');
    const pkg = JSON.parse(fs.readFileSync(path.join(tmp, 'second', 'package.json'), 'utf8'));
    expect(pkg.dependencies.timonel).toBe(`^${JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version}`);
  });

  test('the tarball holds the compiled library, its types and the CLI, and no tests, bench, dist or schema', () => {
    const files = packed.files.map((f) => f.path);
    expect(files).toEqual(expect.arrayContaining(['package.json', 'lib/src/index.js', 'lib/src/index.d.ts', 'lib/src/cli/main.js', 'lib/imports/monitoring.coreos.com.js', 'bin/timonel.js', 'README.md']));
    expect(files.filter((f) => !/^(lib|bin)\/|^docs\/.*\.md$|^(package\.json|README\.md|LICENSE|NOTICE|CHANGELOG\.md)$/.test(f))).toEqual([]);
    // The README's links to the guides work in node_modules/timonel too.
    const linked = [...fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8').matchAll(/\]\((docs\/[^)#]+)/g)].map((m) => m[1]);
    expect(linked.length).toBeGreaterThan(5);
    expect(linked.filter((l) => !files.includes(l))).toEqual([]);
    expect(files.filter((f) => /\.ts$/.test(f) && !f.endsWith('.d.ts'))).toEqual([]);
  });

  test('the types hold no @internal member (test support and engine hooks are not API; trial W, W8)', () => {
    const lib = path.join(project, 'node_modules', 'timonel', 'lib');
    const declarations = packed.files.map((f) => f.path).filter((f) => f.endsWith('.d.ts'))
      .map((f) => fs.readFileSync(path.join(project, 'node_modules', 'timonel', f), 'utf8')).join('\n');
    expect(fs.existsSync(lib)).toBe(true);
    expect(declarations).toMatch(/class App\b/);
    const internal = ['_renderCharts', '_checkQuietly', '_probesTurnedOff', '_addClient', '_admitClientPods', '_admitEgressClient', '_levelOfRule', '_relaxedPodSecurity', '_declaredPodSecurity', '_custom', '_rules'];
    expect(internal.filter((name) => new RegExp(`\\b${name}\\b`).test(declarations))).toEqual([]);
  });

  test("the packed package.json has no prepare script, so npm installs it without an install-script warning (trials P and T: npm 11 warned about 'prepare' on every install)", () => {
    const installed = JSON.parse(fs.readFileSync(path.join(project, 'node_modules', 'timonel', 'package.json'), 'utf8'));
    expect(installed.scripts.prepare).toBeUndefined();
    expect(installed.scripts.postpack).toBe('node .ci/pack-manifest.js restore');
    // (Other packages of the project may be listed: @parcel/watcher's install script is.)
    expect(installOutput).not.toMatch(/timonel@\S* \(/);
    // The repository keeps its own (the pack restores them).
    expect(JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).scripts.prepare).toBe('npm run build');
    expect(fs.existsSync(path.join(ROOT, '.package.json.before-pack'))).toBe(false);
  });

  test("the types compile strictly without Node's types and with skipLibCheck off (trial T: a Buffer in them needed @types/node)", () => {
    fs.writeFileSync(path.join(project, 'tsconfig.strict-types.json'), JSON.stringify({
      compilerOptions: { strict: true, skipLibCheck: false, types: [], lib: ['es2022'], target: 'es2022', module: 'nodenext', moduleResolution: 'nodenext', noEmit: true },
      files: ['types-check.ts'],
    }));
    fs.writeFileSync(path.join(project, 'types-check.ts'), [
      "import { App, ConfigSource, TimonelChart, WebApp } from 'timonel';",
      "import { synth } from 'timonel/testing';",
      "const chart = new TimonelChart(new App(), 'demo', { namespace: 'demo' });",
      "new WebApp(chart, 'web', { image: 'ghcr.io/acme/web:1.0.0', configFrom: [ConfigSource.fromBinary('logo.png', new Uint8Array([0x89]))] });",
      'export const objects = synth(chart);',
    ].join('\n'));
    run(NPX, ['--no-install', 'tsc', '-p', 'tsconfig.strict-types.json'], project);
  });

  test('cdk8s, cdk8s-plus-28 and constructs are the project\'s own, not copies nested in timonel', () => {
    expect(fs.existsSync(path.join(project, 'node_modules', 'timonel', 'node_modules', 'cdk8s'))).toBe(false);
    expect(fs.existsSync(path.join(project, 'node_modules', 'cdk8s-plus-28', 'package.json'))).toBe(true);
  });

  test('npx timonel --version prints the packed version', () => {
    const version = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version;
    expect(run(NPX, ['--no-install', 'timonel', '--version'], project).stdout.trim()).toBe(version);
  });

  test('a misspelled prop stops npm run synth (type-checked) and writes nothing', () => {
    const chart = path.join(project, 'src', 'chart.ts');
    const good = fs.readFileSync(chart, 'utf8');
    try {
      fs.writeFileSync(chart, good.replace('healthPath:', 'healtPath:'));
      const r = run(NPM, ['run', 'synth'], project, {}, 1);
      expect(r.stderr).toMatch(/healtPath/);
      expect(r.stderr).toMatch(/error: the app does not type-check/);
      expect(fs.existsSync(path.join(project, 'dist'))).toBe(false);
    } finally {
      fs.writeFileSync(chart, good);
    }
  });

  test('npm run synth writes dist/: one file per chart, the kustomization and the marker', () => {
    run(NPM, ['run', 'synth'], project);
    expect(fs.readdirSync(path.join(project, 'dist')).sort()).toEqual(['.timonel', 'demo.k8s.yaml', 'kustomization.yaml']);
    expect(fs.readFileSync(path.join(project, 'dist', 'demo.k8s.yaml'), 'utf8')).toMatch(/kind: Deployment\n/);
  });

  test('an invalid prop value is one error line without a stack trace, exit code 1', () => {
    const main = path.join(project, 'src', 'broken.ts');
    fs.writeFileSync(main, [
      "import { App, TimonelChart, WebApp } from 'timonel';",
      'const app = new App();',
      "new WebApp(new TimonelChart(app, 'demo', { namespace: 'demo' }), 'web', { image: 'nginx:1.27.2', port: 70000 });",
      'app.synth();',
      '',
    ].join('\n'));
    try {
      const r = run(NPX, ['--no-install', 'timonel', 'synth', '--no-typecheck', 'src/broken.ts'], project, {}, 1);
      expect(r.stderr).toBe("error: [demo/web] 'port' must be a port number, got 70000. Allowed: an integer from 1 to 65535. Fix: use a port from 1 to 65535\n");
      expect(r.stderr).not.toMatch(/\n\s+at /);
    } finally {
      fs.rmSync(main);
    }
  });

  test('npm test type-checks and runs the snapshot test', () => {
    // Not in CI mode: the first run writes the snapshot, as on a developer's machine.
    run(NPM, ['test'], project, { CI: 'false' });
    const snapshot = fs.readFileSync(path.join(project, 'test', '__snapshots__', 'chart.test.ts.snap'), 'utf8');
    expect(snapshot).toContain('"kind": "Deployment"');
  });

  test('npx timonel check accepts the output (warnings only)', () => {
    const r = run(NPX, ['--no-install', 'timonel', 'check', 'dist'], project);
    expect(r.stdout).not.toMatch(/\berror\b/);
  });

  test('with cdk8s 2.69 (outside the verified 2.70.x) synthesis falls back to plain cdk8s, says so, and writes the same YAML', () => {
    const before = fs.readFileSync(path.join(project, 'dist', 'demo.k8s.yaml'), 'utf8');
    run(NPM, ['install', '--prefer-offline', '--no-audit', '--no-fund', '--no-save', 'cdk8s@2.69.74'], project);
    const r = run(NPM, ['run', 'synth'], project);
    expect(r.stderr).toContain('timonel: cdk8s 2.69.74 is outside the verified range 2.70.x; synthesizing through plain cdk8s (same output, slower)');
    expect(fs.readFileSync(path.join(project, 'dist', 'demo.k8s.yaml'), 'utf8')).toBe(before);
  }, 120_000);
});
