import * as fs from 'fs';
import * as path from 'path';
import { UsageError } from './check';
import { ownPackage, OwnPackage } from './own-package';

/** What `timonel init` does. */
export interface InitOptions {
  /** The folder of the new project, created when missing; it must be empty. @default process.cwd() */
  readonly dir?: string;
  /** The folder the next steps' `cd` is relative to. @default process.cwd() */
  readonly cwd?: string;
}

/** What `init` reports: the files written (relative to the project) and the text to print. */
export interface InitResult {
  readonly files: readonly string[];
  readonly stdout: string;
}

// What a new project's folder may already hold.
const ALLOWED_EXISTING = new Set(['.git']);

/**
 * Scaffolds a new cdk8s project that uses timonel, as `cdk8s init typescript-app` does: its
 * package.json depends on timonel and its peers, `npm run synth` writes dist/ through
 * `timonel synth`, `npm test` type-checks and runs a snapshot test.
 */
export function init(options: InitOptions = {}): InitResult {
  const cwd = options.cwd ?? process.cwd();
  const dir = path.resolve(cwd, options.dir ?? '.');
  if (fs.existsSync(dir)) {
    if (!fs.statSync(dir).isDirectory()) throw new UsageError(`${dir} is a file, not a folder`);
    const present = fs.readdirSync(dir).filter((f) => !ALLOWED_EXISTING.has(f));
    if (present.length) throw new UsageError(`${dir} is not empty (${present.slice(0, 5).join(', ')}): init a new project in an empty or new folder`);
  }
  const name = projectName(path.basename(dir));
  const files = templatesFor(name, ownPackage());
  for (const [file, text] of files) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text, 'utf8');
  }
  const cd = path.relative(cwd, dir);
  return {
    files: [...files.keys()],
    stdout: [
      `Created ${name} in ${dir}:`,
      ...[...files.keys()].map((f) => `  ${f}`),
      '',
      'Next:',
      ...(cd ? [`  cd ${/\s/.test(cd) ? JSON.stringify(cd) : cd}`] : []),
      '  npm install     # until timonel is on the registry: npm install <path to>/timonel-<version>.tgz',
      '  npm run synth   # type-checks src/ and writes the YAML to dist/',
      '  npm test        # type-checks and runs the snapshot test',
      '',
    ].join('\n'),
  };
}

/** A folder name as an npm package name and Kubernetes namespace: lowercase letters, digits, '-'. */
function projectName(base: string): string {
  const name = base.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 63).replace(/-+$/, '');
  return /^[a-z]/.test(name) ? name : `app-${name}`.replace(/-+$/, '');
}

/** `1.2.3` -> `^1.2.3`; for cdk8s, `~2.70.0`: the minor version timonel's fast synthesis is verified against. */
function caret(pin: string): string {
  return `^${pin.replace(/^[\^~]/, '')}`;
}

function tilde(pin: string): string {
  const [major, minor] = pin.replace(/^[\^~]/, '').split('.');
  return `~${major}.${minor}.0`;
}

