import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { run } from '../../src/cli/main';

const ROOT = path.join(__dirname, '../..');
const OWN = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));

let tmp: string;
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'timonel-init-'));
});
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Every file under `dir`, relative path to text. */
function files(dir: string, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const rel = `${prefix}${e.name}`;
    if (e.isDirectory()) Object.assign(out, files(path.join(dir, e.name), `${rel}/`));
    else out[rel] = fs.readFileSync(path.join(dir, e.name), 'utf8');
  }
  return out;
}

describe('timonel init', () => {
  test('scaffolds a project: package.json, cdk8s.yaml, tsconfig, one WebApp, a snapshot test, .gitignore, README', async () => {
    const r = await run(['init', 'shop'], tmp);
    expect(r.exitCode).toBe(0);
    const made = files(path.join(tmp, 'shop'));
    expect(Object.keys(made).sort()).toEqual([
      '.gitignore', 'README.md', 'cdk8s.yaml', 'jest.config.js', 'package.json', 'src/chart.ts', 'src/main.ts', 'test/chart.test.ts', 'tsconfig.json',
    ]);
    expect(made['src/chart.ts']).toContain("export function shopChart(scope: Construct): TimonelChart {\n  const chart = new TimonelChart(scope, 'shop', { namespace: 'shop' });\n  new WebApp(chart, 'web', {");
    expect(made['src/main.ts']).toContain("import { App } from 'timonel';");
    expect(made['test/chart.test.ts']).toContain('expect(synth(shopChart(new App()))).toMatchSnapshot();');
    expect(made['cdk8s.yaml']).toMatch(/^app: npx timonel synth$/m);
    expect(made['README.md']).toContain('npm run synth');
    expect(made['.gitignore'].split('\n')).toEqual(expect.arrayContaining(['node_modules/', '.cdk8s.out/', '*.tsbuildinfo']));
    expect(r.stdout).toContain('  cd shop\n  npm install     # until timonel is on the registry: npm install <path to>/timonel-<version>.tgz\n  npm run synth');
  });

  test('package.json: timonel and its peers at the versions this timonel is tested with; synth and test scripts', async () => {
    await run(['init', 'shop'], tmp);
    const pkg = JSON.parse(fs.readFileSync(path.join(tmp, 'shop', 'package.json'), 'utf8'));
    const dev = OWN.devDependencies;
    expect(pkg.dependencies).toEqual({
      'cdk8s': `~${dev.cdk8s.split('.').slice(0, 2).join('.')}.0`,
      'cdk8s-plus-28': `^${dev['cdk8s-plus-28']}`,
      'constructs': `^${dev.constructs}`,
      'timonel': `^${OWN.version}`,
    });
    expect(pkg.scripts).toEqual({ synth: 'timonel synth', test: 'tsc && jest', check: 'timonel check dist' });
    expect(Object.keys(pkg.devDependencies).sort()).toEqual(['@types/jest', '@types/node', 'jest', 'ts-jest', 'typescript']);
  });

  test('the folder name becomes the package name, namespace and chart function', async () => {
    await run(['init', 'My Shop_2'], tmp);
    const made = files(path.join(tmp, 'My Shop_2'));
    expect(JSON.parse(made['package.json']).name).toBe('my-shop-2');
    expect(made['src/chart.ts']).toContain("export function myShop2Chart(scope: Construct): TimonelChart {\n  const chart = new TimonelChart(scope, 'my-shop-2', { namespace: 'my-shop-2' });");
  });

  test('scaffolds into the current folder when it is empty (a .git folder is fine)', async () => {
    const dir = path.join(tmp, 'demo');
    fs.mkdirSync(path.join(dir, '.git'), { recursive: true });
    expect((await run(['init'], dir)).exitCode).toBe(0);
    expect(fs.existsSync(path.join(dir, 'src', 'main.ts'))).toBe(true);
  });

  test('fails when the folder is not empty, and writes nothing', async () => {
    const dir = path.join(tmp, 'demo');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'mine');
    const r = await run(['init', 'demo'], tmp);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toBe(`timonel: ${dir} is not empty (notes.txt): init a new project in an empty or new folder\nRun 'timonel --help' for usage.\n`);
    expect(fs.readdirSync(dir)).toEqual(['notes.txt']);
  });
});
