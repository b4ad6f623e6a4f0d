import { ApiObject, Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import { TimonelError } from './errors';
import { inSameApp, otherAppProblem } from './same-app';

/**
 * Construct dependencies as cdk8s applies them: `a.node.addDependency(b)` makes every object in
 * `a`'s subtree come after every object in `b`'s. So the objects of a construct also come after
 * what its scopes depend on, and a dependency on a construct is one on everything inside it.
 * This file finds the dependency chains and cycles in those terms, and remembers which prop made
 * a dependency (`before[0]` of a Migration, `connectTo`), so a cycle can be told in the user's words.
 */

/** Kinds whose objects run pods. */
export const POD_KINDS: ReadonlySet<string> = new Set(['Pod', 'StatefulSet', 'Deployment', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob']);

/** The first object in `c`'s subtree (`c` included) that runs pods, if any. */
export function podObjectIn(c: IConstruct): ApiObject | undefined {
  for (const x of c.node.findAll()) if (ApiObject.isApiObject(x) && POD_KINDS.has(x.kind)) return x;
  return undefined;
}

/** Where a dependency was declared: the construct whose prop or verb made it. */
export interface DependencyOrigin {
  readonly scope: IConstruct;
  /** As the user wrote it: `before[0]`, `connectTo`. */
  readonly prop: string;
}

/** One dependency: `source` comes after `target`. */
export interface DependencyEdge {
  readonly source: IConstruct;
  readonly target: IConstruct;
  /** For a dependency between two charts, the construct dependency across them that makes it. */
  readonly via?: DependencyEdge;
}

const ORIGINS = new WeakMap<IConstruct, Map<IConstruct, DependencyOrigin>>();

/** `source.node.addDependency(target)`, remembering the prop that asked for it. */
export function addDependency(source: IConstruct, target: IConstruct, origin: DependencyOrigin): void {
  source.node.addDependency(target);
  let m = ORIGINS.get(source);
  if (!m) ORIGINS.set(source, (m = new Map()));
  if (!m.has(target)) m.set(target, origin);
}

/** The prop that made `source` depend on `target`, when timonel made it. */
export function dependencyOrigin(edge: DependencyEdge): DependencyOrigin | undefined {
  return ORIGINS.get(edge.source)?.get(edge.target);
}

/** Whether `a` is `b` or one of its scopes. */
export function contains(a: IConstruct, b: IConstruct): boolean {
  for (let x: IConstruct | undefined = b; x; x = x.node.scope) if (x === a) return true;
  return false;
}

// Two subtrees share objects when one holds the other.
function overlaps(a: IConstruct, b: IConstruct): boolean {
  return contains(a, b) || contains(b, a);
}

/** Edges a dependency graph may follow (all of them, or some, e.g. no edges between two ApiObjects). */
type EdgeFilter = (e: DependencyEdge) => boolean;

// The dependencies that order the objects of `c`'s subtree: those of `c`'s scopes, of `c` and of
// everything inside it; and since cdk8s makes a dependency across charts one between the charts,
// those of every construct of `c`'s chart on another chart.
function edgesFrom(c: IConstruct, keep: EdgeFilter): DependencyEdge[] {
  const chart = closestChart(c);
  const across = chart ? chartEdges(chart, keep) : [];
  const charts = new Set(across.map((e) => e.target));
  const out: DependencyEdge[] = [];
  const add = (source: IConstruct) => {
    for (const target of source.node.dependencies) {
      const e = { source, target };
      // A dependency between charts that a construct dependency explains is told by that one.
      if (keep(e) && !(source === chart && charts.has(target))) out.push(e);
    }
  };
  for (let x = c.node.scope; x; x = x.node.scope) add(x);
  for (const x of c.node.findAll()) add(x);
  // Last, so that a chain names construct dependencies where it can.
  return [...out, ...across];
}

const CHART_EDGES = new WeakMap<EdgeFilter, Map<IConstruct, DependencyEdge[]>>();

// Cached per filter (each search makes its own), since dependencies are added between searches.
// The charts `chart` comes after because a construct of it depends on a construct of theirs (one edge per chart).
function chartEdges(chart: IConstruct, keep: EdgeFilter): DependencyEdge[] {
  let byChart = CHART_EDGES.get(keep);
  if (!byChart) CHART_EDGES.set(keep, (byChart = new Map()));
  let out = byChart.get(chart);
  if (out) return out;
  out = [];
  const seen = new Set<IConstruct>();
  for (const x of chart.node.findAll()) {
    if (isChart(x) || closestChart(x) !== chart) continue;
    for (const target of x.node.dependencies) {
      const e = { source: x, target };
      const other = closestChart(target);
      if (other && other !== chart && !seen.has(other) && keep(e)) {
        seen.add(other);
        out.push({ source: chart, target: other, via: e });
      }
    }
  }
  byChart.set(chart, out);
  return out;
}

function closestChart(c: IConstruct): IConstruct | undefined {
  for (let x: IConstruct | undefined = c; x; x = x.node.scope) if (isChart(x)) return x;
  return undefined;
}

/**
 * The chain of dependencies by which the objects of `from` already come after objects of `to`
 * (so `to` depending on `from` would close a cycle), shortest first; undefined when there is none.
 */
export function dependencyChain(from: IConstruct, to: IConstruct): DependencyEdge[] | undefined {
  if (overlaps(from, to)) return [];
  // Each entry (the start, then dependency targets) with the edge that reached it and the entry that edge left from.
  const via = new Map<IConstruct, { edge: DependencyEdge; prev: IConstruct } | undefined>([[from, undefined]]);
  const queue = [from];
  // A filter of its own: the chart edges are cached per filter, and dependencies change between calls.
  const all: EdgeFilter = () => true;
  while (queue.length) {
    const c = queue.shift()!;
    for (const edge of edgesFrom(c, all)) {
      if (via.has(edge.target)) continue;
      via.set(edge.target, { edge, prev: c });
      if (overlaps(edge.target, to)) {
        const chain: DependencyEdge[] = [];
        for (let x = via.get(edge.target); x; x = via.get(x.prev)) chain.unshift(x.edge);
        return chain;
      }
      queue.push(edge.target);
    }
  }
  return undefined;
}

/**
 * A dependency cycle among the constructs of `all` (every object of a subtree in a cycle comes
 * after itself), as the declared dependencies that make it; undefined when there is none. Edges
 * between two ApiObjects (which cdk8s derives from the construct dependencies) are followed only
 * when no cycle is found without them.
 */
export function findDependencyCycle(all: readonly IConstruct[]): DependencyEdge[] | undefined {
  const inTree = new Set(all);
  const declared: EdgeFilter = (e) => inTree.has(e.target) && !(ApiObject.isApiObject(e.source) && ApiObject.isApiObject(e.target));
  const any: EdgeFilter = (e) => inTree.has(e.target);
  return cycleWith(all, declared) ?? cycleWith(all, any);
}

function cycleWith(all: readonly IConstruct[], keep: EdgeFilter): DependencyEdge[] | undefined {
  const GREY = 1;
  const BLACK = 2;
  const state = new Map<IConstruct, number>();
  const edgeCache = new Map<IConstruct, DependencyEdge[]>();
  const edgesOf = (c: IConstruct) => {
    let es = edgeCache.get(c);
    if (!es) edgeCache.set(c, (es = edgesFrom(c, keep)));
    return es;
  };
  // Depth-first over entries (dependency targets), iteratively: a long chain cannot overflow the stack.
  for (const start of all) {
    if (start.node.dependencies.length === 0 || state.has(start)) continue;
    const stack: { c: IConstruct; via?: DependencyEdge; next: number }[] = [{ c: start, next: 0 }];
    state.set(start, GREY);
    while (stack.length) {
      const top = stack[stack.length - 1];
      const es = edgesOf(top.c);
      if (top.next >= es.length) {
        state.set(top.c, BLACK);
        stack.pop();
        continue;
      }
      const e = es[top.next++];
      const s = state.get(e.target);
      if (s === GREY) {
        const from = stack.findIndex((x) => x.c === e.target);
        return [...stack.slice(from + 1).map((x) => x.via!), e];
      }
      if (s === undefined) {
        state.set(e.target, GREY);
        stack.push({ c: e.target, via: e, next: 0 });
      }
    }
  }
  return undefined;
}

/**
 * A cycle of dependencies in construct paths: `a/x => a/y => a/x`. Where a dependency is on a
 * construct that contains the next one (a chart, a group), it says so: `shop (contains shop/api)`.
 */
export function formatCycle(edges: readonly DependencyEdge[]): string {
  if (edges.length === 0) return '';
  const parts = [edges[0].source.node.path];
  edges.forEach((e, i) => {
    const next = edges[(i + 1) % edges.length].source;
    const t = e.target;
    // A target inside the next source shows it in its path; one that holds the next source says so.
    parts.push(t === next || contains(next, t) ? t.node.path : `${t.node.path} (contains ${next.node.path})`);
  });
  return parts.join(' => ');
}

/** How each dependency of a cycle was made, for a fix: `a/x => a/y (node.addDependency)`. */
export function describeEdges(edges: readonly DependencyEdge[]): string {
  const one = (e: DependencyEdge): string => {
    const o = dependencyOrigin(e);
    const how = o ? `'${o.prop}' of ${o.scope.node.path}` : 'node.addDependency';
    return `${e.source.node.path} => ${e.target.node.path} (${how})`;
  };
  return edges.map((e) => (e.via ? `${one(e.via)}, which makes chart ${e.source.node.path} come after chart ${e.target.node.path}` : one(e))).join('; ');
}

/**
 * The error for a dependency cycle found at synth: on the first dependency no timonel prop made
 * (`node.addDependency`), else on the prop that made the first one.
 */
export function cycleError(edges: readonly DependencyEdge[]): TimonelError {
  const declared = edges.map((e) => e.via ?? e);
  const plain = declared.find((e) => dependencyOrigin(e) === undefined);
  const edge = plain ?? declared[0];
  const origin = plain ? undefined : dependencyOrigin(edge);
  return new TimonelError({
    scope: origin?.scope ?? edge.source,
    prop: origin?.prop ?? 'node.addDependency',
    message: `makes a dependency cycle: ${formatCycle(edges)}`,
    value: edge.target.node.path,
    allowed: 'dependencies in one direction only (a dependency means: apply after)',
    fix: `remove one of the dependencies of the cycle: ${describeEdges(edges)}`,
  });
}

/**
 * The error for a dependency on a construct of another App (`node.addDependency` across two Apps,
 * which no App can order: cdk8s's graph walk overflows the stack on it), on the prop that made it,
 * else on the first one declared; undefined when there is none. Edges cdk8s derives (between two
 * ApiObjects, between two charts) are named only when nothing else is.
 */
export function otherAppDependencyError(all: readonly IConstruct[]): TimonelError | undefined {
  let best: { edge: DependencyEdge; rank: number } | undefined;
  for (const source of all) {
    for (const target of source.node.dependencies) {
      if (inSameApp(source, target)) continue;
      const edge = { source, target };
      const derived = (ApiObject.isApiObject(source) && ApiObject.isApiObject(target)) || (isChart(source) && isChart(target));
      const rank = dependencyOrigin(edge) ? 0 : derived ? 2 : 1;
      if (!best || rank < best.rank) best = { edge, rank };
    }
  }
  if (!best) return undefined;
  const origin = dependencyOrigin(best.edge);
  return new TimonelError(otherAppProblem(origin?.scope ?? best.edge.source, origin?.prop ?? 'node.addDependency', best.edge.target,
    'create both in one App, or remove the dependency: an App orders only the objects it writes'));
}

/** True for a Chart (cdk8s' `instanceof Chart` is true for any chart of any copy of cdk8s). */
export function isChart(c: IConstruct): boolean {
  return Chart.isChart(c);
}
