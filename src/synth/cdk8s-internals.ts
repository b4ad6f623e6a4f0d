/**
 * Everything timonel relies on inside cdk8s, beyond its public API. Nothing else in `src/` reads
 * a private member of cdk8s or reproduces one of its private functions.
 *
 * cdk8s's `App.synth()` is quadratic in the number of charts: each `chart.toJson()` goes through
 * `App._synthChart(chart)`, which re-runs the private `validate(app)` and `resolveDependencies(app)`
 * over the whole tree, and `DependencyGraph.topology()` walks every dependency path (exponential
 * when dependencies fan out and back in). Linear synthesis runs validation and dependency
 * resolution once per app instead, so it reproduces these private functions of
 * `cdk8s/lib/app.js` (`validate`, `resolveDependencies`, `chartToKube`, `app.charts`, the chart
 * namers and `writeConstructMetadata`) with the same results, and then renders every object through
 * cdk8s's own public `ApiObject.toJson()`.
 *
 * Runtime guard: `cdk8sIsVerified()` is true only for the cdk8s minor versions these replicas were
 * checked against (`VERIFIED_CDK8S`). Outside them the synth engine falls back to plain cdk8s
 * (`app.charts` and `chart.toJson()`: the same output, slower) and says so once per synthesis on
 * stderr. The test suite fails on an unverified version (`test/synth/cdk8s-internals.test.ts`)
 * and compares this path with plain `App.synth()` output byte for byte.
 *
 * One private field is read: an ApiObject's `patches` (and each JsonPatch's `@internal` `_toJson()`),
 * for the check that a cdk8s `addJsonPatch` survived the conversion of a `Kube*` object
 * (`manifest-patch.ts`). Guarded on its own: when the field is not an array of JsonPatch, the check
 * is skipped and synthesis is plain cdk8s.
 *
 * One message text is relied on: `ApiObject.toJson()` rethrows any error as a plain
 * `Error("Failed serializing construct at path '…' with name '…': <error>")`; `rendering`
 * gives back the TimonelError it holds (when the text no longer matches, the wrapper stays).
 *
 * One private part of cdk8s's own copy of the `yaml` library is read: the scalar patterns of its
 * YAML 1.1 schema (`CDK8S_YAML_TYPED_SCALARS`), so that `synth/yaml.ts` quotes exactly what
 * `Yaml.stringify` quotes. Guarded on its own: when they are not there as expected, every such
 * value is asked of `Yaml.stringify`.
 *
 * Upgrading cdk8s: read the functions named above in the new `node_modules/cdk8s/lib/app.js`,
 * update the replicas if they changed, run the suite, then widen `VERIFIED_CDK8S`.
 */
import * as path from 'path';
import { ApiObject, Chart, DependencyGraph, Names } from 'cdk8s';
import { IConstruct } from 'constructs';
import { cycleError, findDependencyCycle, otherAppDependencyError } from '../core/dependencies';
import { capturingErrors, collectingErrors, issueOf, TimonelError } from '../core/errors';

/** The cdk8s releases the replicas below were checked against: any patch of these major.minor versions. */
export const VERIFIED_CDK8S = { range: '2.70.x', major: 2, minors: [70] as readonly number[] };

/** The installed cdk8s version (from its package.json). */
export function cdk8sVersion(): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return String(require('cdk8s/package.json').version);
}

/** Whether the installed cdk8s is one the replicas were verified against. */
export function cdk8sIsVerified(version: string = cdk8sVersion()): boolean {
  const m = /^(\d+)\.(\d+)\.\d+/.exec(version);
  return !!m && Number(m[1]) === VERIFIED_CDK8S.major && VERIFIED_CDK8S.minors.includes(Number(m[2]));
}

/** A dependency edge as cdk8s's `buildDependencies` lists it. */
interface Dependency {
  readonly source: IConstruct;
  readonly target: IConstruct;
}

/**
 * `node.findAll()` per node, computed at most once per synthesis (cdk8s's `SynthRequestCache`).
 * Seed it with the app's walk so the whole tree is walked once.
 */
export class FindAllCache {
  private readonly found = new Map<IConstruct, IConstruct[]>();
  private readonly ownApiObjects = new Map<IConstruct, ApiObject[]>();

  /** `c.node.findAll()` (preorder: `c` first), cached. */
  public findAll(c: IConstruct): IConstruct[] {
    let all = this.found.get(c);
    if (!all) {
      all = c.node.findAll();
      this.found.set(c, all);
    }
    return all;
  }

