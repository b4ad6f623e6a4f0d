import { ApiObject, Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import { Migration } from '../constructs/migration';
import { contains, POD_KINDS } from '../core/dependencies';

/**
 * Apply order: what must exist before what refers to it. Objects of kinds not listed
 * (custom resources) come last. Within a rank, the construct order is kept (stable sort).
 * Explicit dependencies come first (see `orderForApply`).
 */
export const APPLY_ORDER: readonly string[] = [
  'Namespace',
  // Before the pods they govern: a client's egress and its target's ingress rule exist when the
  // client starts (a migration Job that runs before the rest is applied included).
  'NetworkPolicy',
  'ResourceQuota',
  'LimitRange',
  'PriorityClass',
  'CustomResourceDefinition',
  'ServiceAccount',
  'ClusterRole',
  'ClusterRoleBinding',
  'Role',
  'RoleBinding',
  'ConfigMap',
  'Secret',
  'ExternalSecret',
  'StorageClass',
  'PersistentVolume',
  'PersistentVolumeClaim',
  'Service',
  'Pod',
  // Stores before the apps that connect to them (connectTo keeps targets first within a kind).
  'StatefulSet',
  'Deployment',
  'DaemonSet',
  'Job',
  'CronJob',
  'HorizontalPodAutoscaler',
  'PodDisruptionBudget',
  'Ingress',
  'HTTPRoute',
];

const RANK = new Map(APPLY_ORDER.map((k, i) => [k, i]));

/** The position of a kind in the apply order; unknown kinds (custom resources) sort last. */
export function applyRank(kind: string): number {
  return RANK.get(kind) ?? APPLY_ORDER.length;
}

// A migration's Job runs right after the stores and before every Deployment, DaemonSet and other
// Job: any app may need the migrated schema to become ready, not only the ones in its `before`.
const MIGRATION_RANK = applyRank('StatefulSet') + 0.5;

// A run nothing waits for comes after everything else of its chart, custom resources included, so
// that a tool that waits for each step (Argo CD waves, Flux health checks) waits for it last.
const LAST_RANK = APPLY_ORDER.length + 1;

/** Whether an object is, or is inside, a construct that something depends on (see `awaitedObjects`). */
export type AwaitedTest = (source: IConstruct) => boolean;

/**
 * Which objects of the app of `root` something waits for: an object that is, or is inside, a construct
 * that another construct depends on (`node.addDependency(job)`, `connectTo`, a Migration's `before`).
 * Dependencies on a chart, and the object-to-object links cdk8s derives from them (every object of a
 * chart on every object of each chart it depends on), do not count: a chart that depends on another
 * waits for its apps, not for its one-off Jobs. Nor do dependencies within one construct.
 */
export function awaitedObjects(root: IConstruct): AwaitedTest {
  const targets = new Set<IConstruct>();
  for (const x of root.node.findAll()) {
    for (const d of x.node.dependencies) {
      if (Chart.isChart(d) || targets.has(d)) continue;
      if (ApiObject.isApiObject(x) && ApiObject.isApiObject(d) && Chart.of(x) !== Chart.of(d)) continue;
      if (!contains(d, x) && !contains(x, d)) targets.add(d);
    }
  }
  return (source) => {
    for (let c: IConstruct | undefined = source; c && !Chart.isChart(c); c = c.node.scope) if (targets.has(c)) return true;
    return false;
  };
}

/**
 * Whether an object is a run nothing waits for: a Job or CronJob that is not a Migration's and that
 * no other construct depends on. It is applied last, and no tool holds anything back for it.
 */
export function runsLast(kind: string | undefined, source: IConstruct | undefined, awaited: AwaitedTest): boolean {
  return (kind === 'Job' || kind === 'CronJob') && source !== undefined && !Migration.isMigration(source) && !awaited(source);
}

/**
 * Returns a new array with the manifests in apply order; equal ranks keep their order.
 *
 * With `sourceOf` (the ApiObject that rendered each item, after cdk8s resolved dependencies),
 * dependencies between workloads win over the kind order within a chart: a workload (Deployment,
 * StatefulSet, Job, CronJob, DaemonSet, Pod) comes after the workloads of what it depends on
 * (`connectTo`, `node.addDependency(job)` on the construct or the object), so a migration Job an
 * API depends on comes before the API's Deployment. A `Migration`'s Job comes right after the
 * stores, before every other workload (unless it depends on one). A Job or CronJob nothing depends
 * on (`runsLast`) comes last, after the custom resources. Everything else keeps the kind order.
 * @param awaited what something depends on; by default computed from the sources' app
 */
export function orderForApply<T extends { kind?: string }>(manifests: readonly T[], sourceOf?: (item: T) => IConstruct | undefined, awaited?: AwaitedTest): T[] {
  let isAwaited = awaited;
  const rankOf = (m: T): number => {
    const kind = m?.kind;
    const source = kind === 'Job' || kind === 'CronJob' ? sourceOf?.(m) : undefined;
    if (source === undefined) return applyRank(kind ?? '');
    if (kind === 'Job' && Migration.isMigration(source)) return MIGRATION_RANK;
    isAwaited ??= awaitedObjects(source.node.root);
    return runsLast(kind, source, isAwaited) ? LAST_RANK : applyRank(kind!);
  };
  const ranked = manifests.map((m, i) => ({ m, i, r: rankOf(m) }));
  const edges = sourceOf ? dependencyEdges(manifests, sourceOf) : undefined;
  if (!edges) return ranked.sort((a, b) => a.r - b.r || a.i - b.i).map((x) => x.m);
  // Kahn's algorithm, always taking the ready item that is first in kind order.
  const waiting = ranked.map(() => 0);
  const after: number[][] = ranked.map(() => []);
  for (const [before, item] of edges) {
    waiting[item]++;
    after[before].push(item);
  }
  const less = (a: number, b: number) => ranked[a].r - ranked[b].r || a - b;
  const ready = new Heap(less);
  ranked.forEach((_x, i) => { if (waiting[i] === 0) ready.push(i); });
  const out: T[] = [];
  const placed = new Set<number>();
  while (ready.size > 0) {
    const i = ready.pop();
    out.push(ranked[i].m);
    placed.add(i);
    for (const j of after[i]) if (--waiting[j] === 0) ready.push(j);
  }
  // A cycle (cdk8s refuses them first) leaves the rest in kind order.
  if (out.length < ranked.length) {
    out.push(...ranked.filter((x) => !placed.has(x.i)).sort((a, b) => a.r - b.r || a.i - b.i).map((x) => x.m));
  }
  return out;
}

// [before, after] index pairs, or undefined when no dependency concerns two items.
function dependencyEdges<T>(items: readonly T[], sourceOf: (item: T) => IConstruct | undefined): Array<[number, number]> | undefined {
  const index = new Map<IConstruct, number>();
  items.forEach((item, i) => {
    const s = sourceOf(item);
    if (s) index.set(s, i);
  });
  let edges: Array<[number, number]> | undefined;
  const add = (before: number | undefined, item: number) => {
    if (before !== undefined && before !== item) (edges ??= []).push([before, item]);
  };
  items.forEach((item, i) => {
    const source = sourceOf(item);
    if (!source || !POD_KINDS.has((item as { kind?: string }).kind ?? '')) return;
    // cdk8s has made every ApiObject depend on each ApiObject of the constructs its constructs depend on.
    for (const d of source.node.dependencies) {
      const j = index.get(d);
      if (j !== undefined && POD_KINDS.has((items[j] as { kind?: string }).kind ?? '')) add(j, i);
    }
  });
  return edges;
}

/** A binary min-heap of indexes. */
class Heap {
  private readonly items: number[] = [];

  constructor(private readonly less: (a: number, b: number) => number) {}

  public get size(): number {
    return this.items.length;
  }

  public push(x: number): void {
    const a = this.items;
    a.push(x);
    for (let i = a.length - 1; i > 0;) {
      const p = (i - 1) >> 1;
      if (this.less(a[i], a[p]) >= 0) break;
      [a[i], a[p]] = [a[p], a[i]];
      i = p;
    }
  }

  public pop(): number {
    const a = this.items;
    const top = a[0];
    const last = a.pop()!;
    if (a.length > 0) {
      a[0] = last;
      for (let i = 0; ;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && this.less(a[l], a[m]) < 0) m = l;
        if (r < a.length && this.less(a[r], a[m]) < 0) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m], a[i]];
        i = m;
      }
    }
    return top;
  }
}
