import { Lazy } from 'cdk8s';

/** How code misused a guarded Lazy: spread it (or listed its keys), or read one of its fields. */
export type LazyMisuse = { readonly spread: true; readonly read?: undefined } | { readonly read: string; readonly spread?: undefined };

/**
 * A cdk8s `Lazy` that fails where code takes it for the value it stands for: spreading it
 * (`{ ...spec }`), listing its keys (`Object.keys`, `JSON.stringify`), or reading one of `fields`.
 * A spread copy would hold the Lazy's internals instead of the value (cdk8s then drops them), and a
 * read would give undefined. cdk8s resolves it as any Lazy (`instanceof Lazy`, then `produce()`, run
 * on the Lazy itself); other reads (cdk8s's resolvers probe `resolve`, `value` and `constructor`)
 * and `util.inspect` (which does not run proxy traps) see the Lazy.
 */
export function guardedLazy(produce: () => unknown, misuse: (use: LazyMisuse) => never, fields: ReadonlySet<string> = new Set()): unknown {
  const lazy = Lazy.any({ produce });
  return new Proxy(lazy, {
    get(target, key) {
      if (key === 'produce') return () => target.produce();
      if (typeof key === 'string' && fields.has(key)) misuse({ read: key });
      return Reflect.get(target, key, target);
    },
    ownKeys() {
      return misuse({ spread: true });
    },
  });
}