/** Every file of a new project, path to text. */
export function templatesFor(name: string, own: OwnPackage): Map<string, string> {
  const dev = own.devDependencies;
  const packageJson = {
    name,
    version: '0.1.0',
    private: true,
    scripts: {
      synth: 'timonel synth',
      test: 'tsc && jest',
      check: 'timonel check dist',
    },
    dependencies: {
      'cdk8s': tilde(dev.cdk8s),
      'cdk8s-plus-28': caret(dev['cdk8s-plus-28']),
      'constructs': caret(dev.constructs),
      'timonel': caret(own.version),
    },
    devDependencies: {
      '@types/jest': caret(dev['@types/jest']),
      '@types/node': '^20',
      'jest': caret(dev.jest),
      'ts-jest': '^29.4.0',
      'typescript': tilde(dev.typescript),
    },
  };
  const tsconfig = {
    compilerOptions: {
      target: 'ES2022',
      module: 'commonjs',
      moduleResolution: 'node',
      lib: ['ES2022'],
      strict: true,
      noEmit: true,
      incremental: true,
      isolatedModules: true,
      esModuleInterop: true,
      skipLibCheck: true,
      forceConsistentCasingInFileNames: true,
      types: ['node', 'jest'],
    },
    include: ['src/**/*.ts', 'test/**/*.ts'],
  };
  return new Map([
    ['package.json', `${JSON.stringify(packageJson, null, 2)}\n`],
    ['tsconfig.json', `${JSON.stringify(tsconfig, null, 2)}\n`],
    ['cdk8s.yaml', [
      'language: typescript',
      '# With the cdk8s CLI (npm install -D cdk8s-cli), `cdk8s synth` runs the app through timonel',
      '# (clean errors, type-checked); it writes dist/ itself.',
      'app: npx timonel synth',
      '# The cdk8s CLI empties its output folder first, so it gets one of its own.',
      'output: .cdk8s.out',
      '',
    ].join('\n')],
    ['jest.config.js', [
      "/** @type {import('jest').Config} */",
      'module.exports = {',
      "  testEnvironment: 'node',",
      "  roots: ['<rootDir>/test'],",
      "  transform: { '^.+\\\\.ts$': 'ts-jest' },",
      '};',
      '',
    ].join('\n')],
    ['.gitignore', ['node_modules/', '.cdk8s.out/', '*.tsbuildinfo', 'dist.tmp-*/', 'dist.old-*/', ''].join('\n')],
    ['src/chart.ts', [
      "import { Construct } from 'constructs';",
      "import { TimonelChart, WebApp } from 'timonel';",
      '',
      `/** The ${name} chart: namespace '${name}', one web app. */`,
      `export function ${camel(name)}Chart(scope: Construct): TimonelChart {`,
      `  const chart = new TimonelChart(scope, '${name}', { namespace: '${name}' });`,
      "  new WebApp(chart, 'web', {",
      "    image: 'nginxinc/nginx-unprivileged:1.27.2',",
      '    port: 8080,',
      "    healthPath: '/',",
      '    isolate: true,',
      '  });',
      '  return chart;',
      '}',
      '',
    ].join('\n')],
    ['src/main.ts', [
      '// `npm run synth` (timonel synth) runs this file and writes the YAML to dist/.',
      "import { App } from 'timonel';",
      `import { ${camel(name)}Chart } from './chart';`,
      '',
      'const app = new App();',
      `${camel(name)}Chart(app);`,
      'app.synth();',
      '',
    ].join('\n')],
    ['test/chart.test.ts', [
      "import { App } from 'timonel';",
      "import { synth } from 'timonel/testing';",
      "import 'timonel/testing/jest';",
      `import { ${camel(name)}Chart } from '../src/chart';`,
      '',
      "test('the chart renders as before', () => {",
      `  // synth() renders the objects in apply order, policies enforced, without writing dist/.`,
      `  expect(synth(${camel(name)}Chart(new App()))).toMatchSnapshot();`,
      '});',
      '',
      "test('the chart passes the restricted policies', () => {",
      `  expect(${camel(name)}Chart(new App())).toPassPolicies();`,
      '});',
      '',
    ].join('\n')],
    ['README.md', [
      `# ${name}`,
      '',
      'Kubernetes manifests built with [timonel](https://www.npmjs.com/package/timonel) on cdk8s.',
      '',
      '```sh',
      'npm install',
      'npm run synth   # type-checks src/, then writes dist/: one YAML file per chart and a kustomization.yaml',
      'npm test        # type-checks and runs the snapshot test in test/',
      '```',
      '',
      'Apply in order with `kubectl apply -k dist/`. `npm run synth` replaces dist/ as a whole and refuses',
      'to when it holds files it did not write. The first `npm test` records the snapshot in',
      '`test/__snapshots__/`: commit it; later runs show what changed in the YAML.',
      '',
    ].join('\n')],
  ]);
}

/** `my-shop` -> `myShop`. */
function camel(name: string): string {
  return name.replace(/-([a-z0-9])/g, (_m, c: string) => c.toUpperCase()).replace(/-/g, '');
}
