/**
 * Every place where timonel relies on how cdk8s works inside, rather than on its public API.
 *
 * cdk8s's `App.synth()` is quadratic in the number of charts: each `chart.toJson()` goes through
 * `App._synthChart(chart)`, which re-runs `resolveDependencies(app)` and `validate(app)` over the
 * whole tree. The fast path in `synth.ts` runs those steps once instead, so it must do exactly what
 * these private functions of `cdk8s/lib/app.js` do: they are replicated here, step for step, and
 * nowhere else. `topology()` re-implements `DependencyGraph.topology()` (public, but exponential
 * in the number of dependency paths) with the same result. `apiObjectRenderer()` replicates
 * `ApiObject.toJson()` (`lib/{api-object,metadata,resolve,_util}.js`), which copies each document
 * twice, in one pass; it reads two private fields of ApiObject and five of its metadata. For the
 * classes `cdk8s import` generates (cdk8s-plus-28's `k8s.Kube*`, `imports/`), it also replicates
 * their `toJson_*` converters, read from the generated source (`generatedConverterSchema`): where
 * that source is not in the generated shape, the generated code runs instead (the same output,
 * slower), and `test/core/generated-converters.test.ts` fails loudly so the shape gets read again.
 *
 * Verified against cdk8s 2.70.106. `test/core/synth.test.ts` fails when the installed cdk8s is
 * outside `VERIFIED_CDK8S.versions` or when the source of any replicated function changed (see
 * `cdk8sFingerprints()`); it also compares every replica with the original, and the fast path with
 * plain `App.synth()` output byte for byte. When that guard fails: re-read the changed functions
 * in `node_modules/cdk8s/lib/`, update the replicas below, then update `VERIFIED_CDK8S`.
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import {
  ApiObject,
  ApiObjectMetadataDefinition,
  Chart,
  DependencyGraph,
  ImplicitTokenResolver,
  IResolver,
  JsonPatch,
  Lazy,
  LazyResolver,
  Names,
  NumberStringUnionResolver,
} from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { IConstruct } from 'constructs';
import { fail } from './errors';

/**
 * The cdk8s versions the replicas below were checked against, and the sha256 of the
 * whitespace-normalized source of every cdk8s function they replicate or rely on.
 */
export const VERIFIED_CDK8S = {
  /** Any patch release of this major.minor. */
  versions: '2.70.x',
  major: 2,
  minor: 70,
  fingerprints: {
    'lib/app.js#validate': '649621f939527d6d315bd2d0c22fe5cf4cd22e14079b3a7c12e0c2fbdc161668',
    'lib/app.js#buildDependencies': 'da274251d1dfdb83f9815882813fd8c2ef9a55a184ab54ecd323e1b4ad850c51',
    'lib/app.js#resolveDependencies': '022a233fb4f4ea2b7f6cbbc3134c1cf46b4a6ed4d7e9b964fad884f4eccb753b',
    'lib/app.js#chartToKube': '65a88e9ecf9276a6d9a604d6a9ed4f549a4f2f761df8679d70320dd4b40216a1',
    'lib/app.js#App._synthChart': '45bb5569aa9aecf63467cddb413b00842fb1398905972b4a68c960ec3b9ac7d0',
    'lib/app.js#App.constructor': 'b2ebeda163501f7df6ac5a02c179b612687b4c5b768a68f41b32c9053ecfaad3',
    'lib/app.js#App.charts': '80bf08b7cd488e200c1d4c63da7e57839901682f6d359070c6cc817e7ba4d40d',
    'lib/app.js#App.synth': '32421261250052624d77b919b0d0f556bdf37320af2c1cd9033e3b4c4e298e41',
    'lib/app.js#App.writeConstructMetadata': '87b09699928f907f5d74c16f31351d87749a0299ec66fd91b0fee22e8ab5bf7e',
    'lib/app.js#SimpleChartNamer': '23485bb6bcedc2352e4f750c9070a55ccd8fef38a2f2c1f440fe3bcf2bb4b298',
    'lib/app.js#IndexedChartNamer': '9ca1267c8cf2d310c80cb801ebd7a81c1393e02da4c65c7ef1ad4a78475163e4',
    'lib/dependency.js#DependencyGraph': '819f197ec577bff8aa4cfb24dc4b6268ab41bbb0c059fa9dd5aee93b107670a3',
    'lib/dependency.js#DependencyVertex': '0c93b60e09f5bcf23c1fa319e9c6ad269eb8e16a855194a2cb5beb8a25e8a658',
    'lib/chart.js#Chart.toJson': '91efd7be6d250eeda58d81eabe822a802109c0fdc6547023566a56347672d0ed',
    'lib/api-object.js#ApiObject.constructor': '3fc80e092dbda5dce0b0c2a0a5ea0f4cd874b056f701ff00326f8bc12e00e72b',
    'lib/api-object.js#ApiObject.toJson': 'b0124785d6525aa7d18eff0aa204d0d53a9639b3c049d6030cd45abf9fc5f55f',
    'lib/metadata.js#ApiObjectMetadataDefinition.constructor': '09952bf553cd82ad7b637d327d139b46d4e7047f23fddd9a4e3e3abc30294df6',
    'lib/metadata.js#ApiObjectMetadataDefinition.toJson': '13fb4cb94fe0974fa812f049f173eefa7dcb8acc70eb259e7e08c39c16e53c22',
    'lib/resolve.js#ResolutionContext': 'acea32761cf1aa1c1876919581ef348b1e3f4eb53aae63e681299c5b61dd580c',
    'lib/resolve.js#LazyResolver': 'f5e54ce511c587fee0a88e341ac67da665d459cbf18cac9f0ff1f50d02864eb5',
    'lib/resolve.js#ImplicitTokenResolver': 'b741b7ad2976a84ce6c22669ac1e69b664a15c6dd6a1b3567081af3b1189db78',
    'lib/resolve.js#NumberStringUnionResolver': 'e28740ed515ba5eccdb28b72ad95cf92d6b6d58e3a555807a20f676c4237da50',
    'lib/resolve.js#resolve': 'd922ff5b293f106dcfdab630091c00339869754c37913e39435f179a1a9699ce',
    'lib/_util.js#sanitizeValue': '46b26b4875bda85a611907168d76a9f273b452ad271d1b94c7f35c344df4765b',
  } as Record<string, string>,
};

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
 * one exception with cdk8s's exact text.
 */
