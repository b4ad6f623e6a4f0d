import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App as Cdk8sApp, Chart, Lazy, Yaml } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { App } from '../../src/app/app';
import { TimonelChart } from '../../src/app/chart';
import { TimonelError } from '../../src/core/errors';
import { KUSTOMIZATION_FILE } from '../../src/app/kustomization';
import { OUTPUT_MARKER } from '../../src/app/publish';
import { enforcePolicies, Finding, PolicySubject } from '../../src/policies';
import { synthesizePlain, withoutChartPolicies } from '../support/plain';

// The policy engine is tested on its own; here only how the app calls it matters.
jest.mock('../../src/policies', () => ({ enforcePolicies: jest.fn((): Finding[] => []) }));
const policies = enforcePolicies as jest.MockedFunction<typeof enforcePolicies>;

const ENV = ['CDK8S_OUTDIR', 'CDK8S_RECORD_CONSTRUCT_METADATA', 'TIMONEL_OUTDIR'];
let tmp: string;
let savedEnv: Record<string, string | undefined>;
let stderr: jest.SpyInstance;

beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'timonel-app-'));
  savedEnv = Object.fromEntries(ENV.map((k) => [k, process.env[k]]));
  for (const k of ENV) delete process.env[k];
  policies.mockReset();
  policies.mockReturnValue([]);
  stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
});

