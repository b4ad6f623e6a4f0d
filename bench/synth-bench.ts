/**
 * `npm run bench`: timonel's synthesis against plain cdk8s, as ratios measured in one run
 * (issue 16). See bench/README.md.
 *
 * Every measurement is a fresh child process (`child.ts`, run as plain `node` on a transpiled
 * copy of the sources): wall time is measured here, from spawn to exit; peak RSS and CPU time
 * come from the child's `process.resourceUsage()`. Each repetition goes round every size, with
 * timonel and plain cdk8s one right after the other (alternating which goes first), so that the
 * slow drifts of a shared machine reach both sides of each ratio alike; a ratio is the median
 * over the repetitions of the ratio within each repetition.
 *
 * Options: --pairs k (repetitions, default 3)  --quick (skip N=5000 and 10,000)
 *          --timeout s (per child, default 600)  --out file  --no-save  --strict (exit 1 on a failure)
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { ChildResult, Variant } from './child';
import { compareDirs, countOutput } from './compare';
import { compileTo } from './compile';
import { OUTPUT_MARKER } from '../src/app/publish';

const ROOT = path.resolve(__dirname, '..');
/** Sizes measured for timonel and plain cdk8s, in pairs. */
const PAIRED_SIZES = [1000, 2000];
/** Sizes measured for timonel only (plain cdk8s would take hours). */
const LARGE_SIZES = [5000, 10000];
const TARGETS = { n: 2000, speedup: 12, doubling: 2.2, rssMB: 400, largeN: 10000, largeRssMB: 1024 };
/** What timonel writes beside the chart files and plain cdk8s does not. */
const TIMONEL_ONLY = ['kustomization.yaml', OUTPUT_MARKER];

interface Options {
  readonly pairs: number;
  readonly quick: boolean;
  readonly timeoutS: number;
  readonly out?: string;
  readonly save: boolean;
  readonly strict: boolean;
}

interface Run {
  readonly variant: Variant;
  readonly n: number;
  readonly repetition: number;
  readonly wallMs: number;
  readonly result?: ChildResult;
  readonly error?: string;
}

/** One variant at one N over its runs: medians of the times, the maximum of the peak RSS. */
interface Stats {
  readonly runs: number;
  readonly wallMs: { readonly median: number; readonly min: number; readonly max: number; readonly each: number[] };
  readonly synthMs: number;
  readonly cpuMs: number;
  readonly peakRssMB: number;
}

interface Figure {
  readonly n: number;
  readonly files?: number;
  readonly objects?: number;
  readonly timonel?: Stats;
  readonly plain?: Stats;
  /** Median over the repetitions of plain's wall time over timonel's. */
  readonly plainOverTimonel?: Ratio;
}

interface Ratio {
  readonly median: number;
  readonly each: number[];
  /**
   * The same for the processes' CPU time (user + system, all threads): what other processes on a
   * shared machine disturb least. Not a target; it tells a busy machine from a real change.
   */
  readonly cpuMedian: number;
}

/** timonel's time(to)/time(from), paired within each repetition. */
interface Scaling extends Ratio {
  readonly from: number;
  readonly to: number;
}

interface Verdict {
  readonly name: string;
  readonly value: string;
  readonly verdict: 'PASS' | 'FAIL' | 'n/a';
}

function parseArgs(argv: string[]): Options {
  const o = { pairs: 3, quick: false, timeoutS: 600, out: undefined as string | undefined, save: true, strict: false };
  const positive = (flag: string, v: string | undefined): number => {
    const x = Number(v);
    if (!Number.isFinite(x) || x <= 0) usage(`${flag} needs a positive number, got '${v}'`);
    return x;
  };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].includes('=') ? argv[i].split(/=(.*)/s, 2) : [argv[i], undefined];
    const value = () => inline ?? argv[++i];
    switch (flag) {
      case '--pairs': o.pairs = Math.round(positive(flag, value())); break;
      case '--quick': o.quick = true; break;
      case '--timeout': o.timeoutS = positive(flag, value()); break;
      case '--out': o.out = path.resolve(value()); break;
      case '--no-save': o.save = false; break;
      case '--strict': o.strict = true; break;
      case '--help': case '-h': usage(); break;
      default: usage(`unknown option '${argv[i]}'`);
    }
  }
  return o;
}

