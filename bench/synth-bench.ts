/**
 * `npm run bench`: how synthesis scales, each measurement in a fresh process.
 *
 * For N services (default 250, 500, 1000, 2000; see `platform.ts`) it measures, each in its own
 * child process so that wall time and peak memory belong to that measurement alone:
 *
 * - timonel: node startup + building the constructs + timonel `App.synth()` into a temp folder;
 * - plain:   the same construct tree in a plain cdk8s `App`, plain `App.synth()` (quadratic);
 * - floor:   the exact documents timonel writes (precomputed once per N as JSON, not timed),
 *            loaded, serialized with cdk8s `Yaml.stringify` and written one file per chart;
 * - floor-emit: the same with timonel's own serializer (`stringifyDocs`, same bytes): the floor
 *            of what is left once serializing is cheap. Reported, not a target.
 *
 * Wall time is measured by this process around the child (spawn to exit); the child reports its
 * own phases (modules loaded, build, synth), CPU time and peak RSS (`process.resourceUsage()`).
 * Each time is the minimum of `--repeat k` runs (default 3), and the peak RSS the maximum. The
 * children run as plain `node` on a transpiled copy of the sources (`compile.ts`), not through a
 * TypeScript loader; `--runner tsx` runs them with `node --import tsx` instead.
 *
 * On Linux, each run also records the host's steal time while it ran (`/proc/stat`): the CPU time
 * the hypervisor gave to other guests. A shared 2-core VM can lose a third of its CPU that way,
 * which slows timonel (which keeps both cores busy) more than plain cdk8s (about one core), so
 * the targets' lines say when the measured runs were disturbed.
 *
 * Checks: timonel's output equals plain cdk8s's byte for byte at the smallest N (timonel adds
 * only kustomization.yaml), and the floor's equals timonel's at every N. Then the targets:
 *   1. N=2000: timonel whole-process wall time ≤ 1.5 × the floor's
 *   2. N=2000: timonel ≥ 20 × faster than plain cdk8s (whole process)
 *   3. timonel time(2000) / time(1000) ≤ 2.2 (whole process)
 *   4. N=2000: timonel peak RSS ≤ 400 MB
 * Exit code 0 whatever the outcome, unless `--strict` (then 1 on a failed target, a failed
 * check or a failed child).
 *
 * Options: --sizes 250,500  --repeat k (default 3)  --plain-repeat k (default 3)  --plain-timeout s (600)
 *          --variants timonel,plain,floor,floor-emit  --runner compiled|tsx  --node-arg <arg> (repeatable,
 *          e.g. --cpu-prof)  --json <file> (raw results)  --keep (keep the temp folder)  --strict
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { compareDirs } from './compare';
import { compileTo } from './compile';
import { ChildResult, MS_PER_TICK } from './measure';

const ROOT = path.resolve(__dirname, '..');
const VARIANTS = ['timonel', 'plain', 'floor', 'floor-emit'] as const;
type Variant = typeof VARIANTS[number];

const TARGETS = { floorRatio: 1.5, plainSpeedup: 20, doubling: 2.2, rssMB: 400, n: 2000 };

interface Options {
  readonly sizes: number[];
  readonly repeat: number;
  readonly plainRepeat: number;
  readonly plainTimeoutS: number;
  readonly variants: ReadonlySet<Variant>;
  readonly runner: 'compiled' | 'tsx';
  readonly nodeArgs: string[];
  readonly json?: string;
  readonly keep: boolean;
  readonly strict: boolean;
}

/** One child run. */
interface Run {
  readonly wallMs: number;
  readonly result?: ChildResult;
  readonly timedOut: boolean;
  readonly error?: string;
  readonly warnings: number;
  /** The host's steal time during the run, in % of the machine's CPU time (Linux only). */
  readonly stealPct?: number;
}