afterEach(() => {
  for (const k of ENV) {
    if (savedEnv[k] === undefined) delete process.env[k];
    else process.env[k] = savedEnv[k];
  }
  stderr.mockRestore();
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** Every file of a folder, name to text, without the ownership marker (test/app/publish.test.ts covers it). */
function readDir(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of fs.readdirSync(dir).sort()) if (f !== OUTPUT_MARKER) out[f] = fs.readFileSync(path.join(dir, f), 'utf8');
  return out;
}

const selector = { matchLabels: { app: 'web' } };

/** Two TimonelCharts (one depends on the other through a construct), a plain chart, a nested chart. */
function platform(app: Cdk8sApp): void {
  const web = new TimonelChart(app, 'web', { namespace: 'web' });
  const d = new k8s.KubeDeployment(web, 'web', {
    spec: { selector, template: { metadata: { labels: selector.matchLabels }, spec: { containers: [{ name: 'main', image: 'nginx:1.27.2' }] } } },
  });
  new k8s.KubeService(web, 'web-svc', { spec: { selector: selector.matchLabels, ports: [{ port: 80 }] } });
  const data = new TimonelChart(app, 'data', { namespace: 'data' });
  const cm = new k8s.KubeConfigMap(data, 'settings', { data: { a: 'b' } });
  d.node.addDependency(cm);
  const plain = new Chart(app, 'plain');
  new k8s.KubeConfigMap(plain, 'cm', {});
  new TimonelChart(data, 'nested').node.addValidation({ validate: () => [] });
}

function independent(app: Cdk8sApp): void {
  for (const name of ['a', 'b']) {
    const chart = new TimonelChart(app, name, { namespace: name });
    new k8s.KubeConfigMap(chart, 'cm', { data: { name } });
  }
}

/** What plain cdk8s App.synth() writes for the same tree. */
function plainCdk8s(build: (app: Cdk8sApp) => void, props: { recordConstructMetadata?: boolean } = {}): Record<string, string> {
  const outdir = path.join(tmp, 'plain');
  const app = new Cdk8sApp({ outdir, ...props });
  build(app);
  // Plain cdk8s output: TimonelChart's per-chart policy run is not part of what is compared.
  withoutChartPolicies(() => app.synth());
  return readDir(outdir);
}

describe('App.render', () => {
  test('fails when its options are not an object', () => {
    expect(() => new App().render(null as any)).toThrow("[App.render] 'options' must be an object { policies? }, got null. Allowed: an object { policies? }, or nothing. Fix: call render() or render({ policies: false })");
    expect(() => new App().render(false as any)).toThrow(TimonelError);
  });

  test('equals plain cdk8s semantics, without the files of empty charts', () => {
    const app = new App({ outdir: path.join(tmp, 'dist') });
    platform(app);
    const fast = app.render().map((f) => [f.fileName, Yaml.stringify(...f.docs)]);
    const other = new App({ outdir: path.join(tmp, 'dist') });
    platform(other);
    expect(synthesizePlain(other).map((f) => [f.fileName, Yaml.stringify(...f.docs)]).filter(([, yaml]) => yaml !== '')).toEqual(fast);
    // the nested chart is empty: its file name keeps its index, but it is not written
    expect(fast.map(([f]) => f)).toEqual(['0001-data.k8s.yaml', '0002-web.k8s.yaml', '0003-plain.k8s.yaml']);
  });

  test('indexes file names for a construct-level dependency across charts', () => {
    const app = new App({ outdir: path.join(tmp, 'dist') });
    const b = new TimonelChart(app, 'b');
    const a = new TimonelChart(app, 'a');
    new k8s.KubeConfigMap(b, 'cm', {}).node.addDependency(new k8s.KubeConfigMap(a, 'cm', {}));
    expect(app.render().map((f) => f.fileName)).toEqual(['0000-a.k8s.yaml', '0001-b.k8s.yaml']);
  });

  test('runs the policies once over every object, with its construct path, file and chart', () => {
    const app = new App({ outdir: path.join(tmp, 'dist') });
    platform(app);
    const files = app.render();
    expect(policies).toHaveBeenCalledTimes(1);
    const subjects: readonly PolicySubject[] = policies.mock.calls[0][0];
    expect(subjects.map((s) => s.manifest)).toEqual(files.flatMap((f) => f.docs));
    expect(subjects.map((s) => [s.file, s.manifest.kind, s.constructPath, s.scope?.node.path])).toEqual([
      ['0001-data.k8s.yaml', 'Namespace', 'data/Namespace', 'data'],
      ['0001-data.k8s.yaml', 'ConfigMap', 'data/settings', 'data'],
      ['0002-web.k8s.yaml', 'Namespace', 'web/Namespace', 'web'],
      ['0002-web.k8s.yaml', 'Service', 'web/web-svc', 'web'],
      ['0002-web.k8s.yaml', 'Deployment', 'web/web', 'web'],
      ['0003-plain.k8s.yaml', 'ConfigMap', 'plain/cm', 'plain'],
    ]);
  });

  test('prints each warning on one line to stderr', () => {
    policies.mockReturnValue([
      { ruleId: 'image-tag', severity: 'warning', message: "[web/web] image 'nginx' has no tag" },
      { ruleId: 'multi', severity: 'warning', message: 'first line\n  second line' },
    ]);
    const app = new App({ outdir: path.join(tmp, 'dist') });
    independent(app);
    app.render();
    expect(stderr.mock.calls.map((c) => c[0])).toEqual([
      "warning: [web/web] image 'nginx' has no tag (image-tag)\n",
      'warning: first line second line (multi)\n',
    ]);
  });

  test("names the app in its warnings when it has a name (Environments: the environment's)", () => {
    policies.mockReturnValue([{ ruleId: 'image-tag', severity: 'warning', message: "[web/web] image 'nginx' has no tag" }]);
    const app = new App({ outdir: path.join(tmp, 'dist'), name: 'prod' });
    independent(app);
    app.render();
    expect(stderr.mock.calls.map((c) => c[0])).toEqual(["warning: prod: [web/web] image 'nginx' has no tag (image-tag)\n"]);
  });

  test('rejects duplicate objects after the policies ran', () => {
    const app = new App({ outdir: path.join(tmp, 'dist') });
    for (const id of ['one', 'two']) new k8s.KubeServiceAccount(new TimonelChart(app, id, { namespace: 'shop', createNamespace: false }), 'web', { metadata: { name: 'web' } });
    expect(() => app.render()).toThrow(/\[two\.k8s\.yaml\] 'metadata\.name' ServiceAccount 'web' in namespace 'shop' is defined twice \(also in one\.k8s\.yaml\)/);
    expect(policies).toHaveBeenCalledTimes(1);
  });

  test('validates every construct once per render', () => {
    const app = new App({ outdir: path.join(tmp, 'dist') });
    let calls = 0;
    for (let i = 0; i < 10; i++) {
      new k8s.KubeConfigMap(new TimonelChart(app, `c${i}`), 'cm', {}).node.addValidation({ validate: () => { calls++; return []; } });
    }
    app.synth();
    expect(calls).toBe(10);
  });
});

describe('App.synth', () => {
  test('writes what plain cdk8s writes but the empty files, plus the kustomization', () => {
    const outdir = path.join(tmp, 'dist');
    const app = new App({ outdir });
    platform(app);
    app.synth();
    const ours = readDir(outdir);
    const { [KUSTOMIZATION_FILE]: kustomization, ...charts } = ours;
    expect(charts).toEqual(Object.fromEntries(Object.entries(plainCdk8s(platform)).filter(([, yaml]) => yaml !== '')));
    expect(kustomization).toContain('resources:\n  - 0001-data.k8s.yaml\n  - 0002-web.k8s.yaml\n  - 0003-plain.k8s.yaml\n');
    expect(fs.readdirSync(tmp).sort()).toEqual(['dist', 'plain']);
  });

  test('a second synth is byte-identical', () => {
    const outdir = path.join(tmp, 'dist');
    const first = new App({ outdir });
    platform(first);
    first.synth();
    const before = readDir(outdir);
    const second = new App({ outdir });
    platform(second);
    second.synth();
    expect(readDir(outdir)).toEqual(before);
  });

  test('an empty chart writes no file and is not listed in the kustomization', () => {
    const outdir = path.join(tmp, 'dist');
    const app = new App({ outdir });
    new TimonelChart(app, 'empty');
    const full = new TimonelChart(app, 'full');
    new k8s.KubeConfigMap(full, 'settings', { data: { a: 'b' } });
    expect(app.render().map((f) => f.fileName)).toEqual(['full.k8s.yaml']);
    app.synth();
    expect(fs.readdirSync(outdir).sort()).toEqual([OUTPUT_MARKER, 'full.k8s.yaml', KUSTOMIZATION_FILE]);
    expect(fs.readFileSync(path.join(outdir, KUSTOMIZATION_FILE), 'utf8')).toContain('resources:\n  - full.k8s.yaml\n');
  });

  test('defaults to $TIMONEL_OUTDIR', () => {
    process.env.TIMONEL_OUTDIR = path.join(tmp, 'env-dist');
    const app = new App();
    independent(app);
    app.synth();
    expect(fs.readdirSync(path.join(tmp, 'env-dist')).sort()).toEqual([OUTPUT_MARKER, 'a.k8s.yaml', 'b.k8s.yaml', KUSTOMIZATION_FILE]);
  });

  test('an empty $TIMONEL_OUTDIR counts as unset: the output goes to dist/, not into the working directory', () => {
    // CI sets a variable nobody defined to '' (TIMONEL_OUTDIR: ${{ vars.OUT }}); '' made the cwd the output folder.
    const cwd = process.cwd();
    process.chdir(tmp);
    try {
      process.env.TIMONEL_OUTDIR = '';
      const app = new App();
      expect(app.outdir).toBe('dist');
      independent(app);
      app.synth();
      expect(fs.readdirSync(tmp)).toEqual(['dist']);
      expect(fs.readdirSync(path.join(tmp, 'dist')).sort()).toEqual([OUTPUT_MARKER, 'a.k8s.yaml', 'b.k8s.yaml', KUSTOMIZATION_FILE]);
    } finally {
      process.chdir(cwd);
    }
  });

  test('fails when $TIMONEL_OUTDIR is only whitespace, naming the variable as the prop (the outdir prop wins over it)', () => {
    process.env.TIMONEL_OUTDIR = '  ';
    expect(() => new App()).toThrow(
      "[App] 'TIMONEL_OUTDIR' is only whitespace, got '  '. Allowed: a folder path such as 'dist'. "
      + "Fix: write a folder such as 'dist', or leave it out for 'dist' (an empty TIMONEL_OUTDIR counts as unset)",
    );
    expect(new App({ outdir: path.join(tmp, 'out') }).outdir).toBe(path.join(tmp, 'out'));
  });

  test('fails when outdir is empty or only whitespace', () => {
    expect(() => new App({ outdir: '' })).toThrow("[App] 'outdir' must not be empty, got ''.");
    expect(() => new App({ outdir: ' ' })).toThrow("[App] 'outdir' is only whitespace, got ' '. Allowed: a folder path such as 'dist'.");
  });

  describe('an outdir the file system refuses is a TimonelError naming outdir, and nothing is written (trial AC, AC6)', () => {
    const synthInto = (outdir: string): void => {
      const app = new App({ outdir });
      new k8s.KubeConfigMap(new TimonelChart(app, 'shop'), 'settings', { data: { a: 'b' } });
      app.synth();
    };

    test('fails when outdir is under a file, naming the file', () => {
      const file = path.join(tmp, 'file.txt');
      fs.writeFileSync(file, 'mine');
      const outdir = path.join(file, 'dist');
      expect(() => synthInto(outdir)).toThrow(
        `'outdir' cannot be created: ${file} in its path is a file, not a folder, got '${outdir}'. `
        + 'Allowed: a path whose existing parts are folders. '
        + `Fix: choose another outdir (or TIMONEL_OUTDIR), or move the file ${file} elsewhere`,
      );
      expect(() => synthInto(path.join(file, 'a', 'b'))).toThrow(`${file} in its path is a file`);
      expect(fs.readdirSync(tmp)).toEqual(['file.txt']);
      expect(fs.readFileSync(file, 'utf8')).toBe('mine');
    });

    test('fails when outdir contains a NUL byte', () => {
      expect(() => new App({ outdir: path.join(tmp, 'a\0b') })).toThrow(
        "[App] 'outdir' contains a NUL byte (\\0), which no file system allows in a path, got ",
      );
      expect(() => new App({ outdir: path.join(tmp, 'a\0b') })).toThrow("Fix: remove the NUL byte");
      expect(fs.readdirSync(tmp)).toEqual([]);
    });

    test('fails when a folder name of outdir is too long for the file system', () => {
      const outdir = path.join(tmp, 'x'.repeat(300));
      expect(() => synthInto(outdir)).toThrow(TimonelError);
      expect(() => synthInto(outdir)).toThrow(/^'outdir' has a name too long for the file system \(ENAMETOOLONG: .*\); its temporary sibling adds '\.tmp-<pid>-<8 hex digits>' to the last name, got '.*'\. Allowed: folder names of at most 255 bytes, the last one about 25 characters shorter\. Fix: use shorter folder names, or choose another outdir \(or TIMONEL_OUTDIR\)$/);
      expect(fs.readdirSync(tmp)).toEqual([]);
    });

    test('fails when the outdir\'s parent may not be written', () => {
      if (process.getuid?.() === 0) return; // root writes anywhere
      const locked = path.join(tmp, 'locked');
      fs.mkdirSync(locked, 0o555);
      try {
        expect(() => synthInto(path.join(locked, 'dist'))).toThrow(/^'outdir' cannot be written: no permission \(EACCES: .*\), got '.*'\. Allowed: .*\. Fix: choose another outdir \(or TIMONEL_OUTDIR\), or give this user write access to its parent folder$/);
        expect(fs.readdirSync(locked)).toEqual([]);
      } finally {
        fs.chmodSync(locked, 0o755);
      }
    });
  });

  /** Synthesizes `build`, then `build` broken by `breakApp`: the second synth fails with `error` and changes nothing. */
  function expectUntouched(build: (app: Cdk8sApp) => void, breakApp: (app: App) => void, error: RegExp): void {
    const outdir = path.join(tmp, 'dist');
    const good = new App({ outdir });
    build(good);
    good.synth();
    const before = readDir(outdir);
    const bad = new App({ outdir });
    build(bad);
    breakApp(bad);
    expect(() => bad.synth()).toThrow(error);
    expect(readDir(outdir)).toEqual(before);
    expect(fs.readdirSync(tmp)).toEqual(['dist']);
  }

  describe('a failing synth leaves the previous output exactly as it was', () => {

    test('a validation error', () => {
      expectUntouched(platform, (app) => new Construct(app.node.findChild('web'), 'x').node.addValidation({ validate: () => ['nope'] }),
        /^Validation failed with the following errors:\n {2}\[web\/x\] nope$/);
    });

    test('a policy error', () => {
      expectUntouched(platform, () => policies.mockImplementation(() => {
        throw new TimonelError({ message: 'policy says no' });
      }), /policy says no/);
    });

    test('a duplicate object', () => {
      expectUntouched(platform, (app) => new k8s.KubeConfigMap(app.node.findChild('data') as Construct, 'again', { metadata: { name: 'data-settings' } }),
        /ConfigMap 'data-settings' in namespace 'data' is defined twice/);
    });

    test('an object that fails to serialize', () => {
      const produce = (): never => {
        throw new Error('cannot produce');
      };
      expectUntouched(platform, (app) => new k8s.KubeConfigMap(app.node.findChild('data') as Construct, 'bad', { data: Lazy.any({ produce }) }), /cannot produce/);
    });
  });

  describe('with 70 charts', () => {
    function many(app: Cdk8sApp): void {
      for (let i = 0; i < 70; i++) {
        const chart = new TimonelChart(app, `svc-${i}`, { namespace: `svc-${i}` });
        new k8s.KubeConfigMap(chart, 'cm', { data: { i: String(i), text: '¡¡Hola, mundo!\n'.repeat(i % 4) } });
      }
    }

    test('writes what plain cdk8s writes, plus the kustomization', () => {
      const outdir = path.join(tmp, 'dist');
      const app = new App({ outdir });
      many(app);
      app.synth();
      const { [KUSTOMIZATION_FILE]: kustomization, ...charts } = readDir(outdir);
      expect(kustomization).toContain('  - svc-69.k8s.yaml\n');
      expect(charts).toEqual(plainCdk8s(many));
      expect(fs.readdirSync(tmp).sort()).toEqual(['dist', 'plain']);
    });

    test.each([
      ['a policy error', () => policies.mockImplementation(() => {
        throw new TimonelError({ message: 'policy says no' });
      }), /policy says no/],
      ['a duplicate object', (app: App) => new k8s.KubeConfigMap(app.node.findChild('svc-3') as Construct, 'again', { metadata: { name: 'svc-3-cm' } }),
        /ConfigMap 'svc-3-cm' in namespace 'svc-3' is defined twice/],
    ])('%s leaves the previous output exactly as it was', (_name, breakApp: (app: App) => void, error) => {
      expectUntouched(many, breakApp, error);
    });
  });

  describe('under the cdk8s CLI ($CDK8S_OUTDIR)', () => {
    test('mirrors the chart files (not the kustomization) into the CLI folder', () => {
      const outdir = path.join(tmp, 'dist');
      process.env.CDK8S_OUTDIR = path.join(tmp, 'cli');
      const app = new App({ outdir });
      platform(app);
      app.synth();
      const { 'kustomization.yaml': kustomization, ...charts } = readDir(outdir);
      expect(kustomization).toContain('kind: Kustomization');
      expect(readDir(path.join(tmp, 'cli'))).toEqual(charts);
    });

    test('writes nothing when the synth fails', () => {
      process.env.CDK8S_OUTDIR = path.join(tmp, 'cli');
      const app = new App({ outdir: path.join(tmp, 'dist') });
      platform(app);
      app.node.addValidation({ validate: () => ['broken'] });
      expect(() => app.synth()).toThrow(/broken/);
      expect(fs.readdirSync(tmp)).toEqual([]);
    });

    test('records construct metadata as cdk8s does, into the CLI folder only', () => {
      process.env.CDK8S_OUTDIR = path.join(tmp, 'cli');
      process.env.CDK8S_RECORD_CONSTRUCT_METADATA = 'true';
      const app = new App({ outdir: path.join(tmp, 'dist') });
      platform(app);
      app.synth();
      const cli = readDir(path.join(tmp, 'cli'));
      delete process.env.CDK8S_OUTDIR;
      const plain = plainCdk8s(platform);
      expect(cli['construct-metadata.json']).toBe(plain['construct-metadata.json']);
      expect(JSON.parse(cli['construct-metadata.json']).resources.web).toEqual({ path: 'web/web' });
      expect(fs.readdirSync(path.join(tmp, 'dist'))).not.toContain('construct-metadata.json');
    });

    test('the CLI folder may be the outdir itself', () => {
      process.env.CDK8S_OUTDIR = path.join(tmp, 'dist');
      const app = new App({ outdir: path.join(tmp, 'dist'), recordConstructMetadata: true });
      independent(app);
      app.synth();
      expect(fs.readdirSync(path.join(tmp, 'dist')).sort()).toEqual([OUTPUT_MARKER, 'a.k8s.yaml', 'b.k8s.yaml', 'construct-metadata.json', KUSTOMIZATION_FILE]);
      expect(fs.readdirSync(tmp)).toEqual(['dist']);
    });
  });

  test('recordConstructMetadata without the CLI writes the metadata into outdir, as cdk8s does', () => {
    const outdir = path.join(tmp, 'dist');
    const app = new App({ outdir, recordConstructMetadata: true });
    expect(app.recordsConstructMetadata).toBe(true);
    platform(app);
    app.synth();
    expect(readDir(outdir)['construct-metadata.json']).toBe(plainCdk8s(platform, { recordConstructMetadata: true })['construct-metadata.json']);
  });

  test('records no metadata by default', () => {
    const app = new App({ outdir: path.join(tmp, 'dist') });
    expect(app.recordsConstructMetadata).toBe(false);
    independent(app);
    app.synth();
    expect(fs.readdirSync(path.join(tmp, 'dist'))).not.toContain('construct-metadata.json');
  });
});
