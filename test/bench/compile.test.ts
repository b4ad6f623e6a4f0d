import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { compileTo } from '../../bench/compile';

const ROOT = path.join(__dirname, '../..');

// What `npm run bench` runs: the transpiled copy, as plain node, outside the repository.
describe('bench/compile', () => {
  let tmp: string;
  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'timonel-bench-compile-'));
    compileTo(ROOT, path.join(tmp, 'build'));
  }, 60_000);
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  test('keeps the layout of src/, bench/ and the generated bindings in imports/', () => {
    for (const file of ['src/index.js', 'src/app/delivery.js', 'bench/child.js', 'imports/argoproj.io.js', 'imports/kustomize.toolkit.fluxcd.io.js']) {
      expect(fs.existsSync(path.join(tmp, 'build', file))).toBe(true);
    }
  });

  test('a bench child runs from the copy and synthesizes a small platform', () => {
    const out = path.join(tmp, 'out');
    const result = path.join(tmp, 'result.json');
    const r = spawnSync(process.execPath, [path.join(tmp, 'build', 'bench', 'child.js'), 'timonel', '2', out, result], {
      encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '', TIMONEL_OUTDIR: '' }, timeout: 120_000,
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(JSON.parse(fs.readFileSync(result, 'utf8')).synthMs).toBeGreaterThan(0);
    expect(fs.readdirSync(out)).toEqual(expect.arrayContaining(['svc-0.k8s.yaml', 'kustomization.yaml']));
    // The traffic evaluator's child reads that output and asks one path per service.
    const evaluated = path.join(tmp, 'evaluate.json');
    const e = spawnSync(process.execPath, [path.join(tmp, 'build', 'bench', 'child.js'), 'evaluate', '2', out, evaluated], {
      encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' }, timeout: 120_000,
    });
    expect(e.stderr).toBe('');
    expect(e.status).toBe(0);
    expect(JSON.parse(fs.readFileSync(evaluated, 'utf8')).synthMs).toBeGreaterThan(0);
  }, 120_000);
});