function usage(problem?: string): never {
  if (problem) process.stderr.write(`bench: ${problem}\n`);
  process.stderr.write('usage: npm run bench -- [--pairs k] [--quick] [--timeout s] [--out file] [--no-save] [--strict]\n');
  process.exit(problem ? 2 : 0);
}

function main(): void {
  const opts = parseArgs(process.argv.slice(2));
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'timonel-bench-'));
  let failed: boolean;
  try {
    failed = bench(opts, tmp);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  if (opts.strict && failed) process.exit(1);
}

/** Runs everything; returns true when a target failed or a child failed. */
function bench(opts: Options, tmp: string): boolean {
  const started = new Date();
  const commit = commitOf(ROOT);
  const build = path.join(tmp, 'build');
  compileTo(ROOT, build);
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of ['CDK8S_OUTDIR', 'CDK8S_RECORD_CONSTRUCT_METADATA', 'TIMONEL_OUTDIR', 'NODE_OPTIONS']) delete env[k];

  const runs: Run[] = [];
  let seq = 0;
  const run = (variant: Variant, n: number, repetition: number, outdir: string): Run => {
    const id = seq++;
    const resultFile = path.join(tmp, `result-${id}.json`);
    const stderrFile = path.join(tmp, `stderr-${id}.log`);
    const fd = fs.openSync(stderrFile, 'w');
    const start = process.hrtime.bigint();
    const r = spawnSync(process.execPath, [path.join(build, 'bench', 'child.js'), variant, String(n), outdir, resultFile], {
      cwd: ROOT, env, stdio: ['ignore', 'ignore', fd], timeout: opts.timeoutS * 1000, killSignal: 'SIGKILL',
    });
    const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
    fs.closeSync(fd);
    let x: Run = { variant, n, repetition, wallMs };
    if (r.status === 0 && fs.existsSync(resultFile)) {
      x = { ...x, result: JSON.parse(fs.readFileSync(resultFile, 'utf8')) };
    } else {
      const tail = fs.readFileSync(stderrFile, 'utf8').trim().split('\n').slice(-10).join('\n');
      const why = (r.error as NodeJS.ErrnoException | undefined)?.code === 'ETIMEDOUT' ? `timed out after ${opts.timeoutS} s` : `exited with ${r.status ?? r.signal}`;
      x = { ...x, error: `${why}\n${tail}` };
    }
    runs.push(x);
    log(`N=${n} ${variant} #${repetition + 1}: ${x.result ? `${sec(wallMs)} s, peak RSS ${mb(x.result.maxRssKB / 1024)} MB` : `FAILED ${x.error}`}`);
    return x;
  };

  const sizes = opts.quick ? PAIRED_SIZES : [...PAIRED_SIZES, ...LARGE_SIZES];
  const counts = new Map<number, { files: number; objects: number }>();
  const identity: Verdict[] = [];
  const compare = (n: number, a: string, b: string, against: string) => {
    const diff = compareDirs(a, b, TIMONEL_ONLY);
    identity.push({ name: `N=${n}: timonel's files = ${against}'s`, value: diff ?? 'byte-identical', verdict: diff ? 'FAIL' : 'PASS' });
  };
  const cpu = os.cpus();
  log(`node ${process.version}, ${cpu.length} CPUs (${cpu[0]?.model ?? '?'}); sizes ${sizes.join(', ')}; ${opts.pairs} repetitions`);

  for (let rep = 0; rep < opts.pairs; rep++) {
    for (const n of sizes) {
      const dir = path.join(tmp, `n${n}-${rep}`);
      const out = (v: Variant) => path.join(dir, v);
      const paired = PAIRED_SIZES.includes(n);
      const variants: Variant[] = !paired ? ['timonel'] : rep % 2 ? ['plain', 'timonel'] : ['timonel', 'plain'];
      const ok = new Set(variants.filter((v) => run(v, n, rep, out(v)).result));
      // The traffic evaluator over what timonel wrote: a test of a large platform.
      if (paired && ok.has('timonel')) run('evaluate', n, rep, out('timonel'));
      if (rep === 0 && ok.has('timonel')) {
        counts.set(n, countOutput(out('timonel'), TIMONEL_ONLY));
        if (ok.has('plain')) compare(n, out('timonel'), out('plain'), 'plain cdk8s');
        // The stand-in for plain cdk8s at the largest N is itself checked at the smallest.
        if (n === sizes[0] || (!paired && n === sizes[sizes.length - 1])) {
          if (run('plain-per-chart', n, rep, out('plain-per-chart')).result) {
            compare(n, out('timonel'), out('plain-per-chart'), 'plain cdk8s per chart');
          }
        }
      }
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }

  const measured = runs.filter((r) => r.variant === 'timonel' || r.variant === 'plain');
  const figures: Figure[] = sizes.map((n) => {
    const t = stats(measured.filter((r) => r.n === n && r.variant === 'timonel'));
    const p = stats(measured.filter((r) => r.n === n && r.variant === 'plain'));
    return { n, ...counts.get(n), timonel: t, plain: p, plainOverTimonel: pairedRatio(measured, n, 'plain', n, 'timonel') };
  });
  const scaling: Scaling[] = sizes.filter((n) => sizes.includes(n / 2)).flatMap((n) => {
    const r = pairedRatio(measured, n, 'timonel', n / 2, 'timonel');
    return r ? [{ from: n / 2, to: n, ...r }] : [];
  });
  const evaluation = evaluationScaling(runs);
  const targets = [...judge(figures, scaling, opts.quick), ...identity, evaluationVerdict(evaluation)];
  const childFailed = runs.some((r) => r.error);

  printReport(figures, scaling, targets, childFailed);
  const durationS = (Date.now() - started.getTime()) / 1000;
  const record = {
    date: started.toISOString(),
    ...commit,
    command: `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim().replace(/ --$/, ''),
    machine: {
      cpus: cpu.length,
      model: cpu[0]?.model,
      memoryMB: Math.round(os.totalmem() / 2 ** 20),
      node: process.version,
      os: `${os.type()} ${os.release()} ${os.arch()}`,
      loadAverageAtStart: loadAtStart,
    },
    repetitions: opts.pairs,
    durationS: Math.round(durationS),
    figures,
    scaling,
    evaluation,
    targets,
    failedRuns: runs.filter((r) => r.error).map(({ variant, n, repetition, error }) => ({ variant, n, repetition, error })),
    plainPerChart: runs.filter((r) => r.variant === 'plain-per-chart').map((r) => ({ n: r.n, wallMs: round(r.wallMs) })),
  };
  if (opts.save) {
    const file = opts.out ?? freeName(path.join(ROOT, 'bench', 'results'), `${started.toISOString().slice(0, 10)}-${record.commit}${opts.quick ? '-quick' : ''}`);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, `${JSON.stringify(record, null, 2)}\n`);
    process.stdout.write(`\nwrote ${path.relative(process.cwd(), file)}\n`);
  }
  process.stdout.write(`bench took ${Math.floor(durationS / 60)} min ${Math.round(durationS % 60)} s\n`);
  return childFailed || targets.some((t) => t.verdict === 'FAIL');
}

const loadAtStart = os.loadavg().map((x) => Number(x.toFixed(2)));

function stats(runs: Run[]): Stats | undefined {
  const good = runs.filter((r) => r.result);
  if (!good.length) return undefined;
  const walls = good.map((r) => r.wallMs);
  return {
    runs: good.length,
    wallMs: { median: round(median(walls)), min: round(Math.min(...walls)), max: round(Math.max(...walls)), each: walls.map(round) },
    synthMs: round(median(good.map((r) => r.result!.synthMs))),
    cpuMs: round(median(good.map((r) => r.result!.cpuMs))),
    // Peak RSS depends on when V8 happens to run a full GC: the worst run counts.
    peakRssMB: round(Math.max(...good.map((r) => r.result!.maxRssKB / 1024))),
  };
}

/** The median over repetitions of a's wall time (and CPU time) over b's in the same repetition. */
function pairedRatio(runs: Run[], na: number, va: Variant, nb: number, vb: Variant): Ratio | undefined {
  const find = (n: number, v: Variant, rep: number) => runs.find((r) => r.n === n && r.variant === v && r.repetition === rep && r.result);
  const each: number[] = [];
  const cpu: number[] = [];
  for (const a of runs) {
    if (a.n !== na || a.variant !== va || !a.result) continue;
    const b = find(nb, vb, a.repetition);
    if (!b) continue;
    each.push(Number((a.wallMs / b.wallMs).toFixed(3)));
    cpu.push(a.result.cpuMs / b.result!.cpuMs);
  }
  return each.length ? { median: Number(median(each).toFixed(3)), each, cpuMedian: Number(median(cpu).toFixed(3)) } : undefined;
}

/**
 * `TrafficEvaluator.fromManifests` plus one query per service over timonel's output at N=2000
 * against N=1000: its own time in the child (`synthMs`), not the process's, since reading the
 * YAML is not the evaluator's. The median over repetitions of the ratio within each.
 */
interface EvaluationScaling {
  readonly ms: Record<number, number>;
  readonly ratio?: number;
  readonly each: number[];
}

function evaluationScaling(runs: Run[]): EvaluationScaling {
  const [from, to] = PAIRED_SIZES;
  const of = (n: number) => runs.filter((r) => r.variant === 'evaluate' && r.n === n && r.result);
  const each = of(to).flatMap((a) => {
    const b = of(from).find((r) => r.repetition === a.repetition);
    return b ? [Number((a.result!.synthMs / b.result!.synthMs).toFixed(3))] : [];
  });
  const ms = Object.fromEntries(PAIRED_SIZES.map((n) => [n, round(median(of(n).map((r) => r.result!.synthMs)))]));
  return { ms, ratio: each.length ? Number(median(each).toFixed(3)) : undefined, each };
}

function evaluationVerdict(e: EvaluationScaling): Verdict {
  const [from, to] = PAIRED_SIZES;
  const name = `TrafficEvaluator time(${to})/time(${from}) ≤ ${TARGETS.doubling}`;
  return e.ratio === undefined ? { name, value: 'not measured', verdict: 'FAIL' }
    : { name, value: `${e.ratio.toFixed(2)}× (${e.ms[from]} ms, ${e.ms[to]} ms)`, verdict: e.ratio <= TARGETS.doubling ? 'PASS' : 'FAIL' };
}

function judge(figures: Figure[], scaling: Scaling[], quick: boolean): Verdict[] {
  const at = (n: number) => figures.find((f) => f.n === n);
  const v = (name: string, value: number | undefined, pass: (x: number) => boolean, show: (x: number) => string, skipped = false): Verdict =>
    value === undefined
      ? { name, value: skipped ? 'not run (--quick)' : 'not measured', verdict: skipped ? 'n/a' : 'FAIL' }
      : { name, value: show(value), verdict: pass(value) ? 'PASS' : 'FAIL' };
  const x = (r: number) => `${r.toFixed(2)}×`;
  const MB = (r: number) => `${r.toFixed(0)} MB`;
  const doubling = (to: number) => scaling.find((s) => s.to === to)?.median;
  const { n, largeN } = TARGETS;
  return [
    v(`N=${n}: plain cdk8s / timonel ≥ ${TARGETS.speedup} (median of paired runs)`, at(n)?.plainOverTimonel?.median, (r) => r >= TARGETS.speedup, x),
    v(`N=${n}: timonel peak RSS ≤ ${TARGETS.rssMB} MB`, at(n)?.timonel?.peakRssMB, (r) => r <= TARGETS.rssMB, MB),
    v(`timonel time(${n})/time(${n / 2}) ≤ ${TARGETS.doubling}`, doubling(n), (r) => r <= TARGETS.doubling, x),
    v(`timonel time(${largeN})/time(${largeN / 2}) ≤ ${TARGETS.doubling}`, doubling(largeN), (r) => r <= TARGETS.doubling, x, quick),
    v(`N=${largeN}: timonel peak RSS ≤ ${TARGETS.largeRssMB} MB`, at(largeN)?.timonel?.peakRssMB, (r) => r <= TARGETS.largeRssMB, MB, quick),
  ];
}

function printReport(figures: Figure[], scaling: Scaling[], targets: Verdict[], childFailed: boolean): void {
  const header = ['N', 'objects', 'timonel s', '(min-max)', 'plain cdk8s s', 'plain/timonel', '(cpu)', 'timonel RSS MB', 'plain RSS MB'];
  const body = figures.map((f) => [
    String(f.n),
    String(f.objects ?? '-'),
    f.timonel ? sec(f.timonel.wallMs.median) : 'failed',
    f.timonel ? `(${sec(f.timonel.wallMs.min)}-${sec(f.timonel.wallMs.max)})` : '',
    f.plain ? sec(f.plain.wallMs.median) : '-',
    f.plainOverTimonel ? `${f.plainOverTimonel.median.toFixed(1)}×` : '-',
    f.plainOverTimonel ? `(${f.plainOverTimonel.cpuMedian.toFixed(1)}×)` : '',
    f.timonel ? mb(f.timonel.peakRssMB) : '-',
    f.plain ? mb(f.plain.peakRssMB) : '-',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padStart(widths[i])).join('  ');
  process.stdout.write(`\n${line(header)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}\n`);
  for (const b of body) process.stdout.write(`${line(b)}\n`);
  process.stdout.write('Times: whole process (node startup to exit), median of the runs; RSS: the highest peak of the runs;\n'
    + 'plain/timonel: median of the ratios within each repetition; (cpu): the same for CPU time, not a target.\n');
  for (const s of scaling) {
    process.stdout.write(`timonel time(${s.to})/time(${s.from}): ${s.median.toFixed(2)} (each repetition: ${s.each.join(', ')}; cpu ${s.cpuMedian.toFixed(2)})\n`);
  }
  process.stdout.write('\nTargets\n');
  for (const t of targets) process.stdout.write(`  ${t.verdict.padEnd(4)}  ${t.name}: ${t.value}\n`);
  if (childFailed) process.stdout.write('  FAIL  a child process failed (see above)\n');
}

/** The commit measured, and whether the working tree had changes. */
function commitOf(root: string): { commit: string; dirty: boolean } {
  try {
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
    const status = execFileSync('git', ['status', '--porcelain', '--', 'src', 'bench', 'imports', 'package-lock.json'], { cwd: root, encoding: 'utf8' });
    return { commit, dirty: status.split('\n').some((l) => l.trim() && !l.includes('bench/results/')) };
  } catch {
    return { commit: 'unknown', dirty: true };
  }
}

/** `<dir>/<base>.json`, or `<base>-2.json`, … when that exists. */
function freeName(dir: string, base: string): string {
  for (let i = 1; ; i++) {
    const file = path.join(dir, `${base}${i > 1 ? `-${i}` : ''}.json`);
    if (!fs.existsSync(file)) return file;
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function round(x: number): number {
  return Math.round(x);
}

function sec(ms: number): string {
  return (ms / 1000).toFixed(ms < 10000 ? 2 : 1);
}

function mb(x: number): string {
  return x.toFixed(0);
}

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

main();
