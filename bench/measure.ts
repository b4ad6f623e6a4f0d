/**
 * What every benchmark child reports: timings from the child's own clock (ms since its process
 * started, `performance.timeOrigin`), CPU time and peak RSS. Written as JSON to the result file
 * the parent names; the parent adds the wall time it measured from outside.
 */
import * as fs from 'fs';

/** The phases of one measured process. */
export interface ChildTimings {
  /** ms from process start until the child's modules were loaded (node startup + imports). */
  readonly loadedMs: number;
  /** ms building the input: the construct tree (timonel, plain) or loading the JSON (floor). */
  readonly buildMs: number;
  /** ms in the synthesis proper: `App.synth()` (timonel, plain) or stringify + write (floor). */
  readonly synthMs: number;
}

/** The result file of one child. */
export interface ChildResult extends ChildTimings {
  /** ms from process start to the end of the work, by the child's clock. */
  readonly endMs: number;
  /** Peak resident set size of the process, in KB (`process.resourceUsage().maxRSS`). */
  readonly maxRssKB: number;
  /** User + system CPU time of the process, in ms (all threads, GC included). */
  readonly cpuMs: number;
  /**
   * User + system CPU time of the main thread alone, in ms, and how often another thread took
   * its core (involuntary context switches). Linux only (`/proc/thread-self`). The rest of `cpuMs`
   * is V8's compiler and GC threads and the file writer, which share the machine's cores with it.
   */
  readonly mainThread?: { readonly cpuMs: number; readonly preemptions: number };
  /** Documents and files rendered, when the child counted them. */
  readonly objects?: number;
  readonly files?: number;
}

/** Milliseconds since this process started. */
export function now(): number {
  return performance.now();
}

/** Records the child's result in `file`. Call last. */
export function report(file: string, t: ChildTimings, counts: { objects?: number; files?: number } = {}): void {
  const endMs = now();
  const ru = process.resourceUsage();
  const mainThread = mainThreadUsage();
  const result: ChildResult = {
    ...t, ...counts, endMs, maxRssKB: ru.maxRSS, cpuMs: (ru.userCPUTime + ru.systemCPUTime) / 1000, ...(mainThread ? { mainThread } : {}),
  };
  fs.writeFileSync(file, JSON.stringify(result));
}

/** The calling thread's CPU time and involuntary context switches, from /proc; undefined off Linux. */
function mainThreadUsage(): { cpuMs: number; preemptions: number } | undefined {
  try {
    const stat = fs.readFileSync('/proc/thread-self/stat', 'utf8');
    // After the command name (in parentheses, may hold spaces): state is field 3, utime 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    const status = fs.readFileSync('/proc/thread-self/status', 'utf8');
    const preemptions = Number(/^nonvoluntary_ctxt_switches:\s*(\d+)/m.exec(status)?.[1]);
    if (!Number.isFinite(ticks) || !Number.isFinite(preemptions)) return undefined;
    return { cpuMs: ticks * MS_PER_TICK, preemptions };
  } catch {
    return undefined;
  }
}

/** Linux reports /proc's CPU times in USER_HZ ticks: 100 per second. */
export const MS_PER_TICK = 10;

/** The arguments every child takes: `<n> <outdir> <result file> [json file]`. */
export function childArgs(): { n: number; outdir: string; resultFile: string; jsonFile?: string } {
  const [n, outdir, resultFile, jsonFile] = process.argv.slice(2);
  if (!n || !outdir || !resultFile) throw new Error('usage: <n> <outdir> <result file> [json file]');
  return { n: Number(n), outdir, resultFile, jsonFile };
}
