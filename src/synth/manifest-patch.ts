import { ApiObject, JsonPatch } from 'cdk8s';
import { IConstruct } from 'constructs';
import { fail, formatValue, isConstruct } from '../core/errors';
import { addedJsonPatches, PatchOperation, patchOperation } from './cdk8s-internals';

/** Each patched object's manifest patches, in the order they were given. */
const manifestPatches = new WeakMap<ApiObject, JsonPatch[]>();

/**
 * Applies RFC 6902 JSON patches to the **final manifest** of an object: the document written to
 * the YAML, in Kubernetes field names (`hostPID`, `nvidia.com/gpu`) and plain values (`'4'`).
 *
 * cdk8s's own `ApiObject.of(x).addJsonPatch(...)` patches the generated `Kube*` objects (every
 * object timonel's constructs make) *before* they are converted to Kubernetes JSON, so its paths
 * must use cdk8s prop names (`hostPid`) and quantities must be `k8s.Quantity` values; a Kubernetes
 * path there is silently dropped or rendered as `null` (timonel's synth then fails and says so).
 * `patchManifest` patches after that conversion, so the paths and values are the ones you see
 * in `dist/`, and the policies check the patched object.
 *
 * The patches apply every time the object renders (`app.synth()`, `App.render`, `Testing.synth`,
 * `timonel/testing`'s `synth`, the policy run), each time to a freshly rendered document, so two
 * renders give the same result. Later calls append patches; they apply in order, after any
 * `addJsonPatch` ones. How: the first call gives this one object an own `toJson` that calls the
 * one it had and then applies the patches (nothing global is changed, and no other object).
 * Paths are JSON pointers (`/` in a key is `~1`); a patch that cannot apply (a missing parent)
 * fails the render with a TimonelError naming the object and the patch.
 *
 * @example
 * patchManifest(web.deployment, JsonPatch.add('/spec/template/spec/containers/0/resources/limits/nvidia.com~1gpu', '4'));
 *
 * @param target the object to patch (an ApiObject such as `web.deployment`, or a construct whose
 *   default child is one, as `ApiObject.of` finds it)
 * @param patches the operations (`JsonPatch.add`, `replace`, `remove`, `copy`, `move`, `test`)
 */
export function patchManifest(target: IConstruct, ...patches: JsonPatch[]): void {
  const obj = apiObjectOf(target);
  patches.forEach((p, i) => {
    if (!(p instanceof JsonPatch)) {
      fail({
        scope: obj, prop: `patchManifest patches[${i}]`, message: 'must be a JsonPatch', value: p,
        allowed: "JsonPatch.add/replace/remove/copy/move/test from 'cdk8s'", fix: "patchManifest(obj, JsonPatch.add('/spec/template/spec/hostPID', true))",
      });
    }
  });
  let list = manifestPatches.get(obj);
  if (!list) {
    list = [];
    manifestPatches.set(obj, list);
    const own = list;
    // The object's toJson as it is now (its class's); the patches go on top of what it renders.
    const render: () => any = obj.toJson;
    Object.defineProperty(obj, 'toJson', {
      value: function toJson(this: ApiObject): any {
        return applyManifestPatches(this, render.call(this), own);
      },
      configurable: true,
      writable: true,
      enumerable: false,
    });
  }
  list.push(...patches);
}

/** The operations given to `patchManifest` for an object (none: an empty list). */
function manifestPatchesOf(obj: ApiObject): PatchOperation[] {
  return (manifestPatches.get(obj) ?? []).map(patchOperation).filter((o): o is PatchOperation => o !== undefined);
}

function apiObjectOf(target: IConstruct): ApiObject {
  const obj = target && typeof target === 'object' && 'node' in target
    ? (ApiObject.isApiObject(target) ? target : target.node.defaultChild) : undefined;
  if (!obj || !ApiObject.isApiObject(obj)) {
    fail({
      path: isConstruct(target) ? target.node.path : undefined,
      prop: 'patchManifest target', message: 'must be an ApiObject or a construct whose default child is one', value: target,
      allowed: 'an object such as web.deployment or batch.cronJob', fix: 'pass the Kubernetes object itself, e.g. patchManifest(web.deployment, ...)',
    });
  }
  return obj as ApiObject;
}

function applyManifestPatches(obj: ApiObject, doc: any, patches: readonly JsonPatch[]): any {
  // A copy, so nothing the object's props share with its rendering is ever patched in place.
  let out = structuredClone(doc);
  for (const p of patches) {
    try {
      out = JsonPatch.apply(out, p);
    } catch (e) {
      const op = patchOperation(p);
      fail({
        scope: obj, prop: 'patchManifest', message: `cannot apply ${describe(op)} to the manifest (${firstLine(e)})`,
        allowed: 'a path of the synthesized manifest, in Kubernetes field names (hostPID, nvidia.com~1gpu for nvidia.com/gpu)',
        fix: 'check the path against the YAML in dist/ (add and replace create only the last segment; remove, move and copy need the path to exist)',
      });
    }
  }
  return out;
}

