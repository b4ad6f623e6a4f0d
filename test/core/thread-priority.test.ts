import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Chart, Lazy } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { App, MAIN_THREAD_FIRST_MIN_CHARTS } from '../../src/core/app';
import { OTHER_THREADS_NICE, withMainThreadFirst } from '../../src/core/thread-priority';

// Thread priorities are per thread on Linux only; elsewhere withMainThreadFirst just runs fn.
const linux = process.platform === 'linux';
const describeLinux = linux ? describe : describe.skip;

function selfTid(): number {
  const link = fs.readlinkSync('/proc/thread-self');
  return Number(link.slice(link.lastIndexOf('/') + 1));
}

/** Nice value of every thread of this process except the calling one. */
function otherThreads(): Map<number, number> {
  const self = selfTid();
  const out = new Map<number, number>();
  for (const name of fs.readdirSync('/proc/self/task')) {
    const tid = Number(name);
    if (tid === self) continue;
    try {
      out.set(tid, os.getPriority(tid));
    } catch {
      // ended meanwhile
    }
  }
  return out;
}

/** Whether this process may raise a thread's priority again (root with CAP_SYS_NICE, or RLIMIT_NICE). */
function canRaise(tid: number): boolean {
  const before = os.getPriority(tid);
  os.setPriority(tid, Math.min(before + 1, 19));
  try {
    os.setPriority(tid, before);
    return true;
  } catch {
    return false;
  }
}

describeLinux('withMainThreadFirst (Linux)', () => {
  let saved: Map<number, number>;
  beforeEach(() => {
    saved = otherThreads();
  });
  afterEach(() => {
    // Leave the process as it was, where the system allows it.
    for (const [tid, nice] of saved) {
      try {
        os.setPriority(tid, nice);
      } catch {
        // not permitted, or the thread ended
      }
    }
  });

  test('lowers every other thread while fn runs, leaves the calling thread alone, and gives priorities back', () => {
    const before = otherThreads();
    // V8's helper threads at least.
    expect(before.size).toBeGreaterThan(0);
    const mine = os.getPriority(selfTid());
    const raise = canRaise([...before.keys()][0]);
    let during = new Map<number, number>();
    const result = withMainThreadFirst(() => {
      during = otherThreads();
      expect(os.getPriority(selfTid())).toBe(mine);
      return 42;
    });
    expect(result).toBe(42);
    for (const [tid, nice] of during) {
      if (before.has(tid)) expect({ tid, nice }).toEqual({ tid, nice: Math.max(before.get(tid)!, OTHER_THREADS_NICE) });
    }
    const after = otherThreads();
    for (const [tid, nice] of after) {
      if (!before.has(tid)) continue;
      // Without the right to raise a priority again, a lowered thread keeps nice 10.
      const expected = raise ? before.get(tid)! : Math.max(before.get(tid)!, OTHER_THREADS_NICE);
      expect({ tid, nice }).toEqual({ tid, nice: expected });
    }
  });

  test('a thread already at a lower priority is left as it is', () => {
    const [tid] = [...otherThreads().keys()];
    os.setPriority(tid, 15);
    withMainThreadFirst(() => expect(os.getPriority(tid)).toBe(15));
    expect(os.getPriority(tid)).toBe(15);
  });

  test('priorities are given back when fn throws, and the error goes through', () => {
    const before = otherThreads();
    const [tid] = [...before.keys()];
    if (!canRaise(tid)) return; // nothing to give back without the right to raise it
    expect(() => withMainThreadFirst(() => {
      expect(os.getPriority(tid)).toBe(Math.max(before.get(tid)!, OTHER_THREADS_NICE));
      throw new Error('boom');
    })).toThrow('boom');
    expect(os.getPriority(tid)).toBe(before.get(tid));
  });
});

describeLinux('App.synth() puts the main thread first (Linux)', () => {
  let tmp: string;
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'timonel-priority-'));
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  /** The highest nice value among the other threads, as seen while the app renders its objects. */
  function niceDuringSynth(charts: number, mainThreadFirst?: boolean): number {
    const app = new App({ outdir: path.join(tmp, `out-${charts}-${mainThreadFirst}`), mainThreadFirst });
    let seen: number | undefined;
    for (let i = 0; i < charts; i++) {
      const chart = new Chart(app, `c${i}`);
      new k8s.KubeConfigMap(chart, 'cm', {
        metadata: { name: `cm-${i}` },
        data: i === 0 ? { seen: Lazy.any({ produce: () => String((seen = Math.max(...otherThreads().values()))) }) } as any : { x: 'y' },
      });
    }
    app.synth();
    expect(seen).toBeDefined();
    return seen!;
  }

  test(`from ${MAIN_THREAD_FIRST_MIN_CHARTS} charts on, the other threads run at nice ${OTHER_THREADS_NICE} during synth`, () => {
    expect(niceDuringSynth(MAIN_THREAD_FIRST_MIN_CHARTS)).toBeGreaterThanOrEqual(OTHER_THREADS_NICE);
  });

  test('not for a smaller app, nor with mainThreadFirst: false', () => {
    const base = Math.max(...otherThreads().values());
    if (base >= OTHER_THREADS_NICE) return; // already low: nothing to tell apart
    expect(niceDuringSynth(MAIN_THREAD_FIRST_MIN_CHARTS - 1)).toBe(base);
    expect(niceDuringSynth(MAIN_THREAD_FIRST_MIN_CHARTS, false)).toBe(base);
  });
});

test('off Linux, withMainThreadFirst just runs fn', () => {
  const platform = Object.getOwnPropertyDescriptor(process, 'platform')!;
  Object.defineProperty(process, 'platform', { value: 'darwin' });
  try {
    const before = linux ? otherThreads() : new Map();
    let during = new Map<number, number>();
    expect(withMainThreadFirst(() => {
      if (linux) during = otherThreads();
      return 'ran';
    })).toBe('ran');
    if (linux) for (const [tid, nice] of during) if (before.has(tid)) expect(nice).toBe(before.get(tid));
  } finally {
    Object.defineProperty(process, 'platform', platform);
  }
});
