/**
 * What a `timonel synth` run learns of the Apps its app file makes, so that an app that never calls
 * `app.synth()` is an error instead of a silent success that leaves the old dist/ in place.
 *
 * The count lives in an AsyncLocalStorage store that exists only while the CLI runs the app file
 * (and in the async work it starts): outside such a run an App counts nothing, and no state
 * outlives the run.
 */
import { AsyncLocalStorage } from 'async_hooks';

/** How many timonel Apps an app file created, and how many of them it synthesized. */
export interface AppCount {
  created: number;
  synthesized: number;
  /** How many of the created were `Environments` (whose `synth()` writes every environment's App). */
  environments?: number;
}

const watch = new AsyncLocalStorage<AppCount | undefined>();

/** Runs `fn` (loading an app file) with its Apps counted in `count`, also in the async work it starts. */
export function countingApps<T>(count: AppCount, fn: () => T): T {
  return watch.run(count, fn);
}

/** Runs `fn` with the Apps it creates left uncounted: scratch Apps that are never meant to be synthesized (`validateProps`). */
export function uncounted<T>(fn: () => T): T {
  return watch.run(undefined, fn);
}

/** Called by an App, or an Environments, when it is created. */
export function appCreated(kind: 'App' | 'Environments' = 'App'): void {
  const count = watch.getStore();
  if (!count) return;
  count.created++;
  if (kind === 'Environments') count.environments = (count.environments ?? 0) + 1;
}

/** Called by an App, or an Environments, when it synthesizes. */
export function appSynthesized(): void {
  const count = watch.getStore();
  if (count) count.synthesized++;
}
