/**
 * Summarizes a V8 `.cpuprofile` (from `node --cpu-prof`, e.g. `npm run bench -- --sizes 2000
 * --variants timonel --node-arg=--cpu-prof --node-arg=--cpu-prof-dir=/tmp/prof`): the top
 * functions by self time, self time by module (package or source file), and the total time under
 * the functions named with `--under name,name` (inclusive, counted once per sample).
 *
 * Usage: tsx bench/profile-summary.ts <file.cpuprofile> [--top 25] [--under synth,render]
 */
import * as fs from 'fs';

interface CallFrame { functionName: string; url: string; lineNumber: number }
interface ProfileNode { id: number; callFrame: CallFrame; children?: number[] }
interface Profile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[]; startTime: number; endTime: number }

const [file, ...rest] = process.argv.slice(2);
if (!file) {
  process.stderr.write('usage: tsx bench/profile-summary.ts <file.cpuprofile> [--top 25] [--under fn,fn]\n');
  process.exit(2);
}
const top = Number(rest[rest.indexOf('--top') + 1]) || 25;
const under = rest.includes('--under') ? rest[rest.indexOf('--under') + 1].split(',') : [];

const profile: Profile = JSON.parse(fs.readFileSync(file, 'utf8'));
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

// Time per sample: the delta to the next sample (V8's own convention in DevTools).
const selfUs = new Map<number, number>();
let totalUs = 0;
profile.samples.forEach((id, i) => {
  const dt = profile.timeDeltas[i + 1] ?? 0;
  selfUs.set(id, (selfUs.get(id) ?? 0) + dt);
  totalUs += dt;
});

const label = (f: CallFrame) => `${f.functionName || '(anonymous)'} ${shortUrl(f.url)}${f.url ? `:${f.lineNumber + 1}` : ''}`;
function shortUrl(url: string): string {
  const u = url.replace(/^file:\/\//, '');
  const nm = u.lastIndexOf('node_modules/');
  if (nm >= 0) return u.slice(nm + 'node_modules/'.length);
  const m = u.match(/\/(src|bench|imports)\/.*$/);
  return m ? m[0].slice(1) : u;
}
function moduleOf(f: CallFrame): string {
  const u = shortUrl(f.url);
  if (!u) return f.functionName.startsWith('(') ? f.functionName : '(native)';
  if (u.startsWith('node:')) return 'node internals';
  const parts = u.split('/');
  if (/^(src|bench|imports)$/.test(parts[0])) return u;
  return parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
}

const selfByLabel = new Map<string, number>();
const selfByModule = new Map<string, number>();
for (const [id, us] of selfUs) {
  const f = byId.get(id)!.callFrame;
  selfByLabel.set(label(f), (selfByLabel.get(label(f)) ?? 0) + us);
  selfByModule.set(moduleOf(f), (selfByModule.get(moduleOf(f)) ?? 0) + us);
}

const pct = (us: number) => `${((100 * us) / totalUs).toFixed(1).padStart(5)}%`;
const ms = (us: number) => `${(us / 1000).toFixed(0).padStart(6)} ms`;
process.stdout.write(`${file}: ${(totalUs / 1e6).toFixed(2)} s sampled\n\nTop self time\n`);
for (const [l, us] of [...selfByLabel].sort((a, b) => b[1] - a[1]).slice(0, top)) process.stdout.write(`${ms(us)} ${pct(us)}  ${l}\n`);
process.stdout.write('\nSelf time by module\n');
for (const [l, us] of [...selfByModule].sort((a, b) => b[1] - a[1]).slice(0, top)) process.stdout.write(`${ms(us)} ${pct(us)}  ${l}\n`);

if (under.length) {
  process.stdout.write('\nInclusive time (samples with the function on the stack)\n');
  for (const name of under) {
    let us = 0;
    for (const [id, t] of selfUs) {
      for (let x: number | undefined = id; x !== undefined; x = parent.get(x)) {
        if (byId.get(x)!.callFrame.functionName === name) { us += t; break; }
      }
    }
    process.stdout.write(`${ms(us)} ${pct(us)}  ${name}\n`);
  }
}