  /**
   * The ApiObjects in `c`'s subtree whose closest chart is `c`'s chart, in tree order: what
   * `resolveDependencies` links for a dependency on (or of) `c`. Cached: a chart-level
   * dependency would otherwise filter the whole chart once per dependant.
   */
  public apiObjectsOf(c: IConstruct, chart: Chart): ApiObject[] {
    let objs = this.ownApiObjects.get(c);
    if (!objs) {
      objs = this.findAll(c).filter((x): x is ApiObject => x instanceof ApiObject).filter((x) => Chart.of(x) === chart);
      this.ownApiObjects.set(c, objs);
    }
    return objs;
  }
}

/**
 * cdk8s's `validate(app)`: `node.validate()` on every construct (the app included), all errors in
 * one exception with cdk8s's exact text. Its `problems` hold a TimonelError per error, with the
 * fields of the TimonelError the validation made (found again by its text), else the path and text;
 * with one problem, the exception has that problem's fields.
 */
export function validateAll(all: readonly IConstruct[]): void {
  const { result: failed, made } = collectingErrors(() => all.flatMap((c) => c.node.validate().map((message) => ({ c, message }))));
  if (failed.length === 0) return;
  const problems = failed.map(({ c, message }) => {
    const own = [...made].reverse().find((x) => x.message === message);
    return new TimonelError(own ? { path: c.node.path, ...issueOf(own) } : { path: c.node.path, message });
  });
  // Same text as cdk8s, so tools and tests matching its message keep working.
  const text = `Validation failed with the following errors:\n  ${failed.map(({ c, message }) => `[${c.node.path}] ${message}`).join('\n  ')}`;
  const one = problems.length === 1 ? problems[0] : undefined;
  throw new TimonelError(one ? { path: one.path, ...issueOf(one), problems, text } : { message: `${problems.length} validations failed`, problems, text });
}

function buildDependencies(all: readonly IConstruct[]): Dependency[] {
  const deps: Dependency[] = [];
  for (const child of all) {
    for (const dep of child.node.dependencies) deps.push({ source: child, target: dep });
  }
  return deps;
}

/**
 * cdk8s's `resolveDependencies(app)`: turns nested charts and cross-chart construct dependencies
 * into chart dependencies, and construct dependencies into ApiObject dependencies. Adds exactly the
 * same dependencies in the same order (the order decides the topology, hence the output order).
 * Idempotent, like the original.
 * @returns cdk8s's `hasDependantCharts`: whether any chart is nested or depends on another chart
 */
export function resolveDependencies(all: readonly IConstruct[], cache: FindAllCache): boolean {
  let hasDependantCharts = false;

  // A parent chart depends on its nested charts.
  for (const parentChart of all.filter((x): x is Chart => x instanceof Chart)) {
    for (const childChart of parentChart.node.children.filter((x) => x instanceof Chart)) {
      parentChart.node.addDependency(childChart);
      hasDependantCharts = true;
    }
  }

  // A construct dependency across charts makes a chart dependency.
  for (const dep of buildDependencies(all)) {
    const sourceChart = Chart.of(dep.source);
    const targetChart = Chart.of(dep.target);
    if (sourceChart !== targetChart) {
      sourceChart.node.addDependency(targetChart);
      hasDependantCharts = true;
    }
  }

  // Every ApiObject under the source depends on every ApiObject under the target (within their charts).
  for (const dep of buildDependencies(all)) {
    const sourceChart = Chart.of(dep.source);
    const targetChart = Chart.of(dep.target);
    const targetApiObjects = cache.apiObjectsOf(dep.target, targetChart);
    const sourceApiObjects = cache.apiObjectsOf(dep.source, sourceChart);
    for (const target of targetApiObjects) {
      for (const source of sourceApiObjects) {
        if (target !== source) source.node.addDependency(target);
      }
    }
  }

  return hasDependantCharts;
}

/**
 * cdk8s's `chartToKube(chart)`: the chart's own ApiObjects (not those of nested charts) in the
 * topological order of the chart's dependency graph. Walks the chart's subtree, not the app.
 */
export function chartToKube(chart: Chart): ApiObject[] {
  return topology(chart)
    .filter((x): x is ApiObject => x instanceof ApiObject)
    .filter((x) => Chart.of(x) === chart);
}

/**
 * cdk8s's `app.charts`: every chart, sorted topologically (dependencies first).
 * @param all `app.node.findAll()`, when the caller has it already
 */
export function appCharts(app: IConstruct, all?: readonly IConstruct[]): Chart[] {
  return topology(app, all).filter((x): x is Chart => x instanceof Chart);
}

