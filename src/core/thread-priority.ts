import * as fs from 'fs';
import * as os from 'os';

/**
 * The nice value `withMainThreadFirst` gives the process's other threads: at 10 the Linux
 * scheduler gives such a thread about a tenth of a core it shares with a thread at 0.
 */
export const OTHER_THREADS_NICE = 10;

/**
 * Runs `fn` with every other thread of this process (V8's compiler and garbage-collector helpers,
 * worker threads) at nice OTHER_THREADS_NICE, on Linux, where a thread's priority is its own;
 * elsewhere (where `setpriority` would lower the whole process) it just runs `fn`. Threads started
 * by `fn` keep their priority.
 *
 * Synthesis runs on the calling thread, and everything waits for it. On a machine with few cores,
 * V8's four helper threads (about 1.3 s of CPU at N=2000, mostly optimizing code) preempt it a few
 * hundred times; at a lower priority they use the cores it leaves idle instead.
 *
 * Afterwards each thread gets its priority back where the system allows raising it again (root,
 * or RLIMIT_NICE); otherwise it keeps the lower one for the rest of the process. Threads already
 * at a lower priority are left as they are.
 */
export function withMainThreadFirst<T>(fn: () => T): T {
  const lowered = lowerOtherThreads();
  try {
    return fn();
  } finally {
    for (const [tid, nice] of lowered) trySetPriority(tid, nice);
  }
}

/** Lowers the other threads; returns those lowered with their previous nice value. */
function lowerOtherThreads(): Map<number, number> {
  const lowered = new Map<number, number>();
  if (process.platform !== 'linux') return lowered;
  const self = currentThreadId();
  if (self === undefined) return lowered;
  let tids: string[];
  try {
    tids = fs.readdirSync('/proc/self/task');
  } catch {
    return lowered;
  }
  for (const name of tids) {
    const tid = Number(name);
    if (tid === self) continue;
    const nice = tryGetPriority(tid);
    if (nice === undefined || nice >= OTHER_THREADS_NICE) continue;
    if (trySetPriority(tid, OTHER_THREADS_NICE)) lowered.set(tid, nice);
  }
  return lowered;
}

/** The calling thread's id (`/proc/thread-self` is `<pid>/task/<tid>`). */
function currentThreadId(): number | undefined {
  try {
    const link = fs.readlinkSync('/proc/thread-self');
    const tid = Number(link.slice(link.lastIndexOf('/') + 1));
    return Number.isInteger(tid) ? tid : undefined;
  } catch {
    return undefined;
  }
}

// A thread may end at any moment, and raising a priority back may be refused: both are fine.
function tryGetPriority(tid: number): number | undefined {
  try {
    return os.getPriority(tid);
  } catch {
    return undefined;
  }
}

function trySetPriority(tid: number, nice: number): boolean {
  try {
    os.setPriority(tid, nice);
    return true;
  } catch {
    return false;
  }
}
