/**
 * Times the phases of timonel's `App.synth()` on the bench platform, in this process: build,
 * synthesizeApp (validate, dependencies, order, toJson), the policies, the duplicate check, and
 * YAML + publish (one file at a time, written on this thread). One after the other: `App.synth()`
 * itself runs the checks while a worker thread writes the files (from 64 charts on). For finding
 * where time goes; `npm run bench` gives the figures that count.
 *
 * Usage: tsx bench/phases.ts [N=2000]   (with `node --expose-gc --import tsx`: live heap after each phase)
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from '../src/app/app';
import { checkDuplicates } from '../src/app/duplicates';
import { renderEntries } from '../src/app/kustomization';
import { publish } from '../src/synth/publish';
import { synthesizeApp } from '../src/synth/synth';
import { enforcePolicies, PolicySubject } from '../src/policies';
import { buildBenchPlatform } from './platform';

const n = Number(process.argv[2] ?? 2000);
const gc = (globalThis as { gc?: () => void }).gc;
const heap = () => {
  if (!gc) return '';
  gc();
  return ` heap ${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(0)} MB`;
};
const out = fs.mkdtempSync(path.join(os.tmpdir(), 'timonel-phases-'));
let t = performance.now();
const lap = (name: string) => {
  const now = performance.now();
  process.stdout.write(`${name.padEnd(16)} ${(now - t).toFixed(0).padStart(6)} ms${heap()}\n`);
  t = performance.now();
};
lap('load');
const app = new App({ outdir: path.join(out, 'dist') });
buildBenchPlatform(app, n);
lap('build');
const synthesis = synthesizeApp(app);
lap('synthesizeApp');
const subjects: PolicySubject[] = [];
for (const c of synthesis.charts) {
  c.docs.forEach((manifest, i) => subjects.push({ manifest, constructPath: c.sources[i]?.node.path, file: c.fileName, scope: c.chart }));
}
const warnings = enforcePolicies(subjects);
lap('policies');
checkDuplicates(synthesis.charts);
lap('checkDuplicates');
publish(path.join(out, 'dist'), renderEntries(synthesis.charts));
lap('yaml + publish');
process.stdout.write(`${n} services, ${subjects.length} objects, ${warnings.length} warnings, peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB\n`);
fs.rmSync(out, { recursive: true, force: true });