/**
 * `new DependencyGraph(root.node).topology()`, in time linear in the graph's size.
 *
 * cdk8s's graph checks for cycles and sorts by walking every path, not every vertex: exponential
 * when dependencies fan out and back in. `resolveDependencies` makes every ApiObject of a chart
 * depend on every ApiObject of each chart it depends on, so a chain of k dependent charts of m
 * objects has m^k paths (10 charts of 5 objects: 1 s; 11: 5 s; 12: 25 s).
 *
 * Same result: vertices keyed by construct path in an object (so `Object.values` order, integer-like
 * paths first), edges in `findAll` and `node.dependencies` order without duplicates, skipping
 * dependencies outside `root`'s subtree; then a post-order depth-first walk from a root adopting
 * every vertex without dependants, children in insertion order. cdk8s re-walks finished vertices,
 * which never adds to the result in an acyclic graph; this walks each once. A graph with a cycle
 * fails with a TimonelError naming the dependencies that make it (cdk8s reports the first edge
 * that closes one, in object paths, or overflows the stack), and so does a dependency on a
 * construct of another App (on which cdk8s overflows the stack); one it cannot name is handed to
 * DependencyGraph itself.
 */
export function topology(root: IConstruct, all: readonly IConstruct[] = root.node.findAll()): IConstruct[] {
  // Three small functions rather than one: V8 optimizes each on its own feedback. As one function,
  // the code V8 optimized during the app-wide call (on-stack, inside its first loop) had no feedback
  // for the walk, and every later per-chart call entered it and deoptimized there (300+ deopts at
  // N=2000; no difference in run time was measurable, but the churn is gone).
  const { vertices, byConstruct } = topologyVertices(all);
  topologyEdges(all, vertices, byConstruct);
  return topologyWalk(vertices) ?? failOnCycle(all) ?? new DependencyGraph(root.node).topology();
}

/**
 * Throws a TimonelError naming a dependency on a construct of another App (which DependencyGraph
 * would overflow the stack on), or the dependencies of a cycle among `all`, if there is one.
 */
function failOnCycle(all: readonly IConstruct[]): undefined {
  const other = otherAppDependencyError(all);
  if (other) throw other;
  const cycle = findDependencyCycle(all);
  if (cycle) throw cycleError(cycle);
  return undefined;
}

/**
 * The TimonelError inside cdk8s's "Failed serializing construct at path '…' with name '…': <error>"
 * (what `ApiObject.toJson()` throws for any error while it renders an object, e.g. a TimonelError
 * from a Lazy), so users get the error itself; any other error as it is.
 */
function unwrapRenderError(error: unknown, last: TimonelError | undefined): unknown {
  if (!(error instanceof Error) || error instanceof TimonelError || !error.message.startsWith('Failed serializing construct at path ')) return error;
  if (last !== undefined && error.message.endsWith(String(last))) return last;
  return twoCopiesError(error.message) ?? error;
}

/**
 * cdk8s's "can't render non-simple object of type 'Lazy'" for an object of the tree: a value that
 * cdk8s does not recognise as its own, which is what a second copy of cdk8s makes (a library with
 * its own node_modules, whose constructs render their values with its copy).
 */
function twoCopiesError(message: string): TimonelError | undefined {
  const m = /^Failed serializing construct at path '([^']*)'.*can't render non-simple object of type '(Lazy|[A-Za-z]+)'/s.exec(message);
  if (!m) return undefined;
  return new TimonelError({
    path: m[1],
    message: `holds a ${m[2]} that this copy of cdk8s does not recognise: most likely two copies of cdk8s are installed (a library with its own node_modules), and the construct was made with the other one`,
    value: m[2], allowed: 'one copy of cdk8s, cdk8s-plus-28 and constructs in the project (npm ls cdk8s lists one)',
    fix: 'make cdk8s, cdk8s-plus-28, constructs and timonel peerDependencies of the library (version ranges, not dependencies), and install a library '
      + 'of a local folder with npm install --install-links ../lib (a link resolves them from its own folder); npm ls cdk8s then lists one copy',
  });
}

/**
 * Runs `render` (something that calls `ApiObject.toJson()`), throwing a TimonelError from inside it
 * as is: the one made last during the call, when cdk8s's wrapper ends with its text.
 */
export function rendering<T>(render: () => T): T {
  return capturingErrors(render, unwrapRenderError);
}

