import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { k8s } from 'cdk8s-plus-28';
import { App } from '../../src/app/app';
import { TimonelChart } from '../../src/app/chart';
import { Environments, EnvironmentsProps } from '../../src/app/environments';
import { TimonelError } from '../../src/core/errors';
import { formatAppError } from '../../src/cli/synth';
import { PolicyError } from '../../src/policies/engine';
import { WebApp } from '../../src/constructs/web-app';
import { thrown } from '../support/util';

interface Values {
  readonly replicas: number;
  readonly web: { readonly host: string; readonly tags: string[] };
  readonly extra: unknown;
}

const DEFAULTS: Values = { replicas: 2, web: { host: 'example.com', tags: ['a'] }, extra: null };
const ENV = ['CDK8S_OUTDIR', 'CDK8S_RECORD_CONSTRUCT_METADATA', 'TIMONEL_OUTDIR', 'TIMONEL_ENV'];
let tmp: string;
let savedEnv: Record<string, string | undefined>;

beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'timonel-envs-'));
  savedEnv = Object.fromEntries(ENV.map((k) => [k, process.env[k]]));
  for (const k of ENV) delete process.env[k];
});

afterEach(() => {
  for (const k of ENV) {
    if (savedEnv[k] === undefined) delete process.env[k];
    else process.env[k] = savedEnv[k];
  }
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** A one-chart platform: a ConfigMap whose data shows the values. */
function build(app: App, env: { name: string; values: Values }): void {
  const chart = new TimonelChart(app, 'web', { namespace: 'web' });
  new k8s.KubeConfigMap(chart, 'settings', {
    metadata: { name: 'web-settings' },
    data: { replicas: String(env.values.replicas), host: env.values.web.host, tags: env.values.web.tags.join(',') },
  });
}

function envs(props: Partial<EnvironmentsProps<Values>> = {}): Environments<Values> {
  return new Environments<Values>({
    defaults: DEFAULTS,
    environments: { dev: { values: { replicas: 1, web: { host: 'dev.example.com' } } }, prod: {} },
    build,
    outdir: path.join(tmp, 'dist'),
    ...props,
  });
}

function write(name: string, text: string): string {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, text);
  return file;
}

function files(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    if (e.isDirectory()) out.push(...files(path.join(dir, e.name)).map((f) => `${e.name}/${f}`));
    else if (e.name !== '.timonel') out.push(e.name);
  }
  return out.sort();
}

const read = (...p: string[]): string => fs.readFileSync(path.join(tmp, 'dist', ...p), 'utf8');

/** The TimonelError `f` throws. */

