/**
 * Memos that live for one call and no longer.
 *
 * A library leaves its host process alone: the answers of pure functions that timonel remembers
 * (how a YAML string is written, which label keys are valid, parsed CIDRs, time zones) are kept
 * only while the call that needs them runs: a synth, a render, a policy run. Such an entry point
 * runs in `withCallScope`; a `CallMemo` then hands out the same memo for the whole call, and the
 * memos are dropped when the outermost call returns (or throws). Outside any call a memo is a new,
 * empty one each time, used by its caller only.
 */

/** The memos of one call, one per `CallMemo`. */
export type CallScope = Map<CallMemo<unknown>, unknown>;

// The scope of the call running now; undefined outside every call, so nothing outlives one.
let current: CallScope | undefined;

/**
 * Runs `fn` in a call scope: `scope` when given, else the scope of the call this one is part of
 * (a nested call joins the outer one: its memos end with the outer call), else a new one. The
 * outer scope is back when `fn` returns or throws.
 */
export function withCallScope<T>(fn: () => T, scope?: CallScope): T {
  const outer = current;
  current = scope ?? outer ?? new Map();
  try {
    return fn();
  } finally {
    current = outer;
  }
}

/**
 * Iterates `iterable` with every step run in one scope: the scope of the call the iteration starts
 * in, else one of its own that lives as long as the iterator (files rendered one by one as they are
 * iterated share their memos).
 */
export function iterateInCallScope<T>(iterable: Iterable<T>): IterableIterator<T> {
  const scope: CallScope = current ?? new Map();
  const it = withCallScope(() => iterable[Symbol.iterator](), scope);
  return {
    next: () => withCallScope(() => it.next(), scope),
    return: (value?: unknown) => (it.return ? withCallScope(() => it.return!(value), scope) : { done: true, value: value as T }),
    [Symbol.iterator]() {
      return this;
    },
  };
}

/** A memo (a Map, a Set, …) made by `make`, one per call scope. */
export class CallMemo<T> {
  constructor(private readonly make: () => T) {}

  /** The memo of the running call; outside any call, a new empty one (not kept). */
  public get(): T {
    const scope = current;
    if (scope === undefined) return this.make();
    let memo = scope.get(this) as T | undefined;
    if (memo === undefined) scope.set(this, (memo = this.make()));
    return memo;
  }
}