/**
 * cdk8s's own plain "Validation failed with the following errors:" Error (from `chart.toJson()`,
 * which validates the whole app) as `validateAll`'s TimonelError, with the problems' fields; any
 * other error as it is. The validations run again only when they have failed.
 */
export function explainValidation(error: unknown, root: IConstruct): unknown {
  if (!(error instanceof Error) || error instanceof TimonelError || !error.message.startsWith('Validation failed with the following errors:')) return error;
  try {
    validateAll(root.node.findAll());
  } catch (e) {
    if (e instanceof TimonelError && e.message === error.message) return e;
  }
  return error;
}

/**
 * cdk8s's own "Dependency cycle detected: a/x => a/y => a/x" (from `chart.toJson()`) as a
 * TimonelError that names the dependencies making the cycle; any other error as it is.
 */
export function explainCycle(error: unknown, root: IConstruct): unknown {
  if (!(error instanceof Error) || !error.message.startsWith('Dependency cycle detected')) return error;
  const cycle = findDependencyCycle(root.node.findAll());
  return cycle ? cycleError(cycle) : error;
}

/** A vertex of `topology`'s graph. */
interface TopologyVertex {
  readonly value: IConstruct;
  // Duplicates are harmless: the walk skips a finished vertex, so the first occurrence decides, as in a Set.
  readonly children: TopologyVertex[];
  hasParent: boolean;
  state: number;
}
const NEW = 0;
const ACTIVE = 1;
const DONE = 2;

/**
 * `topology`'s vertices, keyed by construct (no object keyed by path, no Set per vertex), in the
 * order of cdk8s's path-keyed object: array-index paths ('0', '12') first, ascending, then the
 * others in `all` order.
 */
function topologyVertices(all: readonly IConstruct[]): { vertices: TopologyVertex[]; byConstruct: Map<IConstruct, TopologyVertex> } {
  const byConstruct = new Map<IConstruct, TopologyVertex>();
  const indexed: { v: TopologyVertex; index: number }[] = [];
  const named: TopologyVertex[] = [];
  for (const c of all) {
    if (byConstruct.has(c)) continue;
    const v: TopologyVertex = { value: c, children: [], hasParent: false, state: NEW };
    byConstruct.set(c, v);
    // A path is an array index only if the id is one: most constructs skip building their path.
    const index = arrayIndex(c.node.id) === undefined ? undefined : arrayIndex(c.node.path);
    if (index === undefined) named.push(v);
    else indexed.push({ v, index });
  }
  const vertices = indexed.length ? [...indexed.sort((a, b) => a.index - b.index).map((x) => x.v), ...named] : named;
  return { vertices, byConstruct };
}

/** `topology`'s edges: `node.dependencies` in `all` order, none out of the subtree. */
function topologyEdges(all: readonly IConstruct[], vertices: readonly TopologyVertex[], byConstruct: Map<IConstruct, TopologyVertex>): void {
  // A dependency on a construct of another tree that has the path of one of ours is that one, as in
  // cdk8s's path-keyed graph; built only if some dependency is not in `all`.
  let byPath: Map<string, TopologyVertex> | undefined;
  for (const child of all) {
    const source = byConstruct.get(child)!;
    for (const dep of child.node.dependencies) {
      let target = byConstruct.get(dep);
      if (!target) {
        byPath ??= new Map(vertices.map((v) => [v.value.node.path, v]));
        target = byPath.get(dep.node.path);
      }
      // Like cdk8s: no edges out of the subtree.
      if (!target) continue;
      source.children.push(target);
      target.hasParent = true;
    }
  }
}

/**
 * `topology`'s post-order walk from every vertex without dependants; undefined when the graph has
 * a cycle.
 */
function topologyWalk(vertices: readonly TopologyVertex[]): IConstruct[] | undefined {
  const result: IConstruct[] = [];
  // Iterative, so a long dependency chain cannot overflow the stack.
  const stack: { v: TopologyVertex; next: number }[] = [];
  for (const start of vertices) {
    if (start.hasParent || start.state !== NEW) continue;
    start.state = ACTIVE;
    stack.push({ v: start, next: 0 });
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      if (top.next < top.v.children.length) {
        const c = top.v.children[top.next++];
        if (c.state === ACTIVE) return undefined;
        if (c.state === NEW) {
          c.state = ACTIVE;
          stack.push({ v: c, next: 0 });
        }
        continue;
      }
      stack.pop();
      top.v.state = DONE;
      result.push(top.v.value);
    }
  }
  // Vertices no root reaches lie on (or behind) a cycle.
  return result.length === vertices.length ? result : undefined;
}