describe('Environments', () => {
  test('merges defaults, code overrides and a values file, objects key by key and arrays replaced', () => {
    const file = write('prod.yaml', 'web:\n  tags: [b, c]\nreplicas: 5\n');
    const e = envs({ environments: { dev: { values: { web: { host: 'dev.example.com' } } }, prod: { values: { replicas: 3 }, valuesFile: file } } });
    expect(e.values('dev')).toEqual({ replicas: 2, web: { host: 'dev.example.com', tags: ['a'] }, extra: null });
    expect(e.values('prod')).toEqual({ replicas: 5, web: { host: 'example.com', tags: ['b', 'c'] }, extra: null });
    expect(DEFAULTS.web.host).toBe('example.com');
  });

  test('reads a JSON values file; an empty YAML file overrides nothing', () => {
    const json = write('dev.json', '{"web": {"host": "json.example.com"}}');
    const empty = write('prod.yml', '# nothing yet\n');
    const e = envs({ environments: { dev: { valuesFile: json }, prod: { valuesFile: empty } } });
    expect(e.values('dev').web.host).toBe('json.example.com');
    expect(e.values('prod')).toEqual(DEFAULTS);
  });

  test('a key whose default is null takes any value; null may replace an object', () => {
    const file = write('dev.yaml', 'extra:\n  anything: [1, 2]\n');
    expect(envs({ environments: { dev: { valuesFile: file } } }).values('dev').extra).toEqual({ anything: [1, 2] });
    const off = write('prod.yaml', 'web: null\n');
    expect(envs({ environments: { prod: { valuesFile: off } } }).values('prod').web).toBeNull();
  });

  test('synth writes every environment to <outdir>/<env>/ with its own kustomization', () => {
    envs().synth();
    expect(files(path.join(tmp, 'dist'))).toEqual(['dev/kustomization.yaml', 'dev/web.k8s.yaml', 'prod/kustomization.yaml', 'prod/web.k8s.yaml']);
    expect(read('dev', 'web.k8s.yaml')).toContain('host: dev.example.com');
    expect(read('prod', 'web.k8s.yaml')).toContain('host: example.com');
    expect(read('dev', 'kustomization.yaml')).toContain('  - web.k8s.yaml');
  });

  test("each environment's App carries its name, so its policy warnings say which environment they are about", () => {
    // A pull Secret defined nowhere: a ref-missing-dependency warning in each environment.
    const e = envs({ build: (app) => new WebApp(new TimonelChart(app, 'web', { namespace: 'web' }), 'web', { image: 'ghcr.io/acme/web:1.0.0', imagePullSecrets: ['ghcr-pull'] }) });
    expect(['dev', 'prod'].map((n) => e.app(n).name)).toEqual(['dev', 'prod']);
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      e.synth();
      const lines = stderr.mock.calls.map((c) => String(c[0])).filter((l) => l.startsWith('warning: '));
      expect(lines.length).toBeGreaterThan(0);
      expect(lines.every((l) => /^warning: (dev|prod): /.test(l))).toBe(true);
      expect(new Set(lines).size).toBe(lines.length);
    } finally {
      stderr.mockRestore();
    }
  });

  test('names and labels are the same in every environment unless a value changes them', () => {
    const e = envs();
    const [dev, prod] = ['dev', 'prod'].map((n) => e.app(n).render()[0].docs);
    expect(dev.map((d) => [d.kind, d.metadata.name, d.metadata.labels])).toEqual(prod.map((d) => [d.kind, d.metadata.name, d.metadata.labels]));
  });

  test('an empty $TIMONEL_OUTDIR counts as unset: the output goes to dist/, not into the working directory', () => {
    const cwd = process.cwd();
    process.chdir(tmp);
    try {
      process.env.TIMONEL_OUTDIR = '';
      const e = envs({ outdir: undefined });
      expect(e.outdir).toBe('dist');
      e.synth();
      expect(fs.readdirSync(tmp)).toEqual(['dist']);
      expect(files(path.join(tmp, 'dist'))).toEqual(['dev/kustomization.yaml', 'dev/web.k8s.yaml', 'prod/kustomization.yaml', 'prod/web.k8s.yaml']);
    } finally {
      process.chdir(cwd);
    }
  });

  test('every environment replaces the whole outdir: a removed environment disappears', () => {
    envs().synth();
    envs({ environments: { prod: {} } }).synth();
    expect(fs.readdirSync(path.join(tmp, 'dist')).sort()).toEqual(['.timonel', 'prod']);
  });

  test('only (or TIMONEL_ENV) writes one environment and leaves the others as they are', () => {
    envs().synth();
    const before = read('prod', 'web.k8s.yaml');
    envs({ environments: { dev: { values: { replicas: 9 } }, prod: { values: { replicas: 7 } } }, only: 'dev' }).synth();
    expect(read('dev', 'web.k8s.yaml')).toContain('replicas: "9"');
    expect(read('prod', 'web.k8s.yaml')).toBe(before);
    process.env.TIMONEL_ENV = 'prod';
    const e = envs({ environments: { dev: { values: { replicas: 8 } }, prod: { values: { replicas: 6 } } } });
    expect(e.selected).toEqual(['prod']);
    e.synth();
    expect(read('prod', 'web.k8s.yaml')).toContain('replicas: "6"');
    expect(read('dev', 'web.k8s.yaml')).toContain('replicas: "9"');
  });

  test('an error in one environment writes nothing', () => {
    envs().synth();
    const before = files(path.join(tmp, 'dist')).map((f) => read(f));
    const broken = envs({
      environments: { dev: {}, prod: {} },
      build: (app, env) => {
        build(app, env);
        if (env.name === 'prod') build(app, env);
      },
    });
    expect(() => broken.synth()).toThrow(/'id' is already taken by another construct in/);
    expect(files(path.join(tmp, 'dist')).map((f) => read(f))).toEqual(before);
  });

  test('under cdk8s synth, each environment is mirrored into $CDK8S_OUTDIR/<env>/ with one construct metadata file', () => {
    process.env.CDK8S_OUTDIR = path.join(tmp, 'staging');
    process.env.CDK8S_RECORD_CONSTRUCT_METADATA = 'true';
    envs().synth();
    expect(files(path.join(tmp, 'staging'))).toEqual(['construct-metadata.json', 'dev/web.k8s.yaml', 'prod/web.k8s.yaml']);
    const metadata = JSON.parse(fs.readFileSync(path.join(tmp, 'staging', 'construct-metadata.json'), 'utf8'));
    expect(metadata.resources['web-settings']).toEqual({ path: 'web/settings' });
    expect(files(path.join(tmp, 'dist'))).not.toContain('construct-metadata.json');
  });

  describe('fails', () => {
    const expectError = (f: () => unknown, message: RegExp): void => {
      expect(f).toThrow(TimonelError);
      expect(f).toThrow(message);
    };

    test('fails when the values in code (from JavaScript) have a misspelt key or a number for a string, as a values file would', () => {
      const e = thrown(() => envs({ environments: { dev: {}, prod: { values: { replica: 1, web: { host: 1.10, tags: 'b' } } as any } } }));
      expect(e.message).toBe("prod: [Environments] has 3 invalid values:\n"
        + "  'environments.prod.values.replica' is not a known value. Allowed: 'replicas', 'web', 'extra'. Fix: did you mean 'replicas'?\n"
        + "  'environments.prod.values.web.host' must be a string, as its default is, got 1.1. Allowed: a string, like its default. Fix: in code it is the number 1.1: write it as a string, as you mean it, e.g. host: '1.1' (a number loses trailing zeros: 1.10 is 1.1, so write '1.10')\n"
        + "  'environments.prod.values.web.tags' must be an array, as its default is, got 'b'. Allowed: an array, like its default. Fix: give an array, or remove the key to keep the default");
      expect(e.problems.map((p) => p.prop)).toEqual(['environments.prod.values.replica', 'environments.prod.values.web.host', 'environments.prod.values.web.tags']);
      expect(thrown(() => envs({ environments: { dev: { values: { replicas: '3' } as any } } })).message).toBe(
        "dev: [Environments] 'environments.dev.values.replicas' must be a number, as its default is, got '3'. Allowed: a number, like its default. Fix: give a number, or remove the key to keep the default",
      );
    });

    test('passes values in code that leave a key undefined (the default stays), turn an object off with null, or fill a key whose default is null', () => {
      const e = envs({ environments: { dev: { values: { replicas: undefined, web: { host: 'dev.example.com' }, extra: { any: 1 } } }, prod: { values: { web: null } as any } } });
      expect(e.values('dev')).toEqual({ replicas: 2, web: { host: 'dev.example.com', tags: ['a'] }, extra: { any: 1 } });
      expect(e.values('prod').web).toBeNull();
    });

    test('passes a key in code that the defaults lack and nothing resembles: a new key of a map, an optional value (they type-check; trial N)', () => {
      const e = envs({ environments: { dev: { values: { web: { host: 'dev.example.com', labels: { team: 'payments' } }, canary: true } as any } } });
      expect((e.values('dev') as any).web.labels).toEqual({ team: 'payments' });
      expect((e.values('dev') as any).canary).toBe(true);
      // In a values file the defaults' keys are the schema.
      const file = write('dev.yaml', 'canary: true\n');
      expect(() => envs({ environments: { dev: { valuesFile: file } } }).values('dev')).toThrow(/'canary' is not a known value/);
    });

    test('fails when a values file has an unknown key, suggesting the closest one', () => {
      const file = write('dev.yaml', 'web:\n  hots: x.example.com\n');
      expectError(() => envs({ environments: { dev: { valuesFile: file } } }).values('dev'),
        new RegExp(`\\[${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}\\] 'web.hots' is not a known value. Allowed: 'host', 'tags'. Fix: did you mean 'host'\\?`));
    });

    test('fails when a value in a values file has another type than its default', () => {
      const file = write('dev.json', '{"replicas": "3"}');
      expectError(() => envs({ environments: { dev: { valuesFile: file } } }).values('dev'), /dev\.json\] 'replicas' must be a number, as its default is, got '3'/);
      const list = write('prod.yaml', 'web:\n  tags: b\n');
      expectError(() => envs({ environments: { prod: { valuesFile: list } } }).values('prod'), /'web.tags' must be an array, as its default is, got 'b'/);
    });

    test('fails when YAML reads a string value as a number or boolean, quoting the text of the file', () => {
      const file = write('prod.yaml', 'replicas: 3\nweb:\n  host: 1.10\n');
      expectError(() => envs({ environments: { prod: { valuesFile: file } } }).values('prod'),
        /^prod: \[.*prod\.yaml\] 'web\.host' must be a string, as its default is, got 1\.1\. Allowed: a string, like its default\. Fix: YAML reads 1\.10 \(line 3\) as the number 1\.1: quote it in the file, host: '1\.10'$/);
      const flow = write('flow.yaml', 'web: { host: true }\n');
      expectError(() => envs({ environments: { prod: { valuesFile: flow } } }).values('prod'),
        /'web\.host' must be a string, as its default is, got true\. Allowed: a string, like its default\. Fix: YAML reads true \(line 1\) as the boolean true: quote it in the file, host: 'true'$/);
      const json = write('prod.json', '{"web": {"host": 1.10}}');
      expectError(() => envs({ environments: { prod: { valuesFile: json } } }).values('prod'),
        /'web\.host' must be a string, as its default is, got 1\.1\. Allowed: a string, like its default\. Fix: JSON reads it as the number 1\.1: write it as a string in the file, "host": "1\.1" \(as you wrote it: a number loses trailing zeros, 1\.10 reads as 1\.1\)$/);
    });

    test("fails when a size whose default is a quantity ('20Gi') is a number, with a fix in the default's unit (trial X, X11)", () => {
      // '40' would be 40 bytes: the fix follows the default's unit.
      const sized = (values: unknown) => new Environments<{ dbSize: string; cpu: string }>({
        defaults: { dbSize: '20Gi', cpu: '500m' }, environments: { prod: { values: values as any } }, build: () => undefined,
      });
      expect(thrown(() => sized({ dbSize: 40 })).message).toBe("prod: [Environments] 'environments.prod.values.dbSize' must be a string, as its default is, got 40. "
        + "Allowed: a string, like its default. Fix: in code it is the number 40, but its default '20Gi' is a quantity in Gi: write it as a string with its unit, e.g. dbSize: '40Gi' (without a unit, 40 is 40 bytes)");
      const file = (name: string, text: string) => new Environments<{ dbSize: string }>({ defaults: { dbSize: '500M' }, environments: { prod: { valuesFile: write(name, text) } }, build: () => undefined }).values('prod');
      expect(thrown(() => file('sized.yaml', 'dbSize: 40\n')).message).toMatch(/Fix: YAML reads 40 \(line 1\) as the number 40, but its default '500M' is a quantity in M: quote it with its unit in the file, dbSize: '40M' \(without a unit, 40 is 40 bytes\)$/);
      expect(thrown(() => file('sized.json', '{"dbSize": 40}')).message).toMatch(/Fix: JSON reads it as the number 40, but its default '500M' is a quantity in M: write it as a string with its unit in the file, "dbSize": "40M" \(without a unit, 40 is 40 bytes\)$/);
      // A CPU quantity without a unit is cores, a valid value: quoting it as written is the fix.
      expect(thrown(() => sized({ cpu: 2 })).message).toMatch(/Fix: in code it is the number 2: write it as a string, as you mean it, e.g. cpu: '2'/);
    });

    test('fails when a values file is missing or not JSON or YAML, naming the environment prop', () => {
      const missing = path.join(tmp, 'nope.yaml');
      expectError(() => envs({ environments: { dev: { valuesFile: missing } } }).values('dev'),
        new RegExp(`^dev: \\[Environments\\] 'environments.dev.valuesFile' cannot be read \\(ENOENT\\), got '${missing}'\\. Allowed: a JSON or YAML file; a relative path starts at the working directory, .*\\. Fix: check the path; path.join\\(__dirname, 'values/prod.yaml'\\)`));
      const txt = write('dev.txt', 'replicas: 1');
      expectError(() => envs({ environments: { dev: { valuesFile: txt } } }).values('dev'),
        /'environments.dev.valuesFile' must be a JSON or YAML file, but its extension is '.txt', got '.*dev.txt'. Allowed: a file ending in '.json', '.yaml' or '.yml'. Fix: rename it/);
    });

    test('fails when a values file has a YAML syntax error, with the line, the column and what to check there', () => {
      const file = write('prod.yaml', 'web:\n  host: x\n   tags: [b]\n');
      const e = thrown(() => envs({ environments: { prod: { valuesFile: file } } }).values('prod'));
      expect(e.message).toBe(`prod: [Environments] 'environments.prod.valuesFile' is not valid YAML: Nested mappings are not allowed in compact mappings at line 2, column 9, got '${file}'. `
        + "Allowed: a YAML map of values: 'key: value' lines, nested keys indented with spaces. Fix: check the indentation/quotes at line 2: '  host: x'");
      expect([e.path, e.prop, e.value]).toEqual(['Environments', 'environments.prod.valuesFile', file]);
      const quote = write('quote.yaml', 'web:\n  host: "x\n');
      expectError(() => envs({ environments: { prod: { valuesFile: quote } } }).values('prod'), /is not valid YAML: Missing closing "quote at line 3, column 1.*Fix: check the indentation\/quotes at line 3/);
      const twice = write('twice.yaml', 'replicas: 1\nweb: {}\nreplicas: 2\n');
      expectError(() => envs({ environments: { prod: { valuesFile: twice } } }).values('prod'), /Map keys must be unique at line 3, column 1.*Fix: a key is given twice: keep one of them \(the second is at line 3\): 'replicas: 2'$/);
      const tabs = write('tabs.yaml', 'web:\n\thost: x\n');
      expectError(() => envs({ environments: { prod: { valuesFile: tabs } } }).values('prod'), /Fix: indent with spaces, not tabs, at line 2/);
      const docs = write('docs.yaml', 'replicas: 1\n---\nreplicas: 2\n');
      expectError(() => envs({ environments: { prod: { valuesFile: docs } } }).values('prod'), /is not valid YAML: it holds more than one document at line 2, column 1.*Fix: a values file holds one YAML document: remove the '---' at line 2/);
    });

    test('fails when a JSON values file has a syntax error', () => {
      const bad = write('bad.json', '{\n  "replicas": 1,\n  web: {}\n}');
      expectError(() => envs({ environments: { dev: { valuesFile: bad } } }).values('dev'),
        /^dev: \[Environments\] 'environments.dev.valuesFile' is not valid JSON: .* at line 3, column 3, got '.*bad.json'\. Allowed: a JSON object of values\. Fix: check the commas, quotes and brackets at line 3: '  web: \{\}'$/);
    });

    test('fails when a values file holds a list or a scalar instead of a map', () => {
      const seq = write('seq.yaml', '- replicas: 3\n');
      expectError(() => envs({ environments: { dev: { valuesFile: seq } } }).values('dev'),
        new RegExp(`^dev: \\[Environments\\] 'environments.dev.valuesFile' must hold a map of values at the top level, but holds a list \\(\\[\\{"replicas":3\\}\\]\\), got '${seq}'\\. `
          + "Allowed: a map of values with keys of the defaults: 'replicas', 'web', 'extra'\\. Fix: the file must be a map of values: write key: value lines, e\\.g\\. 'replicas: …'$"));
      const scalar = write('scalar.json', '3');
      expectError(() => envs({ environments: { dev: { valuesFile: scalar } } }).values('dev'), /but holds a number \(3\).*Fix: the file must be a map of values: write an object, \{ "replicas": … \}$/);
    });

    test('fails with every problem of a values file in one error', () => {
      const file = write('prod.yaml', 'replicas: "3"\nweb:\n  hots: x.example.com\n  tags: b\nreplicaz: 2\n');
      const e = thrown(() => envs({ environments: { prod: { valuesFile: file } } }).values('prod'));
      expect(e.problems.map((p) => p.prop)).toEqual(['replicas', 'web.hots', 'web.tags', 'replicaz']);
      expect(e.message).toMatch(/^prod: \[.*prod\.yaml\] has 4 invalid values:\n  'replicas' must be a number, as its default is, got '3'/);
      expect(e.problems[3].message).toMatch(/^prod: \[.*prod\.yaml\] 'replicaz' is not a known value.*Fix: did you mean 'replicas'\?/);
    });

    test('an error raised while building one environment starts with its name, and keeps its prop, value and fix', () => {
      const e = thrown(() => envs({
        build: (app, env) => {
          build(app, env);
          new WebApp(new TimonelChart(app, 'shop', { namespace: 'shop' }), 'web', { image: env.name === 'prod' ? 'nginx' : 'nginx:1.27.2' });
        },
      }).synth());
      expect(e.message).toMatch(/^prod: \[shop\/web\] 'image' has no tag or digest/);
      expect(e.prop).toBe('image');
      expect(e.value).toBe('nginx');
      expect(e.fix).toMatch(/pin a version/);
      expect(formatAppError(e)).toMatch(/^error: prod: \[shop\/web\] 'image'/);
    });

    test('a policy error in one environment starts with its name, finding by finding', () => {
      const e = thrown(() => envs({
        build: (app, env) => {
          build(app, env);
          if (env.name === 'prod') new k8s.KubeConfigMap(new TimonelChart(app, 'extra', { namespace: 'extra' }), 'Weird', { metadata: { name: 'Weird' } });
        },
      }).synth());
      expect(e).toBeInstanceOf(PolicyError);
      expect(e.message).toMatch(/^prod: Policy check failed with 1 error:\n  \[extra\/Weird\] ConfigMap extra\/Weird 'metadata\.name'/);
      const findings = (e as PolicyError).findings;
      expect(findings.map((f) => f.ruleId)).toEqual(['api-object-name']);
      expect(findings[0].field).toBe('metadata.name');
      expect(formatAppError(e).split('\n')[0]).toMatch(/^error: prod: \[extra\/Weird\] ConfigMap extra\/Weird 'metadata\.name' is not a valid DNS-1123 subdomain, got 'Weird'.*Fix: write 'weird' \(api-object-name\)$/);
    });

    test('fails when an environment name is not a DNS label, or none is given', () => {
      expectError(() => envs({ environments: { Prod: {} } }),
        /^\[Environments\] 'environments.Prod' is not a valid DNS-1123 label: an environment's name is its folder and part of object names, got 'Prod'. Allowed: lowercase letters, digits and '-'.*Fix: rename it 'prod'$/);
      expectError(() => envs({ environments: { 'my env': {} } }), /'environments\["my env"\]' is not a valid DNS-1123 label.*Fix: rename it 'my-env'$/);
      expectError(() => envs({ environments: {} }), /'environments' must name at least one environment/);
    });

    test('fails when a prop is misspelled or mistyped, before anything is built or written', () => {
      // a typo of outdir once left the default 'dist' to be replaced by this run's environments
      const mine = path.join(tmp, 'dist');
      envs().synth();
      const before = files(mine);
      const e = thrown(() => new Environments<Values>({ defaults: DEFAULTS, environments: { dev: {}, prod: { valuse: { replicas: 3 } } as any }, build, outDir: mine } as any));
      expect(e.message.split('\n')).toEqual([
        '[Environments] has 2 invalid props:',
        `  'outDir' is not a known prop, got '${mine}'. Allowed: 'defaults', 'environments', 'build', 'outdir', 'only', 'appProps', 'delivery'. Fix: did you mean 'outdir'?`,
        "  'environments.prod.valuse' is not a known environment option, got {\"replicas\":3}. Allowed: 'values', 'valuesFile'. Fix: did you mean 'values'?",
      ]);
      expect(files(mine)).toEqual(before);
      expectError(() => envs({ delivery: { tool: 'argo' } as any }), /^\[Environments\] 'delivery.tool' is not one of the allowed values, got 'argo'.*Fix: did you mean 'argocd'\?/);
      expectError(() => envs({ delivery: { tool: 'argocd', repo: 'x' } as any }), /'delivery.repo' is not a known delivery option.*did you mean 'repository'\?/);
      expectError(() => envs({ build: 'web' as any }), /'build' must be a function, got 'web'/);
      expectError(() => envs({ defaults: [] as any }), /'defaults' must be an object of values, got \[\]/);
    });

    test('fails when appProps sets what Environments sets itself, saying where to set it', () => {
      expectError(() => envs({ appProps: { outdir: 'out' } as any }), /'appProps.outdir' is set by Environments: <outdir>\/<environment>, got 'out'.*Fix: set 'outdir' on Environments/);
      expectError(() => envs({ appProps: { delivery: 'flux' } as any }), /'appProps.delivery' is set by Environments: 'delivery.tool'.*Fix: set 'delivery: \{ tool \}' on Environments/);
      expectError(() => envs({ appProps: { outputFileExtenson: '.yaml' } as any }), /did you mean 'outputFileExtension'\?/);
    });

    test('fails when $TIMONEL_OUTDIR is only whitespace, naming the variable as the prop (the outdir prop wins over it)', () => {
      process.env.TIMONEL_OUTDIR = ' ';
      expect(thrown(() => envs({ outdir: undefined })).message).toBe(
        "[Environments] 'TIMONEL_OUTDIR' is only whitespace, got ' '. Allowed: a folder path such as 'dist'. "
        + "Fix: write a folder such as 'dist', or leave it out for 'dist' (an empty TIMONEL_OUTDIR counts as unset)",
      );
      expect(envs().outdir).toBe(path.join(tmp, 'dist'));
      expectError(() => envs({ outdir: ' ' }), /^\[Environments\] 'outdir' is only whitespace, got ' '/);
    });

    test('fails when the chosen environment does not exist', () => {
      expectError(() => envs({ only: 'stage' }), /'only' is not one of the environments, got 'stage'. Allowed: 'dev', 'prod'/);
      process.env.TIMONEL_ENV = 'qa';
      expectError(() => envs(), /'TIMONEL_ENV' is not one of the environments, got 'qa'/);
    });
  });
});