export function validateAll(all: readonly IConstruct[]): void {
  const errors: string[] = [];
  for (const child of all) {
    for (const error of child.node.validate()) errors.push(`[${child.node.path}] ${error}`);
  }
  if (errors.length > 0) {
    // Same text as cdk8s, so tools and tests matching its message keep working.
    fail({ message: `Validation failed with the following errors:\n  ${errors.join('\n  ')}` });
  }
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
 * (which cdk8s may report, miss, or overflow the stack on) is handed to DependencyGraph itself.
 */
export function topology(root: IConstruct, all: readonly IConstruct[] = root.node.findAll()): IConstruct[] {
  // Three small functions rather than one: V8 optimizes each on its own feedback. As one function,
  // the code V8 optimized during the app-wide call (on-stack, inside its first loop) had no feedback
  // for the walk, and every later per-chart call entered it and deoptimized there (300+ deopts at
  // N=2000; no difference in run time was measurable, but the churn is gone).
  const { vertices, byConstruct } = topologyVertices(all);
  topologyEdges(all, vertices, byConstruct);
  return topologyWalk(vertices) ?? new DependencyGraph(root.node).topology();
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

/**
 * `apiObject.toJson()` for every ApiObject of an app, with exactly its result, in one pass over each
 * document instead of cdk8s's two copies (`resolve`, then `sanitizeValue`), which also allocate a
 * resolution context and a key path per value and walk up to the app for every value.
 *
 * Replicates `ApiObject.toJson()` (and the `ApiObjectMetadataDefinition.toJson()` it calls) when
 * the app's resolvers are cdk8s's three built-in ones, and the `toJson()` of classes generated by
 * `cdk8s import` (every `k8s.Kube*`, the bindings in `imports/`) as their own public
 * `manifest(resolved)`, after checking both methods' source. Anything else is rendered by calling
 * its `toJson()`: a class or object with another `toJson()`, custom resolvers, `CDK8S_DISABLE_SORT`, and a
 * document holding a value that is neither a plain object, an array nor a primitive, a key
 * `__proto__` or a token that resolves to itself (cdk8s then mostly throws its own error; a Lazy
 * value in that document is produced twice).
 * @param app the app every rendered object belongs to (whose resolvers `toJson()` uses)
 */
export function apiObjectRenderer(app: { readonly resolvers: readonly IResolver[] }): (apiObject: ApiObject) => any {
  const r = app.resolvers;
  const builtIn = r.length === 3 && r[0].constructor === LazyResolver && r[1].constructor === ImplicitTokenResolver
    && r[2].constructor === NumberStringUnionResolver;
  if (!builtIn) return (apiObject) => apiObject.toJson();
  primitivesInert = primitivesAreInert();
  arraysInert = !('resolve' in Array.prototype) && !('value' in Array.prototype);
  return (apiObject) => {
    const render = toJsonOf(apiObject);
    if (render === undefined || process.env.CDK8S_DISABLE_SORT) return apiObject.toJson();
    try {
      return render(apiObject);
    } catch (e) {
      if (e === NOT_PLAIN) return apiObject.toJson();
      throw e;
    }
  };
}

/** What the replica reads of an ApiObject: private in cdk8s's types. */
interface ApiObjectInternals {
  readonly props: object;
  readonly patches: JsonPatch[];
  readonly metadata: MetadataInternals;
}

/** What the replica reads of an `ApiObjectMetadataDefinition`. */
interface MetadataInternals {
  toJson(): any;
  readonly _additionalAttributes: object;
  readonly name?: string;
  readonly namespace?: string;
  readonly annotations: unknown;
  readonly finalizers: unknown;
  readonly ownerReferences: unknown;
  readonly labels: unknown;
}

/** Thrown inside the replica when only cdk8s's own `toJson()` gives the exact result. */
const NOT_PLAIN = Symbol('not a plain value');

const CDK8S_API_OBJECT_TO_JSON = ApiObject.prototype.toJson;

/** Per prototype of a rendered object: how to render its objects, or undefined to call `toJson()`. */
const RENDERERS = new Map<object, ((apiObject: ApiObject) => any) | undefined>();

function toJsonOf(apiObject: ApiObject): ((apiObject: ApiObject) => any) | undefined {
  // A toJson() set on the object itself (not its class) is only exact when called.
  if (Object.prototype.hasOwnProperty.call(apiObject, 'toJson')) return undefined;
  const proto = Object.getPrototypeOf(apiObject);
  let render = RENDERERS.get(proto);
  if (render === undefined && !RENDERERS.has(proto)) {
    render = rendererFor(proto);
    RENDERERS.set(proto, render);
  }
  return render;
}

/** How to render objects of prototype `proto`, decided by the prototype whose `toJson()` they use. */
function rendererFor(proto: object | null): ((apiObject: ApiObject) => any) | undefined {
  let owner = proto;
  while (owner && !Object.prototype.hasOwnProperty.call(owner, 'toJson')) owner = Object.getPrototypeOf(owner);
  if (!owner) return undefined;
  if (owner === ApiObject.prototype) return apiObjectToJson;
  if (Object.getPrototypeOf(owner)?.toJson !== CDK8S_API_OBJECT_TO_JSON) return undefined;
  const manifest = generatedManifest(owner.constructor);
  return manifest && ((o) => manifest(apiObjectToJson(o)));
}

/**
 * For a class generated by `cdk8s import`, what its `toJson()` adds to `super.toJson()`: both it and
 * its static `manifest` spread the same `GVK` and `toJson_*` converter of the class's module. The
 * converter is replicated with one copy per object when its source (and that of every converter it
 * calls) is in the generated shape; else the class's `manifest` is called. Undefined when either
 * method's source is not the generated one.
 */
function generatedManifest(cls: any): ((resolved: object) => any) | undefined {
  if (typeof cls !== 'function' || !Object.prototype.hasOwnProperty.call(cls, 'manifest') || typeof cls.manifest !== 'function') return undefined;
  // Without whitespace, and without the trailing `,` and `;` some compilers leave out.
  const compact = (f: Function) => f.toString().replace(/\s+/g, '').replace(/[,;]}/g, '}');
  const toJson = /^toJson\(\)\{constresolved=super\.toJson\(\);return\{\.\.\.([\w$]+)\.GVK,\.\.\.([\w$]+)\(resolved\)\}\}$/.exec(compact(cls.prototype.toJson));
  const manifest = /^manifest\(([\w$]+)(?:=\{\})?\)\{return\{\.\.\.([\w$]+)\.GVK,\.\.\.([\w$]+)\(\1\)\}\}$/.exec(compact(cls.manifest));
  if (!toJson || !manifest || toJson[1] !== manifest[2] || toJson[2] !== manifest[3]) return undefined;
  const generated = (resolved: object) => cls.manifest(resolved);
  const exports = toJson[1] === cls.name ? moduleExportsOf(cls) : undefined;
  const converter = exports?.[toJson[2]];
  const schema = typeof converter === 'function' ? generatedConverterSchema(converter, exports!) : undefined;
  if (!schema) return generated;
  const gvk = cls.GVK;
  return (resolved) => {
    try {
      // `{ ...gvk, ...converted }`, without copying the converted object once more.
      return resolved === undefined ? { ...gvk } : convertGenerated(schema, resolved, { ...gvk });
    } catch {
      // Where the replica stops (or anything unexpected), the generated code gives its own result or error.
      return generated(resolved);
    }
  };
}

/** The exports of the module that defines `cls` (cdk8s-plus-28's `k8s`, else a loaded CommonJS module). */
function moduleExportsOf(cls: Function): Record<string, unknown> | undefined {
  if ((k8s as Record<string, unknown>)[cls.name] === cls) return k8s as Record<string, unknown>;
  for (const m of Object.values(require.cache ?? {})) {
    try {
      const exports = m?.exports;
      if (exports && typeof exports === 'object' && exports[cls.name] === cls) return exports;
    } catch {
      // an export getter that throws: not the module
    }
  }
  return undefined;
}

// Converters generated by `cdk8s import` (json2jsii): `toJson_<Type>(obj)` turns props into JSON.
// Each builds its result with `Object.entries(result).reduce((r, i) => ({ ...r, [i[0]]: i[1] }), {})`,
// which copies the object once per field (quadratic in its fields). `generatedConverterSchema`
// reads the source of a converter and of every converter it calls into a schema, and
// `convertGenerated` builds the same result from it with one copy per object. When any source is
// not in the generated shape, there is no schema and the generated code is used.

/** What a generated converter does with one field (`obj.x` is the prop, `C` a converter). */
type FieldForm =
  | 'value' // obj.x
  | 'convert' // C(obj.x)
  | 'list' // obj.x?.map(y => C(y))
  | 'copy' // obj.x?.map(y => y)
  | 'number' // obj.x?.value (Quantity, IntOrString)
  | 'date' // obj.x?.toISOString()
  | 'map' // obj.x, as a map: each defined entry as it is
  | 'mapConvert' // ... each defined entry through C
  | 'mapList' // ... each defined entry as a list, each item through C
  | 'mapCopy' // ... each defined entry copied as an array
  | 'mapNumber'; // ... each defined entry's `.value`

/** One field of a converter's result, in the order the generated code writes them. */
export interface ConverterField {
  /** The JSON key. */
  readonly key: string;
  /** The prop read from the input. */
  readonly prop: string;
  readonly form: FieldForm;
  /** The converter applied (forms `convert`, `list`, `mapConvert`, `mapList`). */
  readonly of?: ConverterSchema;
}

/** A generated converter as read from its source. */
export interface ConverterSchema {
  /** The name of the generated function (`toJson_PodSpec`). */
  readonly name: string;
  readonly fields: ConverterField[];
}

const U = '(?:undefined|void 0)';
const ARROW = '(?:y|\\(y\\))=>';
const PROP = 'obj\\.([A-Za-z_$][\\w$]*)';
const FN = '(toJson_[\\w$]+)';
// `{ ...r, [i[0]]: VALUE }` for the defined entries of `Object.entries(X)`, reduced into `{}`.
const reduceInto = (value: string) => `\\(\\(r,i\\)=>\\(?i\\[1\\]===${U}\\)?\\?r:\\(?\\{\\.\\.\\.r,\\[i\\[0\\]\\]:${value}\\}\\)?,\\{\\}\\)`;

/** The whole function, compacted (see `compactSource`): its name and the fields of `result`. */
const CONVERTER_SOURCE = new RegExp(`^function ${FN}\\(obj\\)\\{if\\(obj===${U}\\)\\{return ${U};?\\}const result=\\{([^]*)\\};?`
  + `return Object\\.entries\\(result\\)\\.reduce${reduceInto('i\\[1\\]')};?\\}$`);

const KEY = `(?:'([^'\\\\\\n]*)'|"([^"\\\\\\n]*)"|([A-Za-z_$][\\w$]*)):`;

/** Each field form's expression, matched at the start of a field (sticky) up to its comma. */
const FIELD_FORMS: ReadonlyArray<readonly [FieldForm, RegExp]> = ([
  ['value', PROP],
  ['convert', `${FN}\\(${PROP}\\)`],
  ['list', `${PROP}\\?\\.map\\(${ARROW}${FN}\\(y\\)\\)`],
  ['copy', `${PROP}\\?\\.map\\(${ARROW}y\\)`],
  ['number', `${PROP}\\?\\.value`],
  ['date', `${PROP}\\?\\.toISOString\\(\\)`],
  ['map', mapForm('i\\[1\\]')],
  ['mapConvert', mapForm(`${FN}\\(i\\[1\\]\\)`)],
  ['mapList', mapForm(`i\\[1\\]\\?\\.map\\(${ARROW}${FN}\\(y\\)\\)`)],
  ['mapCopy', mapForm(`i\\[1\\]\\?\\.map\\(${ARROW}y\\)`)],
  ['mapNumber', mapForm('i\\[1\\]\\?\\.value')],
] as const).map(([form, expr]) => [form, new RegExp(`${KEY}${expr}(?:,|$)`, 'y')] as const);

// `((obj.x) === undefined) ? undefined : (Object.entries(obj.x).reduce(...))`, parentheses optional.
function mapForm(value: string): string {
  return `\\(?\\(?${PROP}\\)?===${U}\\)?\\?${U}:\\(?Object\\.entries\\(${PROP}\\)\\.reduce${reduceInto(value)}\\)?`;
}

/**
 * The source of a function without comments, and without whitespace except one space between
 * two word characters; string literals are kept as they are. Undefined when it cannot tell.
 */
function compactSource(src: string): string | undefined {
  let out = '';
  let i = 0;
  const word = (c: string | undefined) => c !== undefined && /[\w$]/.test(c);
  while (i < src.length) {
    const c = src[i];
    if (c === '\'' || c === '"' || c === '`') {
      const end = src.indexOf(c, i + 1);
      if (end < 0 || c === '`' || src.slice(i, end).includes('\\')) return undefined;
      out += src.slice(i, end + 1);
      i = end + 1;
    } else if (c === '/' && src[i + 1] === '/') {
      const end = src.indexOf('\n', i);
      i = end < 0 ? src.length : end;
    } else if (c === '/' && src[i + 1] === '*') {
      const end = src.indexOf('*/', i + 2);
      if (end < 0) return undefined;
      i = end + 2;
    } else if (/\s/.test(c)) {
      while (i < src.length && /\s/.test(src[i])) i++;
      if (word(out[out.length - 1]) && word(src[i])) out += ' ';
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/** Reads one generated converter's source: undefined when it is not in the generated shape. */
function readConverter(fn: Function): { name: string; fields: Array<Omit<ConverterField, 'of'> & { of?: string }> } | undefined {
  const src = compactSource(Function.prototype.toString.call(fn));
  const m = src === undefined ? null : CONVERTER_SOURCE.exec(src);
  if (!m || m[1] !== fn.name) return undefined;
  const body = m[2];
  const fields: Array<Omit<ConverterField, 'of'> & { of?: string }> = [];
  const keys = new Set<string>();
  let at = 0;
  while (at < body.length) {
    let field: (typeof fields)[number] | undefined;
    for (const [form, re] of FIELD_FORMS) {
      re.lastIndex = at;
      const f = re.exec(body);
      if (!f) continue;
      // Captures: the key (three ways), then the prop(s) and converter in the order they appear.
      const key = f[1] ?? f[2] ?? f[3];
      const rest = f.slice(4).filter((x) => x !== undefined);
      const converter = rest.find((x) => x.startsWith('toJson_'));
      const props = rest.filter((x) => x !== converter);
      if (props.length === 0 || props.some((p) => p !== props[0])) return undefined;
      field = { key, prop: props[0], form, of: converter };
      at = re.lastIndex;
      break;
    }
    // Keys the result could not hold as written: duplicates, `__proto__`, array indexes (listed first).
    if (!field || keys.has(field.key) || field.key === '__proto__' || /^(0|[1-9]\d*)$/.test(field.key)) return undefined;
    keys.add(field.key);
    fields.push(field);
  }
  return { name: m[1], fields };
}

/**
 * The schema of the generated converter `fn` and of every converter it calls (looked up by name in
 * `exports`, the module that defines them), or undefined when any of them is not in the
 * generated shape. Cached per function.
 */
export function generatedConverterSchema(fn: Function, exports: Record<string, unknown>): ConverterSchema | undefined {
  const cached = SCHEMAS.get(fn);
  if (cached !== undefined || SCHEMAS.has(fn)) return cached;
  const read = new Map<Function, ReturnType<typeof readConverter>>();
  const pending = [fn];
  while (pending.length > 0) {
    const f = pending.pop()!;
    if (read.has(f)) continue;
    const converter = readConverter(f);
    read.set(f, converter);
    if (!converter) break;
    for (const field of converter.fields) {
      if (field.of === undefined) continue;
      const callee = Object.prototype.hasOwnProperty.call(exports, field.of) ? exports[field.of] : undefined;
      if (typeof callee !== 'function') {
        read.set(f, undefined);
        break;
      }
      pending.push(callee);
    }
  }
  if ([...read.values()].some((c) => c === undefined)) {
    SCHEMAS.set(fn, undefined);
    return undefined;
  }
  // Link by name (the graph has cycles: JSONSchemaProps holds JSONSchemaProps).
  const byName = new Map<string, { name: string; fields: ConverterField[] }>();
  for (const c of read.values()) byName.set(c!.name, { name: c!.name, fields: [] });
  for (const c of read.values()) {
    const schema = byName.get(c!.name)!;
    for (const f of c!.fields) schema.fields.push({ key: f.key, prop: f.prop, form: f.form, ...(f.of ? { of: byName.get(f.of)! } : {}) });
  }
  const schema = byName.get(fn.name)!;
  SCHEMAS.set(fn, schema);
  return schema;
}

const SCHEMAS = new Map<Function, ConverterSchema | undefined>();

/** Thrown where the generated code would throw or do something this replica leaves to it. */
const NOT_CONVERTED = Symbol('left to the generated converter');

/**
 * What the generated converter of `schema` returns for `obj`, with one copy per object. Throws
 * NOT_CONVERTED where the generated code would throw (it is then called, for its exact error) or
 * meet anything but plain JSON.
 */
export function convertGenerated(schema: ConverterSchema, obj: any, into?: object): any {
  if (obj === undefined) return undefined;
  if (obj === null) throw NOT_CONVERTED;
  const out: any = into ?? {};
  for (const f of schema.fields) {
    const v = obj[f.prop];
    let r: any;
    switch (f.form) {
      case 'value': r = v; break;
      case 'convert': r = convertGenerated(f.of!, v); break;
      case 'list': r = v == null ? undefined : arrayOf(v).map((y) => convertGenerated(f.of!, y)); break;
      case 'copy': r = v == null ? undefined : arrayOf(v).slice(); break;
      case 'number': r = v == null ? undefined : v.value; break;
      case 'date': if (v != null) throw NOT_CONVERTED; break;
      default: r = v === undefined ? undefined : convertMap(f, v); break;
    }
    if (r !== undefined) out[f.key] = r;
  }
  return out;
}

function arrayOf(v: unknown): any[] {
  if (!Array.isArray(v)) throw NOT_CONVERTED;
  return v;
}

// The map forms: `Object.entries(v)` of a plain object, entries with an undefined value left out.
function convertMap(f: ConverterField, v: any): any {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw NOT_CONVERTED;
  const out: any = {};
  for (const k of Object.keys(v)) {
    const x = v[k];
    if (x === undefined) continue;
    if (k === '__proto__') throw NOT_CONVERTED;
    switch (f.form) {
      case 'map': out[k] = x; break;
      case 'mapConvert': out[k] = convertGenerated(f.of!, x); break;
      case 'mapList': out[k] = x == null ? undefined : arrayOf(x).map((y) => convertGenerated(f.of!, y)); break;
      case 'mapCopy': out[k] = x == null ? undefined : arrayOf(x).slice(); break;
      default: out[k] = x == null ? undefined : x.value; break;
    }
  }
  return out;
}

/** cdk8s's `ApiObject.prototype.toJson`, step for step, with the default resolvers and sorted keys. */
function apiObjectToJson(apiObject: ApiObject): any {
  const self = apiObject as unknown as ApiObjectInternals;
  // Saved and restored in case a Lazy value renders another object through this replica.
  const outerSettled = settled;
  const outerUnsettled = unsettled;
  try {
    // `{ ...props, metadata: metadata.toJson() }`, in that order.
    const data: any = { ...self.props };
    unsettled = !primitivesInert || !arraysInert;
    const metadata = metadataToJson(self.metadata);
    data.metadata = metadata;
    // cdk8s resolves the metadata's toJson() once more with the whole object: unless the first pass
    // says that could change it, that copy is skipped (it would be an equal copy).
    settled = unsettled ? undefined : metadata;
    const json = plain(data, false);
    // With no operations, JsonPatch.apply returns the document itself (after cloning the empty list).
    const patched = self.patches.length === 0 ? json : JsonPatch.apply(json, ...self.patches);
    // cdk8s: apiVersion, kind and metadata first, then the rest.
    const result: any = {};
    if ('apiVersion' in patched) result.apiVersion = patched.apiVersion;
    if ('kind' in patched) result.kind = patched.kind;
    if ('metadata' in patched) result.metadata = patched.metadata;
    const keys = Object.keys(patched);
    for (let i = 0; i < keys.length; i++) result[keys[i]] = patched[keys[i]];
    return result;
  } catch (e) {
    if (e === NOT_PLAIN) throw e;
    throw new Error(`Failed serializing construct at path '${apiObject.node.path}' with name '${apiObject.name}': ${e}`);
  } finally {
    settled = outerSettled;
    unsettled = outerUnsettled;
  }
}

/** cdk8s's `ApiObjectMetadataDefinition.prototype.toJson` (unless a subclass replaced it). */
function metadataToJson(m: MetadataInternals): any {
  if (m.toJson !== ApiObjectMetadataDefinition.prototype.toJson) {
    unsettled = true; // not an output of plain()
    return m.toJson();
  }
  const usual = metadataFields(m);
  if (usual !== UNUSUAL_METADATA) return usual;
  return plain({
    ...m._additionalAttributes,
    name: m.name,
    namespace: m.namespace,
    annotations: m.annotations,
    finalizers: m.finalizers,
    ownerReferences: m.ownerReferences,
    labels: m.labels,
  }, true);
}

/** The fields `toJson()` writes over the additional attributes, in its order. */
const METADATA_FIELDS = ['name', 'namespace', 'annotations', 'finalizers', 'ownerReferences', 'labels'] as const;
type MetadataField = (typeof METADATA_FIELDS)[number];
const METADATA_FIELD_SET = new Set<string>(METADATA_FIELDS);
const UNUSUAL_METADATA = Symbol('metadata with other attributes');

/**
 * `metadataToJson` for the usual metadata, whose additional attributes (the options cdk8s built it
 * from, plus `add()`) are all among its six fields: what `plain` does with the spread object, without
 * building it. The spread's keys are those attributes in their order, then the other fields in
 * `METADATA_FIELDS` order, each with the field's value; they resolve in that order and come out
 * sorted (annotations, finalizers, labels, name, namespace, ownerReferences). UNUSUAL_METADATA for
 * any other attribute, or when prototypes carry a `resolve` or `value` (see `primitivesInert`).
 */
function metadataFields(m: MetadataInternals): any {
  if (!primitivesInert) return UNUSUAL_METADATA;
  const extra = m._additionalAttributes as Record<string, unknown>;
  let order: readonly MetadataField[] = METADATA_FIELDS;
  const own = Object.keys(extra);
  if (own.length > 0) {
    const first: MetadataField[] = [];
    for (const k of own) {
      if (!METADATA_FIELD_SET.has(k)) return UNUSUAL_METADATA;
      first.push(k as MetadataField);
    }
    order = first.length === METADATA_FIELDS.length ? first : [...first, ...METADATA_FIELDS.filter((f) => !first.includes(f))];
  }
  // The spread object holds the fields' values before any of them resolves.
  let name = m.name as any;
  let namespace = m.namespace as any;
  let annotations = m.annotations;
  let finalizers = m.finalizers;
  let ownerReferences = m.ownerReferences;
  let labels = m.labels;
  for (const f of order) {
    switch (f) {
      case 'name': name = plain(name, true); break;
      case 'namespace': namespace = plain(namespace, true); break;
      case 'annotations': annotations = plain(annotations, true); break;
      case 'finalizers': finalizers = plain(finalizers, true); break;
      case 'ownerReferences': ownerReferences = plain(ownerReferences, true); break;
      default: labels = plain(labels, true); break;
    }
  }
  const result: any = {};
  let size = 0;
  if (annotations != null) { result.annotations = annotations; size++; }
  if (finalizers != null) { result.finalizers = finalizers; size++; }
  if (labels != null) { result.labels = labels; size++; }
  if (name != null) { result.name = name; size++; }
  if (namespace != null) { result.namespace = namespace; size++; }
  if (ownerReferences != null) { result.ownerReferences = ownerReferences; size++; }
  return size === 0 ? undefined : result;
}

/**
 * `sanitizeValue(resolve([], value, apiObject), { sortKeys: true, filterEmptyArrays: filterEmpty,
 * filterEmptyObjects: filterEmpty })` with cdk8s's built-in resolvers, in one copy. Values resolve in
 * the order cdk8s resolves them (keys in insertion order), so Lazy values are produced in the same
 * order. Throws NOT_PLAIN where sanitizeValue would see anything but a plain object, an array or a
 * primitive.
 */
function plain(value: any, filterEmpty: boolean): any {
  // Most values: no resolver replaces a string, number or boolean (unless their prototypes say otherwise).
  const type = typeof value;
  if ((type === 'string' || type === 'number' || type === 'boolean') && primitivesInert) return value;
  if (value === settled) return value; // (undefined is returned as undefined anyway)
  // resolve(): the first resolver that replaces the value wins, and the new value is resolved again.
  for (let replaced = 0; ; replaced++) {
    if (value == null) return undefined; // sanitizeValue turns null into undefined
    if (replaced > 10_000) throw NOT_PLAIN; // a value that resolves to itself: cdk8s overflows its stack
    if (value instanceof Lazy) { // LazyResolver
      value = value.produce();
    } else if (typeof value.resolve === 'function') { // ImplicitTokenResolver
      value = value.resolve();
    } else if (value.constructor !== Object && NUMBER_OR_STRING.includes(typeof value.value)) { // NumberStringUnionResolver
      value = { value: value.value };
    } else {
      break;
    }
  }
  if (typeof value !== 'object') {
    // A Lazy value's string, number or boolean, or a function, a symbol, a bigint.
    if (!primitivesInert || (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean')) unsettled = true;
    return value;
  }
  if (Array.isArray(value)) {
    if (filterEmpty && value.length === 0) return undefined;
    return value.map((x) => plain(x, filterEmpty));
  }
  // resolve() leaves any other object as it is, for sanitizeValue to walk (class name 'Object') or reject.
  if (value.constructor !== Object) throw NOT_PLAIN;
  const keys = Object.keys(value);
  const n = keys.length;
  const result: any = {};
  let size = 0;
  let sorted = true;
  for (let i = 1; i < n && sorted; i++) sorted = keys[i - 1] < keys[i];
  if (sorted) {
    // Resolved in insertion order is sorted order: no copy of the values to reorder.
    for (let i = 0; i < n; i++) {
      const key = keys[i];
      if (key === '__proto__') throw NOT_PLAIN;
      const r = plain(value[key], filterEmpty);
      if (r != null) {
        result[key] = r;
        size++;
      }
    }
    return filterEmpty && size === 0 ? undefined : result;
  }
  const resolved: any[] = new Array(n);
  for (let i = 0; i < n; i++) {
    // resolve() builds its copy by assignment, where this key sets the prototype instead.
    if (keys[i] === '__proto__') throw NOT_PLAIN;
    resolved[i] = plain(value[keys[i]], filterEmpty);
  }
  for (const i of sortedIndexes(keys)) {
    if (resolved[i] != null) {
      result[keys[i]] = resolved[i];
      size++;
    }
  }
  return filterEmpty && size === 0 ? undefined : result;
}

/**
 * Whether cdk8s's resolvers leave every string, number and boolean as it is: true unless someone
 * gave their prototypes (or Object's) a `resolve` or `value`. Checked when a renderer is made.
 */
let primitivesInert = false;

/** Whether cdk8s's resolvers leave every array as it is: no `resolve` or `value` on Array's prototype. */
let arraysInert = false;

/**
 * Set by `plain` when what it returned might not come back unchanged from another `plain`: when it
 * holds a value other than a plain object, an array, a string, a number or a boolean. Otherwise a
 * second pass finds nothing to resolve: the objects it built are `{}` with sorted keys and no null
 * values, so a resolver could only act on one through an own `resolve` or `constructor` holding a
 * function (which sets this flag), or through prototypes, which the caller checks
 * (`primitivesInert`, `arraysInert`). Cleared by the caller that wants to know.
 */
let unsettled = false;

/** An output of `plain` that `plain` returns as it is (an equal copy otherwise): see `apiObjectToJson`. */
let settled: unknown;

function primitivesAreInert(): boolean {
  return [String.prototype, Number.prototype, Boolean.prototype].every((p) => !('resolve' in p) && !('value' in p));
}

const NUMBER_OR_STRING = ['number', 'string'];

/** The indexes of `keys` in the order of `keys.slice().sort()` (UTF-16 code units). */
function sortedIndexes(keys: readonly string[]): number[] {
  const n = keys.length;
  const order = new Array<number>(n);
  for (let i = 0; i < n; i++) order[i] = i;
  if (n > 12) return order.sort((a, b) => (keys[a] < keys[b] ? -1 : keys[a] > keys[b] ? 1 : 0));
  // Insertion sort: most objects have a few keys, often in order already. Keys are distinct.
  for (let i = 1; i < n; i++) {
    const x = order[i];
    let j = i - 1;
    while (j >= 0 && keys[order[j]] > keys[x]) {
      order[j + 1] = order[j];
      j--;
    }
    order[j + 1] = x;
  }
  return order;
}

/**
 * cdk8s's own `Chart.prototype.toJson`: `App._synthChart(chart)`, which resolves dependencies and
 * validates the whole app, then returns `chartToKube(chart).map(o => o.toJson())`. With those two
 * steps done once for the app, the objects' `toJson()` in `chartToKube` order is its exact result.
 */
export const CDK8S_CHART_TO_JSON: (this: Chart) => any[] = Chart.prototype.toJson;

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

/** The installed cdk8s version. */
export function cdk8sVersion(): string {
  return JSON.parse(fs.readFileSync(path.join(cdk8sRoot(), 'package.json'), 'utf8')).version;
}

/**
 * The sha256 of the whitespace-normalized source of every cdk8s function listed in
 * `VERIFIED_CDK8S.fingerprints`, read from the installed cdk8s; 'missing' when not found. The
 * version string jsii writes into each class is left out, so a patch release that changes none of
 * this code passes.
 * For the guard test: a difference means cdk8s changed code that timonel replicates.
 */
export function cdk8sFingerprints(): Record<string, string> {
  const out: Record<string, string> = {};
  const sources = new Map<string, string>();
  for (const key of Object.keys(VERIFIED_CDK8S.fingerprints)) {
    const file = key.split('#')[0];
    if (!sources.has(file)) sources.set(file, fs.readFileSync(path.join(cdk8sRoot(), file), 'utf8'));
    const body = extractBlock(sources.get(file)!, FINGERPRINT_HEADS[key]);
    out[key] = body === undefined ? 'missing' : sha256(body.replace(/\s+/g, ' ').replace(/version: "[^"]*"/g, 'version: ""').trim());
  }
  return out;
}

// Where each fingerprinted block starts in the compiled cdk8s source.
const FINGERPRINT_HEADS: Record<string, string> = {
  'lib/app.js#validate': 'function validate(app, cache) {',
  'lib/app.js#buildDependencies': 'function buildDependencies(app, cache) {',
  'lib/app.js#resolveDependencies': 'function resolveDependencies(app, cache) {',
  'lib/app.js#chartToKube': 'function chartToKube(chart) {',
  'lib/app.js#App._synthChart': 'static _synthChart(chart) {',
  'lib/app.js#App.constructor': '    constructor(props = {}) {',
  'lib/app.js#App.charts': 'get charts() {',
  'lib/app.js#App.synth': '    synth() {',
  'lib/app.js#App.writeConstructMetadata': 'writeConstructMetadata(apiObjects) {',
  'lib/app.js#SimpleChartNamer': 'class SimpleChartNamer {',
  'lib/app.js#IndexedChartNamer': 'class IndexedChartNamer extends SimpleChartNamer {',
  'lib/dependency.js#DependencyGraph': 'class DependencyGraph {',
  'lib/dependency.js#DependencyVertex': 'class DependencyVertex {',
  'lib/chart.js#Chart.toJson': '    toJson() {',
  'lib/api-object.js#ApiObject.constructor': '    constructor(scope, id, props) {',
  'lib/api-object.js#ApiObject.toJson': '    toJson() {',
  'lib/metadata.js#ApiObjectMetadataDefinition.constructor': '    constructor(options) {',
  'lib/metadata.js#ApiObjectMetadataDefinition.toJson': '    toJson() {',
  'lib/resolve.js#ResolutionContext': 'class ResolutionContext {',
  'lib/resolve.js#LazyResolver': 'class LazyResolver {',
  'lib/resolve.js#ImplicitTokenResolver': 'class ImplicitTokenResolver {',
  'lib/resolve.js#NumberStringUnionResolver': 'class NumberStringUnionResolver {',
  'lib/resolve.js#resolve': 'function resolve(key, value, apiObject) {',
  'lib/_util.js#sanitizeValue': 'function sanitizeValue(obj, options = {}) {',
};

function cdk8sRoot(): string {
  return path.dirname(require.resolve('cdk8s/package.json'));
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

// The text from `head` to its matching closing brace (the compiled code has no braces in strings here).
function extractBlock(source: string, head: string): string | undefined {
  const start = source.indexOf(head);
  if (start < 0) return undefined;
  let depth = 0;
  for (let i = start + head.length - 1; i < source.length; i++) {
    if (source[i] === '{') depth++;
    else if (source[i] === '}' && --depth === 0) return source.slice(start, i + 1);
  }
  return undefined;
}