/** The number an object key is ordered by when it is an array index ('0' to '4294967294'), else undefined. */
function arrayIndex(key: string): number | undefined {
  if (!/^(?:0|[1-9][0-9]{0,9})$/.test(key)) return undefined;
  const n = Number(key);
  return n <= 4294967294 ? n : undefined;
}

/** The file name cdk8s gives a chart with `YamlOutputType.FILE_PER_CHART` (its chart namers). */
export function chartFileName(chart: Chart, index: number | undefined, extension: string): string {
  const base = Names.toDnsLabel(chart);
  return index === undefined ? `${base}${extension}` : `${index.toString().padStart(4, '0')}-${base}${extension}`;
}

/** The file cdk8s writes next to the manifests when it records construct metadata. */
export const CONSTRUCT_METADATA_FILE = 'construct-metadata.json';

/**
 * The content of `construct-metadata.json`, byte for byte as cdk8s writes it: cdk8s-cli's
 * validation plugins read it to map objects back to construct paths.
 * @param apiObjects every chart's `chartToKube` objects, charts in `app.charts` order
 */
export function constructMetadata(apiObjects: readonly ApiObject[]): string {
  const resources: { [name: string]: { path: string } } = {};
  for (const apiObject of apiObjects) resources[apiObject.name] = { path: apiObject.node.path };
  return JSON.stringify({ version: '1.0.0', resources });
}

/** Whether an app records construct metadata, as cdk8s decides it (prop, else the CLI's env). */
export function recordsConstructMetadata(prop: boolean | undefined): boolean {
  return prop ?? process.env.CDK8S_RECORD_CONSTRUCT_METADATA === 'true';
}

/** cdk8s's own `Chart.prototype.toJson`, to tell charts that keep it from charts that override it. */
export const CDK8S_CHART_TO_JSON: (this: Chart) => any[] = Chart.prototype.toJson;

/** One JSON-Patch operation as RFC 6902 writes it (what cdk8s's `JsonPatch` holds). */
export interface PatchOperation {
  readonly op: string;
  readonly path: string;
  readonly from?: string;
  readonly value?: unknown;
}

/**
 * The operation a cdk8s `JsonPatch` holds, read through its `@internal` `_toJson()`; undefined when
 * the installed cdk8s has no such method (callers then skip what needs it).
 */
export function patchOperation(patch: unknown): PatchOperation | undefined {
  const toJson = (patch as { _toJson?: unknown } | null | undefined)?._toJson;
  if (typeof toJson !== 'function') return undefined;
  const op = toJson.call(patch) as PatchOperation | undefined;
  return op && typeof op.op === 'string' && typeof op.path === 'string' ? op : undefined;
}

/**
 * The operations added with cdk8s's `addJsonPatch` on an ApiObject, in order, read from its
 * private `patches` field. Runtime guard: undefined (nothing to check) when the field is not an
 * array of JsonPatch, so a cdk8s that renames it leaves plain cdk8s behaviour.
 */
export function addedJsonPatches(obj: ApiObject): PatchOperation[] | undefined {
  const patches = (obj as unknown as { patches?: unknown }).patches;
  if (!Array.isArray(patches) || patches.length === 0) return undefined;
  const ops = patches.map(patchOperation);
  return ops.every((o): o is PatchOperation => o !== undefined) ? ops : undefined;
}

/**
 * The patterns by which the YAML 1.1 schema of the `yaml` library cdk8s uses reads a plain scalar
 * as something other than a string (ints, floats, sexagesimals, booleans, null, timestamps, `<<`):
 * `plainString` quotes a string that any of them matches. Undefined (so every such value is
 * asked) when the library does not expose them as expected.
 */
export const CDK8S_YAML_TYPED_SCALARS: readonly RegExp[] | undefined = (() => {
  try {
    const lib = require(require.resolve('yaml', { paths: [path.dirname(require.resolve('cdk8s/package.json'))] }));
    const schema = new lib.Document(null, { version: '1.1' }).schema;
    if (schema.compat || !Array.isArray(schema.tags)) return undefined;
    const tests: RegExp[] = [];
    for (const tag of schema.tags) {
      if (!tag.default || tag.tag === 'tag:yaml.org,2002:str' || !tag.test) continue;
      if (!(tag.test instanceof RegExp) || tag.test.global || tag.test.sticky) return undefined;
      tests.push(tag.test);
    }
    return tests.length > 0 ? tests : undefined;
  } catch {
    return undefined;
  }
})();