/** The figures of one N and variant: the minimum of each time over its runs, the maximum peak RSS. */
interface Row {
  readonly n: number;
  readonly variant: Variant;
  readonly runs: number;
  readonly wallMs?: number;
  /** Wall time of each repetition (for ratios of runs made one after the other). */
  readonly wallsByRepetition: (number | undefined)[];
  /** Slowest over fastest wall time of the runs: how noisy the machine was. */
  readonly spread?: number;
  /** Host steal time during the fastest run (whose wall time is reported), in %. */
  readonly stealPct?: number;
  readonly loadedMs?: number;
  readonly buildMs?: number;
  readonly synthMs?: number;
  readonly rssMB?: number;
  readonly cpuMs?: number;
  readonly objects: number;
  readonly warnings: number;
  /** Set when the variant timed out (then wallMs is undefined and this is the timeout). */
  readonly timedOutAfterMs?: number;
  readonly error?: string;
}

function parseArgs(argv: string[]): Options {
  const o = {
    sizes: [250, 500, 1000, 2000],
    repeat: 3,
    plainRepeat: 3,
    plainTimeoutS: 600,
    variants: new Set<Variant>(VARIANTS),
    runner: 'compiled' as 'compiled' | 'tsx',
    nodeArgs: [] as string[],
    json: undefined as string | undefined,
    keep: false,
    strict: false,
  };
  const positive = (flag: string, v: string | undefined): number => {
    const x = Number(v);
    if (!Number.isFinite(x) || x <= 0) usage(`${flag} needs a positive number, got '${v}'`);
    return x;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const [flag, inline] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const value = () => inline ?? argv[++i];
    switch (flag) {
      case '--sizes': o.sizes = value().split(',').map((s) => positive('--sizes', s)).map(Math.round); break;
      case '--repeat': o.repeat = Math.round(positive('--repeat', value())); break;
      case '--plain-repeat': o.plainRepeat = Math.round(positive('--plain-repeat', value())); break;
      case '--plain-timeout': o.plainTimeoutS = positive('--plain-timeout', value()); break;
      case '--variants': {
        const vs = value().split(',');
        for (const v of vs) if (!(VARIANTS as readonly string[]).includes(v)) usage(`unknown variant '${v}'`);
        o.variants = new Set(vs as Variant[]);
        break;
      }
      case '--runner': {
        const r = value();
        if (r !== 'compiled' && r !== 'tsx') usage(`--runner is 'compiled' or 'tsx', got '${r}'`);
        o.runner = r as 'compiled' | 'tsx';
        break;
      }
      case '--node-arg': o.nodeArgs.push(value()); break;
      case '--json': o.json = path.resolve(value()); break;
      case '--keep': o.keep = true; break;
      case '--strict': o.strict = true; break;
      case '--help': case '-h': usage(); break;
      default: usage(`unknown option '${a}'`);
    }
  }
  o.sizes = [...new Set(o.sizes)].sort((a, b) => a - b);
  return o;
}

function usage(problem?: string): never {
  if (problem) process.stderr.write(`bench: ${problem}\n`);
  process.stderr.write('usage: npm run bench -- [--sizes 250,500,1000,2000] [--repeat k] [--plain-repeat k] [--plain-timeout s]\n'
    + '                       [--variants timonel,plain,floor,floor-emit] [--runner compiled|tsx] [--node-arg arg] [--json file] [--keep] [--strict]\n');
  process.exit(problem ? 2 : 0);
}

function main(): void {
  const opts = parseArgs(process.argv.slice(2));
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'timonel-bench-'));
  let failed = false;
  try {
    failed = bench(opts, tmp);
  } finally {
    if (opts.keep) process.stderr.write(`kept ${tmp}\n`);
    else fs.rmSync(tmp, { recursive: true, force: true });
  }
  if (opts.strict && failed) process.exit(1);
}

