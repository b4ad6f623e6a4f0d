import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

// docs/api is generated from the TSDoc comments of src/index.ts (`npm run docs:api`): regenerated
// here into a temporary folder, it must match what is checked in.
const ROOT = path.resolve(__dirname, '..', '..');
const TYPEDOC = path.join(ROOT, 'node_modules', 'typedoc', 'bin', 'typedoc');

function readTree(dir: string, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const rel = `${prefix}${e.name}`;
    if (e.isDirectory()) Object.assign(out, readTree(path.join(dir, e.name), `${rel}/`));
    else out[rel] = fs.readFileSync(path.join(dir, e.name), 'utf8');
  }
  return out;
}

test('docs/api is up to date with the TSDoc of the public API (else: npm run docs:api, and commit docs/api)', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'timonel-api-'));
  try {
    const r = spawnSync(process.execPath, [TYPEDOC, '--out', tmp, '--logLevel', 'Error'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
    expect(`${r.stdout}${r.stderr}`.trim()).toBe('');
    expect(r.status).toBe(0);
    expect(readTree(tmp)).toEqual(readTree(path.join(ROOT, 'docs', 'api')));
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}, 120_000);