/**
 * Fails when a patch added with cdk8s's `addJsonPatch` is lost or mangled in the object's final
 * manifest `doc`: an `add` or `replace` of a value whose path (or a value under it) is missing,
 * `null` or undefined there. cdk8s applies these patches to a generated `Kube*` object's props
 * before converting them to Kubernetes JSON, so a Kubernetes field name (`hostPID`) is dropped
 * and a plain quantity (`'4'`) becomes null. Only objects with patches are looked at; a patch
 * that a later one (or a `patchManifest` patch) touches again is not judged. Called where timonel
 * renders an object (the app synthesis, `TimonelChart.toJson`); a plain cdk8s chart rendered by
 * cdk8s alone is not checked.
 */
export function checkAddedJsonPatches(obj: ApiObject, doc: unknown): void {
  const ops = addedJsonPatches(obj);
  if (!ops) return;
  const later = [...ops, ...manifestPatchesOf(obj)];
  ops.forEach((op, i) => {
    if ((op.op !== 'add' && op.op !== 'replace') || op.value === undefined || op.value === null) return;
    const segments = pointer(op.path);
    if (!segments || segments[segments.length - 1] === '-') return;
    if (later.slice(i + 1).some((o) => touches(o, segments))) return;
    // The value as the patch library writes it (a k8s.Quantity is { value }).
    const expected = JSON.parse(JSON.stringify(op.value));
    const lost = lostPath(expected, at(doc, segments), segments);
    if (!lost) return;
    const where = lost.length === segments.length ? op.path : `${toPointer(lost)}, under ${op.path},`;
    const found = at(doc, lost);
    const parent = at(doc, lost.slice(0, -1));
    const state = found === null ? 'null' : parent !== null && typeof parent === 'object' && lost[lost.length - 1] in parent ? 'undefined (written as null)' : 'missing';
    fail({
      scope: obj, prop: 'addJsonPatch',
      message: `${describe(op)} is lost in the synthesized manifest: ${where} is ${state} there, because cdk8s applies `
        + 'addJsonPatch to the props of a generated Kube* object before converting them to Kubernetes JSON (a Kubernetes field name such as hostPID is dropped, '
        + "a plain quantity such as '4' becomes null)",
      value: found,
      allowed: 'a patch of the final manifest with patchManifest, or an addJsonPatch in cdk8s prop names (hostPid) and k8s.Quantity values',
      fix: `import { patchManifest } from 'timonel' and write patchManifest(ApiObject.of(x), JsonPatch.${op.op}('${op.path}', ${formatValue(op.value)})) instead`,
    });
  });
}

/** The first path under `segments` where `expected` has a value and `actual` has none. */
function lostPath(expected: unknown, actual: unknown, segments: readonly string[]): string[] | undefined {
  if (expected === null || expected === undefined) return undefined;
  if (actual === null || actual === undefined) return [...segments];
  // A converted value (a Quantity object rendered as a string) is there: not lost.
  if (typeof expected !== 'object' || typeof actual !== 'object') return undefined;
  if (Array.isArray(expected) !== Array.isArray(actual)) return undefined;
  for (const [k, v] of Object.entries(expected as object)) {
    const lost = lostPath(v, (actual as any)[k], [...segments, k]);
    if (lost) return lost;
  }
  return undefined;
}

/** Whether a later operation changes (or moves) what is at `segments`, so its final value says nothing. */
function touches(op: PatchOperation, segments: readonly string[]): boolean {
  if (op.op === 'test') return false;
  for (const p of [op.path, op.from]) {
    const s = p === undefined ? undefined : pointer(p);
    if (!s) continue;
    if (isPrefix(s, segments) || isPrefix(segments, s)) return true;
    // An insertion into (or removal from) an array above shifts the indexes after it.
    const last = s[s.length - 1];
    if ((last === '-' || /^\d+$/.test(last)) && isPrefix(s.slice(0, -1), segments)) return true;
  }
  return false;
}

function isPrefix(a: readonly string[], b: readonly string[]): boolean {
  return a.length <= b.length && a.every((x, i) => x === b[i]);
}

function at(doc: unknown, segments: readonly string[]): unknown {
  let x: any = doc;
  for (const s of segments) {
    if (x === null || typeof x !== 'object') return undefined;
    x = x[s];
  }
  return x;
}

/** A JSON pointer's segments ('/a/b~1c' -> ['a', 'b/c']); undefined for the root or a malformed one. */
function pointer(path: string): string[] | undefined {
  if (!path.startsWith('/')) return undefined;
  return path.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function toPointer(segments: readonly string[]): string {
  return segments.map((s) => `/${s.replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

function describe(op: PatchOperation | undefined): string {
  if (!op) return 'a patch';
  const from = op.from === undefined ? '' : ` from ${op.from}`;
  return `${op.op} ${op.path}${from}${'value' in op ? ` ${formatValue(op.value)}` : ''}`;
}

function firstLine(e: unknown): string {
  return String(e instanceof Error ? e.message : e).split('\n')[0];
}