/** Runs everything; returns true when a target, a check or a child failed. */
function bench(opts: Options, tmp: string): boolean {
  const build = path.join(tmp, 'build');
  if (opts.runner === 'compiled') {
    const t = Date.now();
    const files = compileTo(ROOT, build);
    log(`transpiled ${files} files to ${build} in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  }
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of ['CDK8S_OUTDIR', 'CDK8S_RECORD_CONSTRUCT_METADATA', 'TIMONEL_OUTDIR', 'NODE_OPTIONS']) delete env[k];

  let seq = 0;
  const runChild = (script: string, n: number, outdir: string, jsonFile?: string, timeoutMs?: number): Run => {
    const id = seq++;
    // --node-arg (e.g. --cpu-prof) applies to the measured children only, not to the precompute.
    const nodeArgs = script === 'run-precompute' ? [] : opts.nodeArgs;
    const resultFile = path.join(tmp, `result-${id}.json`);
    const stderrFile = path.join(tmp, `stderr-${id}.log`);
    const entry = opts.runner === 'compiled'
      ? [...nodeArgs, path.join(build, 'bench', `${script}.js`)]
      : [...nodeArgs, '--import', 'tsx', path.join(ROOT, 'bench', `${script}.ts`)];
    const fd = fs.openSync(stderrFile, 'w');
    const stealBefore = stealTicks();
    const start = process.hrtime.bigint();
    const r = spawnSync(process.execPath, [...entry, String(n), outdir, resultFile, ...(jsonFile ? [jsonFile] : [])], {
      cwd: ROOT, env, stdio: ['ignore', 'ignore', fd], timeout: timeoutMs, killSignal: 'SIGKILL',
    });
    const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
    const stealAfter = stealTicks();
    const stealPct = stealBefore !== undefined && stealAfter !== undefined
      ? (100 * (stealAfter - stealBefore) * MS_PER_TICK) / (wallMs * os.cpus().length)
      : undefined;
    fs.closeSync(fd);
    const stderr = fs.readFileSync(stderrFile, 'utf8');
    const warnings = stderr.split('\n').filter((l) => l.startsWith('warning:')).length;
    const timedOut = (r.error as NodeJS.ErrnoException | undefined)?.code === 'ETIMEDOUT';
    const run = { wallMs, timedOut, warnings, stealPct };
    if (timedOut) return run;
    if (r.status !== 0 || !fs.existsSync(resultFile)) {
      const tail = stderr.trim().split('\n').slice(-15).join('\n');
      return { ...run, error: `${script} exited with ${r.status ?? r.signal}${r.error ? ` (${r.error.message})` : ''}\n${tail}` };
    }
    return { ...run, result: JSON.parse(fs.readFileSync(resultFile, 'utf8')) };
  };

  log(`node ${process.version}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'}), load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  log(`sizes ${opts.sizes.join(', ')}; repeat ${opts.repeat} (plain ${opts.plainRepeat}); runner ${opts.runner}${opts.nodeArgs.length ? ` ${opts.nodeArgs.join(' ')}` : ''}`);

  const rows: Row[] = [];
  const checks: { name: string; ok: boolean; detail: string }[] = [];
  let childFailed = false;

  // Every N's input first (not timed); then each repetition goes round all sizes and variants, so
  // that the slow drifts of a shared machine reach every N and variant alike.
  const sizes = opts.sizes.map((n) => {
    const dir = path.join(tmp, `n${n}`);
    fs.mkdirSync(dir);
    // The floor's input and the object count, outside any measurement.
    const json = path.join(dir, 'objects.json');
    const pre = runChild('run-precompute', n, path.join(dir, 'precompute-out'), json);
    if (!pre.result) throw new Error(`precompute failed for N=${n}: ${pre.error ?? 'timeout'}`);
    fs.rmSync(path.join(dir, 'precompute-out'), { recursive: true, force: true });
    log(`N=${n}: ${pre.result.objects} objects in ${pre.result.files} files (precomputed in ${(pre.wallMs / 1000).toFixed(1)} s)`);
    return { n, dir, json, objects: pre.result.objects ?? 0, runs: new Map<Variant, Run[]>(VARIANTS.map((v) => [v, []])) };
  });

  for (let r = 0; r < opts.repeat; r++) {
    for (const { n, dir, json, runs } of sizes) {
      const outOf = (v: Variant) => path.join(dir, `${v}-${r}`, 'dist');
      for (const v of VARIANTS) {
        if (!opts.variants.has(v)) continue;
        if (v === 'plain' && r >= opts.plainRepeat) continue;
        // A plain run that timed out once will time out again.
        if (v === 'plain' && runs.get('plain')!.some((x) => x.timedOut)) continue;
        const out = outOf(v);
        fs.mkdirSync(path.dirname(out), { recursive: true });
        const run = runChild(`run-${v}`, n, out, v.startsWith('floor') ? json : undefined, v === 'plain' ? opts.plainTimeoutS * 1000 : undefined);
        runs.get(v)![r] = run;
        log(describeRun(n, v, r, run));
        if (run.error) childFailed = true;
      }
      // The first repetition's output is compared; every output is removed once done with.
      const ok = (v: Variant) => runs.get(v)![r]?.result !== undefined;
      for (const floor of ['floor', 'floor-emit'] as const) {
        if (r !== 0 || !ok('timonel') || !ok(floor)) continue;
        const diff = compareDirs(outOf('timonel'), outOf(floor), ['kustomization.yaml']);
        checks.push({ name: `N=${n}: ${floor} output = timonel output`, ok: !diff, detail: diff ?? 'byte-identical' });
      }
      if (r === 0 && n === opts.sizes[0] && ok('timonel') && ok('plain')) {
        const diff = compareDirs(outOf('timonel'), outOf('plain'), ['kustomization.yaml']);
        checks.push({
          name: `N=${n}: timonel output = plain cdk8s output`,
          ok: !diff,
          detail: diff ?? `byte-identical (${fs.readdirSync(outOf('plain')).length} files; timonel adds kustomization.yaml)`,
        });
      }
      for (const v of VARIANTS) fs.rmSync(path.dirname(outOf(v)), { recursive: true, force: true });
    }
  }

  for (const { n, dir, objects, runs } of sizes) {
    fs.rmSync(dir, { recursive: true, force: true });
    for (const v of VARIANTS) {
      if (!opts.variants.has(v)) continue;
      rows.push(aggregate(n, v, objects, runs.get(v)!, v === 'plain' ? opts.plainTimeoutS * 1000 : undefined));
    }
  }

  printTable(rows);
  const targetsFailed = printRatiosAndTargets(rows, opts);
  process.stdout.write('\nChecks\n');
  for (const c of checks) process.stdout.write(`  ${c.ok ? 'OK  ' : 'FAIL'}  ${c.name}: ${c.detail}\n`);
  if (childFailed) process.stdout.write('  FAIL  a child process failed (see above)\n');
  if (opts.json) fs.writeFileSync(opts.json, JSON.stringify({ options: { ...opts, variants: [...opts.variants] }, rows, checks }, null, 2));
  return targetsFailed || childFailed || checks.some((c) => !c.ok);
}

function aggregate(n: number, variant: Variant, objects: number, runs: Run[], timeoutMs?: number): Row {
  const good = runs.filter((r) => r?.result);
  const min = (f: (r: Run) => number) => (good.length ? Math.min(...good.map(f)) : undefined);
  const max = (f: (r: Run) => number) => (good.length ? Math.max(...good.map(f)) : undefined);
  const fastest = good.length ? good.reduce((a, b) => (b.wallMs < a.wallMs ? b : a)) : undefined;
  return {
    n,
    variant,
    runs: good.length,
    wallMs: fastest?.wallMs,
    wallsByRepetition: runs.map((r) => (r?.result ? r.wallMs : undefined)),
    spread: good.length > 1 ? max((r) => r.wallMs)! / min((r) => r.wallMs)! : undefined,
    stealPct: fastest?.stealPct,
    loadedMs: min((r) => r.result!.loadedMs),
    buildMs: min((r) => r.result!.buildMs),
    synthMs: min((r) => r.result!.synthMs),
    // Peak memory is bimodal (it depends on when V8 runs a full GC): the worst run, not the best.
    rssMB: max((r) => r.result!.maxRssKB / 1024),
    cpuMs: min((r) => r.result!.cpuMs),
    objects,
    warnings: Math.max(0, ...good.map((r) => r.warnings)),
    timedOutAfterMs: !good.length && runs.some((r) => r?.timedOut) ? timeoutMs : undefined,
    error: good.length ? undefined : runs.find((r) => r?.error)?.error?.split('\n')[0],
  };
}

function describeRun(n: number, v: Variant, r: number, run: Run): string {
  const head = `N=${n} ${v} #${r + 1}:`;
  if (run.timedOut) return `${head} timed out after ${s(run.wallMs)} s`;
  if (!run.result) return `${head} FAILED ${run.error}`;
  const x = run.result;
  const main = x.mainThread ? ` (main thread ${s(x.mainThread.cpuMs)} s, preempted ${x.mainThread.preemptions}×)` : '';
  return `${head} wall ${s(run.wallMs)} s (loaded ${s(x.loadedMs)}, build ${s(x.buildMs)}, synth ${s(x.synthMs)}), `
    + `cpu ${s(x.cpuMs)} s${main}, peak RSS ${(x.maxRssKB / 1024).toFixed(0)} MB${run.warnings ? `, ${run.warnings} warnings` : ''}`
    + (run.stealPct !== undefined ? `, host steal ${pct(run.stealPct)}` : '');
}

function printTable(rows: Row[]): void {
  const header = ['N', 'variant', 'wall s', 'max/min', 'steal', 'load s', 'build s', 'synth-only s', 'cpu s', 'peak RSS MB', 'objects', 'objects/s'];
  const body = rows.map((r) => [
    String(r.n),
    r.variant,
    r.wallMs !== undefined ? s(r.wallMs) : r.timedOutAfterMs !== undefined ? `>${s(r.timedOutAfterMs)}` : 'failed',
    opt(r.spread, (x) => x.toFixed(2)),
    opt(r.stealPct, pct),
    opt(r.loadedMs, s),
    opt(r.buildMs, s),
    opt(r.synthMs, s),
    opt(r.cpuMs, s),
    opt(r.rssMB, (x) => x.toFixed(0)),
    String(r.objects),
    opt(r.wallMs, (w) => Math.round(r.objects / (w / 1000)).toString()),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  process.stdout.write(`\n${line(header)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}\n`);
  for (const b of body) process.stdout.write(`${line(b)}\n`);
  process.stdout.write('wall: whole process, measured outside (node startup to exit); load: until the modules were loaded;\n'
    + 'build: constructs (floors: JSON load); synth-only: App.synth() (floors: stringify + write); objects/s on wall time.\n'
    + 'Times are the minimum over the runs, peak RSS the maximum; max/min: slowest run over fastest (machine noise);\n'
    + 'steal: CPU time the host gave to other guests during the fastest run, in % of this machine\'s CPU time.\n');
  const warned = rows.filter((r) => r.warnings > 0);
  if (warned.length) process.stdout.write(`policy warnings printed: ${warned.map((r) => `${r.variant}@${r.n}: ${r.warnings}`).join(', ')}\n`);
  for (const r of rows) if (r.error) process.stdout.write(`N=${r.n} ${r.variant}: ${r.error}\n`);
}

/** Prints the ratios and the targets; returns true when a target failed. */
function printRatiosAndTargets(rows: Row[], opts: Options): boolean {
  const get = (n: number, v: Variant) => rows.find((r) => r.n === n && r.variant === v);
  const sizes = opts.sizes;
  process.stdout.write('\nRatios of the minimum wall times (in parentheses: of synth-only; then the median of the ratios of\n'
    + 'runs made one after the other in the same repetition, which a drifting machine load disturbs less)\n');
  for (const n of sizes) {
    const t = get(n, 'timonel');
    const f = get(n, 'floor');
    const fe = get(n, 'floor-emit');
    const p = get(n, 'plain');
    const parts: string[] = [];
    if (t?.wallMs && f?.wallMs) parts.push(`timonel/floor ${ratio(t.wallMs, f.wallMs)} (${ratio(t.synthMs, f.synthMs)}${paired(t, f)})`);
    if (t?.wallMs && fe?.wallMs) parts.push(`timonel/floor-emit ${ratio(t.wallMs, fe.wallMs)} (${ratio(t.synthMs, fe.synthMs)}${paired(t, fe)})`);
    if (t?.wallMs && p) {
      parts.push(p.wallMs
        ? `plain/timonel ${ratio(p.wallMs, t.wallMs)} (${ratio(p.synthMs, t.synthMs)}${paired(p, t)})`
        : p.timedOutAfterMs ? `plain/timonel > ${ratio(p.timedOutAfterMs, t.wallMs)} (plain timed out)` : 'plain/timonel n/a (plain failed)');
    }
    if (parts.length) process.stdout.write(`  N=${n}: ${parts.join('; ')}\n`);
  }
  for (const n of sizes) {
    const half = get(n / 2, 'timonel');
    const t = get(n, 'timonel');
    if (half?.wallMs && t?.wallMs) {
      // The floor's own ratio is the reference: its work is linear, so far above 2 it shows noise.
      const fh = get(n / 2, 'floor');
      const f = get(n, 'floor');
      const reference = f?.wallMs && fh?.wallMs ? `; floor ${ratio(f.wallMs, fh.wallMs)} (${ratio(f.synthMs, fh.synthMs)}${paired(f, fh)})` : '';
      process.stdout.write(`  time(${n})/time(${n / 2}): timonel ${ratio(t.wallMs, half.wallMs)} (${ratio(t.synthMs, half.synthMs)}${paired(t, half)})${reference}\n`);
    }
  }

  // The targets are stated for N=2000; with other sizes they are checked at the largest N.
  const n = sizes.includes(TARGETS.n) ? TARGETS.n : sizes[sizes.length - 1];
  const at = n === TARGETS.n ? '' : ` [at N=${n}: N=${TARGETS.n} not run]`;
  const t = get(n, 'timonel');
  const results: { name: string; verdict: 'PASS' | 'FAIL' | 'n/a'; detail: string }[] = [];
  const judge = (name: string, pass: boolean | undefined, detail: string) =>
    results.push({ name: name + at, verdict: pass === undefined ? 'n/a' : pass ? 'PASS' : 'FAIL', detail });

  const f = get(n, 'floor');
  judge(`timonel whole-process ≤ ${TARGETS.floorRatio}× floor`,
    t?.wallMs && f?.wallMs ? t.wallMs <= TARGETS.floorRatio * f.wallMs : undefined,
    t?.wallMs && f?.wallMs ? `${s(t.wallMs)} s vs ${s(f.wallMs)} s = ${ratio(t.wallMs, f.wallMs)}${inParens(paired(t, f))}` : 'not measured');

  const p = get(n, 'plain');
  let speedup: boolean | undefined;
  let speedDetail = 'not measured';
  if (t?.wallMs && p?.wallMs) {
    speedup = p.wallMs >= TARGETS.plainSpeedup * t.wallMs;
    speedDetail = `plain ${s(p.wallMs)} s vs timonel ${s(t.wallMs)} s = ${ratio(p.wallMs, t.wallMs)}${inParens(paired(p, t))}`;
  } else if (t?.wallMs && p?.timedOutAfterMs) {
    const lower = p.timedOutAfterMs / t.wallMs;
    speedup = lower >= TARGETS.plainSpeedup ? true : undefined;
    speedDetail = `plain timed out after ${s(p.timedOutAfterMs)} s: at least ${lower.toFixed(1)}×${speedup ? '' : ' (inconclusive: raise --plain-timeout)'}`;
  }
  judge(`timonel ≥ ${TARGETS.plainSpeedup}× faster than plain cdk8s`, speedup, speedDetail);

  const half = get(n / 2, 'timonel');
  judge(`timonel time(${n})/time(${n / 2}) ≤ ${TARGETS.doubling}`,
    t?.wallMs && half?.wallMs ? t.wallMs / half.wallMs <= TARGETS.doubling : undefined,
    t?.wallMs && half?.wallMs ? `${s(t.wallMs)} s / ${s(half.wallMs)} s = ${(t.wallMs / half.wallMs).toFixed(2)}${inParens(paired(t, half))}` : `needs N=${n / 2} too`);

  judge(`timonel peak RSS ≤ ${TARGETS.rssMB} MB`,
    t?.rssMB !== undefined ? t.rssMB <= TARGETS.rssMB : undefined,
    t?.rssMB !== undefined ? `${t.rssMB.toFixed(0)} MB` : 'not measured');

  process.stdout.write('\nTargets\n');
  for (const r of results) process.stdout.write(`  ${r.verdict.padEnd(4)}  ${r.name}: ${r.detail}\n`);
  const disturbed = [t, f, p].filter((r): r is Row => r?.stealPct !== undefined && r.stealPct >= STEAL_NOTICE_PCT);
  if (disturbed.length) {
    process.stdout.write(`  note  the host was busy during the measured N=${n} runs (steal ${disturbed.map((r) => `${r.variant} ${pct(r.stealPct!)}`).join(', ')}): `
      + 'timonel keeps both cores busy and loses more to steal than plain cdk8s; re-run on a quiet host before trusting the ratios\n');
  }
  const fe = get(n, 'floor-emit');
  if (t?.wallMs && fe?.wallMs) {
    process.stdout.write(`  info  timonel whole-process vs floor-emit (the floor with timonel's serializer; not a target): `
      + `${s(t.wallMs)} s vs ${s(fe.wallMs)} s = ${ratio(t.wallMs, fe.wallMs)}${inParens(paired(t, fe))}\n`);
  }
  return results.some((r) => r.verdict === 'FAIL');
}

/** `; paired <median>×`: the median over repetitions of a's wall time over b's in the same repetition. */
function paired(a: Row, b: Row): string {
  const xs: number[] = [];
  a.wallsByRepetition.forEach((x, i) => {
    const y = b.wallsByRepetition[i];
    if (x !== undefined && y !== undefined) xs.push(x / y);
  });
  if (xs.length < 2) return '';
  xs.sort((p, q) => p - q);
  const m = xs.length >> 1;
  return `; paired ${(xs.length % 2 ? xs[m] : (xs[m - 1] + xs[m]) / 2).toFixed(2)}×`;
}

/** A run whose host steal reaches this share of the CPU time is flagged under the targets. */
const STEAL_NOTICE_PCT = 5;

/** The host's total steal time so far (ticks of all CPUs, `/proc/stat`), or undefined off Linux. */
function stealTicks(): number | undefined {
  try {
    const cpu = fs.readFileSync('/proc/stat', 'utf8').split('\n', 1)[0].trim().split(/\s+/);
    // cpu user nice system idle iowait irq softirq steal ...
    const steal = Number(cpu[8]);
    return cpu[0] === 'cpu' && Number.isFinite(steal) ? steal : undefined;
  } catch {
    return undefined;
  }
}

function pct(x: number): string {
  return `${x.toFixed(0)}%`;
}

function inParens(text: string): string {
  return text ? ` (${text.replace(/^; /, '')})` : '';
}

function s(ms: number): string {
  return (ms / 1000).toFixed(ms < 10000 ? 2 : 1);
}

function opt(x: number | undefined, f: (x: number) => string): string {
  return x === undefined ? '-' : f(x);
}

function ratio(a: number | undefined, b: number | undefined): string {
  return a === undefined || b === undefined || b === 0 ? 'n/a' : `${(a / b).toFixed(2)}×`;
}

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

main();
