import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { IConstruct } from 'constructs';
import { Finding, formatFinding } from '../policies';
import { stringifyDocs } from '../synth/yaml';
import { formatValue } from '../core/errors';
import { parseQuantity } from '../core/quantity';
import { markedFiles } from './publish';

/** The id next to these warnings (`warning: … (immutable-field)`); not a policy rule: nothing to suppress. */
const IMMUTABLE_FIELD = 'immutable-field';
/** The id of the warning about a removed StatefulSet whose claims stay behind. */
const ORPHANED_CLAIMS = 'orphaned-claims';

/** A new object and the construct it comes from. */
export interface OutputObject {
  readonly manifest: any;
  readonly source?: IConstruct;
}

/** The kinds with fields the API server refuses to update (Kubernetes 1.28); the others are never read back. */
const CHECKED = /^kind: (StatefulSet|Deployment|ReplicaSet|DaemonSet|Service|Job|PersistentVolumeClaim|RoleBinding|ClusterRoleBinding|ConfigMap|Secret)$/m;

/**
 * The changes from the previous output in `dir` to `objects` that the API server refuses to apply
 * (Kubernetes 1.28 validation), and the StatefulSets removed with claims left behind, as warnings.
 * Reads only the files listed in `dir`'s `.timonel` marker (nothing when it has none, as on a
 * first synth), one at a time, and parses only what may hold such a change: an old document is
 * compared by the hash of its text, then of the text of its fields that cannot change (the
 * `spec.selector` of a Deployment, not its pod template), and parsed only when those differ.
 */
export function changesSincePrevious(dir: string, objects: Iterable<OutputObject>): Finding[] {
  const files = markedFiles(dir);
  if (files.length === 0) return [];
  const next = new Map<string, Next>();
  // A new document's text, hashed, to its key: an old document with that text is unchanged.
  const unchanged = new Map<string, string>();
  for (const o of objects) {
    const m = o.manifest;
    if (!m || typeof m !== 'object' || !CHECKED.test(`kind: ${m.kind}`)) continue;
    const text = stringifyDocs([m]);
    const blocks = blocksOf(text);
    next.set(keyOf(m), { ...o, fixed: blocks && hash(fixedText(m.kind, blocks)) });
    unchanged.set(hash(text), keyOf(m));
  }
  // The new objects that the previous output held too.
  const kept = new Set<string>();
  const where = dir.split(path.sep).join('/');
  const out: Finding[] = [];
  const removed: Array<{ manifest: any; file: string }> = [];
  for (const file of files) {
    const text = readListed(dir, file);
    if (text === undefined) continue;
    for (const chunk of text.split(/^---\n/m)) {
      if (!CHECKED.test(chunk)) continue;
      const same = unchanged.get(hash(chunk));
      if (same !== undefined) {
        kept.add(same);
        continue;
      }
      const blocks = blocksOf(chunk);
      const key = blocks && keyOfText(blocks);
      const candidate = key === undefined ? undefined : next.get(key);
      if (candidate) kept.add(key!);
      // Its fields that cannot change are those of the new object: nothing to parse.
      if (candidate?.fixed !== undefined && candidate.fixed === hash(fixedText(candidate.manifest.kind, blocks!))) continue;
      if (key !== undefined && !candidate && !(blocks!.has('spec.volumeClaimTemplates') && /^kind: StatefulSet$/m.test(chunk))) continue;
      const old = parsed(chunk);
      if (!old) continue;
      const now = next.get(keyOf(old));
      if (now) kept.add(keyOf(old));
      if (now) out.push(...refused(old, now, where));
      else if (old.kind === 'StatefulSet' && claimTemplates(old).length > 0) removed.push({ manifest: old, file: `${where}/${file}` });
    }
  }
  out.push(...orphanedClaims(removed, [...next].filter(([k]) => !kept.has(k)).map(([, o]) => o), where));
  return out;
}

/** A new object, with the hash of the text of its fields whose changes may be refused (as written). */
interface Next extends OutputObject {
  readonly fixed?: string;
}

/** A file the marker lists: only a YAML file inside the folder (whatever a hand-edited marker says), not the kustomization. */
function readListed(dir: string, file: string): string | undefined {
  if (!/\.ya?ml$/.test(file) || path.posix.basename(file) === 'kustomization.yaml') return undefined;
  const full = path.resolve(dir, file);
  if (!full.startsWith(path.resolve(dir) + path.sep)) return undefined;
  try {
    return fs.lstatSync(full).isFile() ? fs.readFileSync(full, 'utf8') : undefined;
  } catch {
    return undefined;
  }
}

function parsed(doc: string): any {
  try {
    const old = parse(withoutPodTemplate(doc), { version: '1.1' });
    return old && typeof old === 'object' && typeof old.metadata?.name === 'string' ? old : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The text of each top-level field of a document as timonel writes it (block style, two-space
 * indent), and of each field of its `spec` and `metadata` (`spec.selector`); undefined for a document in any
 * other shape, which is then parsed.
 */
function blocksOf(doc: string): Map<string, string> | undefined {
  const blocks = new Map<string, string>();
  let top: string | undefined;
  let child: string | undefined;
  for (const line of doc.split('\n')) {
    if (line === '') continue;
    const key = /^([A-Za-z]+):(?: |$)/.exec(line);
    if (key) {
      top = key[1];
      child = undefined;
    } else if (top === undefined || !line.startsWith(' ')) {
      return undefined;
    } else if (top === 'spec' || top === 'metadata') {
      const sub = /^ {2}([A-Za-z]+):(?: |$)/.exec(line);
      if (sub) child = `${top}.${sub[1]}`;
    }
    blocks.set(top, (blocks.get(top) ?? '') + line + '\n');
    if (child !== undefined) blocks.set(child, (blocks.get(child) ?? '') + line + '\n');
  }
  return blocks;
}

/** The text of the fields of a `kind` whose changes may be refused (what `changesOf` reads). */
function fixedText(kind: string, blocks: ReadonlyMap<string, string>): string {
  const of = (names: readonly string[]) => names.map((n) => blocks.get(n) ?? `${n}\n`).join('');
  switch (kind) {
    case 'StatefulSet': return [...blocks.keys()].filter((k) => k.startsWith('spec.') && !STS_UPDATABLE.has(k.slice(5))).sort().map((k) => blocks.get(k)).join('');
    case 'Deployment':
    case 'ReplicaSet':
    case 'DaemonSet':
      return of(['spec.selector']);
    case 'RoleBinding':
    case 'ClusterRoleBinding':
      return of(['roleRef']);
    case 'ConfigMap':
    case 'Secret':
      return of(['type', 'immutable', 'data', 'binaryData', 'stringData']);
    // A Job's annotations tell an Argo CD hook or a Flux forced apply.
    case 'Job': return of(['spec', 'metadata.annotations']);
    default: return of(['spec']);
  }
}

/** The key of a document from its text: metadata's two-space `name` and `namespace`. */
function keyOfText(blocks: ReadonlyMap<string, string>): string | undefined {
  const value = (text: string | undefined, re: RegExp): string | undefined => {
    const v = text === undefined ? undefined : re.exec(text)?.[1];
    // Anything but a plain DNS name (quoted, say) is left to the parser.
    return v === undefined || /^[A-Za-z0-9][A-Za-z0-9./-]*$/.test(v) ? v : '\0';
  };
  const apiVersion = value(blocks.get('apiVersion'), /^apiVersion: (.*)$/m);
  const kind = value(blocks.get('kind'), /^kind: (.*)$/m);
  const name = value(blocks.get('metadata'), /^ {2}name: (.*)$/m);
  const namespace = value(blocks.get('metadata'), /^ {2}namespace: (.*)$/m) ?? '';
  if ([apiVersion, kind, name, namespace].some((v) => v === undefined || v === '\0')) return undefined;
  return `${apiVersion}\0${kind}\0${namespace}\0${name}`;
}

/** Workload controllers whose pod template may change at will: it is not parsed (most of their text). */
const TEMPLATE_FREE = /^kind: (StatefulSet|Deployment|ReplicaSet|DaemonSet)$/m;

/** The document without the `spec.template` block of a workload controller (a key at two spaces, in `spec`). */
function withoutPodTemplate(doc: string): string {
  if (!TEMPLATE_FREE.test(doc)) return doc;
  const start = doc.search(/^  template:\n/m);
  if (start < 0) return doc;
  const rest = doc.slice(start + '  template:\n'.length);
  // The block ends at the first line indented two spaces or less.
  const end = rest.search(/^ {0,2}\S/m);
  return doc.slice(0, start) + (end < 0 ? '' : rest.slice(end));
}

function keyOf(m: any): string {
  return `${m.apiVersion}\0${m.kind}\0${m.metadata?.namespace ?? ''}\0${m.metadata?.name}`;
}

function hash(text: string): string {
  return createHash('sha1').update(text).digest('base64');
}

/** One refused change: the field (a group of leaves), its leaves, why and the fix. */
interface Change {
  readonly field: string;
  readonly leaves: readonly Leaf[];
  readonly why: string;
  readonly fix: string;
  /** The server keeps the old value instead of refusing. */
  readonly kept?: boolean;
}

interface Leaf {
  readonly path: string;
  readonly old: unknown;
  readonly now: unknown;
}

const APPLY_FAILS = 'kubectl apply, an Argo CD sync and a Flux reconcile fail on it';
const STS_ALLOWED = "a StatefulSet's spec may change only in replicas, ordinals, template, updateStrategy, persistentVolumeClaimRetentionPolicy and minReadySeconds";
const STS_UPDATABLE = new Set(['replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy', 'minReadySeconds']);
const STS_DEFAULTS: Record<string, unknown> = { podManagementPolicy: 'OrderedReady', revisionHistoryLimit: 10 };
const STORAGE_DOC = "timonel's docs/stateful-store.md";

function refused(old: any, now: OutputObject, where: string): Finding[] {
  const m = now.manifest;
  const changes = changesOf(old, m);
  return changes.map((c) => finding(IMMUTABLE_FIELD, m, c.leaves.length === 1 ? c.leaves[0].path : c.field, describe(c, where), c.fix, now.source?.node.path, where));
}

function changesOf(old: any, m: any): Change[] {
  const ns = m.metadata.namespace ? `-n ${m.metadata.namespace} ` : '';
  const name = m.metadata.name;
  switch (m.kind) {
    case 'StatefulSet': return statefulSetChanges(old, m, ns, name);
    case 'Deployment':
    case 'ReplicaSet':
    case 'DaemonSet':
      return selectorChange(old, m, ns, name);
    case 'Service': return serviceChanges(old, m, ns, name);
    case 'Job': return jobChanges(old, m, ns, name);
    case 'PersistentVolumeClaim': return claimChanges(old, m);
    case 'RoleBinding':
    case 'ClusterRoleBinding':
      return group('roleRef', old.roleRef, m.roleRef, `the roleRef of a ${m.kind} is immutable`,
        `delete the ${m.kind} (kubectl ${ns}delete ${m.kind.toLowerCase()} ${name}) and apply again (its subjects lose the permissions for a moment), or give the binding another name`);
    case 'ConfigMap':
    case 'Secret':
      return dataChanges(old, m, ns, name);
    default: return [];
  }
}

function statefulSetChanges(old: any, m: any, ns: string, name: string): Change[] {
  const out: Change[] = [];
  const before = old.spec ?? {};
  const after = m.spec ?? {};
  const orphan = `delete the StatefulSet but not its pods (kubectl ${ns}delete statefulset ${name} --cascade=orphan), then apply again `
    + '(with Argo CD or Flux, sync after the delete): the new StatefulSet adopts the running pods; or keep the old value';
  for (const key of [...new Set([...Object.keys(before), ...Object.keys(after)])].sort()) {
    if (STS_UPDATABLE.has(key)) continue;
    if (key === 'volumeClaimTemplates') {
      out.push(...templateChanges(before[key], after[key], ns, name));
      continue;
    }
    const fix = key === 'selector'
      ? `keep the construct id: the selector labels (app.kubernetes.io/name and instance) come from it, also when 'name' is set; to go ahead, delete the StatefulSet `
        + `(kubectl ${ns}delete statefulset ${name}: its pods stop, its claims stay) and apply again: the new pods reuse the claims, after a brief downtime`
      : orphan;
    out.push(...group(`spec.${key}`, before[key] ?? STS_DEFAULTS[key], after[key] ?? STS_DEFAULTS[key], STS_ALLOWED, fix));
  }
  return out;
}

/** The volumeClaimTemplates by name: each one's changes are one warning, with the procedure that fits them. */
function templateChanges(before: unknown, after: unknown, ns: string, name: string): Change[] {
  const byName = (list: unknown) => new Map((Array.isArray(list) ? list : []).map((t: any) => [String(t?.metadata?.name), normalTemplate(t)]));
  const olds = byName(before);
  const nows = byName(after);
  const out: Change[] = [];
  for (const tpl of [...new Set([...olds.keys(), ...nows.keys()])]) {
    const field = `spec.volumeClaimTemplates[${tpl}]`;
    const leaves: Leaf[] = [];
    diff(olds.get(tpl), nows.get(tpl), '', leaves);
    if (leaves.length === 0) continue;
    const claims = `${tpl}-${name}-<ordinal>`;
    const sizes = leaves.filter((l) => /resources\.requests\.storage$/.test(l.path));
    const classChange = leaves.some((l) => l.path === 'spec.storageClassName');
    const labelsOnly = leaves.every((l) => l.path.startsWith('metadata.labels'));
    const shrinks = sizes.some((l) => (parseQuantity(String(l.now)) ?? 0) < (parseQuantity(String(l.old)) ?? 0));
    let fix: string;
    if (classChange) {
      fix = `the claims ${claims} keep their storage class whatever the template says: move the data to a new store with the new class and copy it over, `
        + `as ${STORAGE_DOC} describes in 'Changing the storage class'; or keep the old class`;
    } else if (sizes.length === leaves.length && !shrinks) {
      fix = `follow 'Growing a volume' in ${STORAGE_DOC}: grow each claim (kubectl ${ns}patch pvc ${tpl}-${name}-0 -p '{"spec":{"resources":{"requests":{"storage":"${String(sizes[0].now)}"}}}}', `
        + `for every ordinal), then kubectl ${ns}delete statefulset ${name} --cascade=orphan and apply again`;
    } else if (shrinks) {
      fix = `a claim cannot shrink: keep the old size, or move the data to a new store ('Changing the storage class' in ${STORAGE_DOC} describes the copy)`;
    } else if (labelsOnly) {
      fix = 'keep the construct id: the claim labels are its selector labels, which come from it (also when \'name\' is set); '
        + `to go ahead, kubectl ${ns}delete statefulset ${name} --cascade=orphan and apply again (existing claims keep their old labels)`;
    } else {
      fix = `kubectl ${ns}delete statefulset ${name} --cascade=orphan and apply again: the existing claims ${claims} keep their old spec, only new ordinals get the new one; or keep the old template`;
    }
    out.push({ field, leaves: leaves.map((l) => ({ ...l, path: `${field}.${l.path}` })), why: STS_ALLOWED, fix });
  }
  return out;
}

/** What the API server stores of a claim template: no apiVersion, kind or status; volumeMode defaulted. */
function normalTemplate(t: any): unknown {
  if (!t || typeof t !== 'object') return t;
  const { apiVersion: _a, kind: _k, status: _s, ...rest } = t;
  return { ...rest, spec: { volumeMode: 'Filesystem', ...rest.spec } };
}

function selectorChange(old: any, m: any, ns: string, name: string): Change[] {
  return group('spec.selector', old.spec?.selector, m.spec?.selector, `the spec.selector of an apps/v1 ${m.kind} is immutable`,
    `keep the construct id: the selector labels (app.kubernetes.io/name and instance) come from it, also when 'name' is set; to go ahead, delete the ${m.kind} `
    + `(kubectl ${ns}delete ${m.kind.toLowerCase()} ${name}) and apply again: it is re-created with the new selector, with a brief downtime until its new pods are ready`);
}

function serviceChanges(old: any, m: any, ns: string, name: string): Change[] {
  const before = old.spec ?? {};
  const after = m.spec ?? {};
  if (before.type === 'ExternalName' || after.type === 'ExternalName') return [];
  const recreate = `delete the Service (kubectl ${ns}delete service ${name}) and apply again: it is re-created as written (its clients lose it for a moment); or keep the old value`;
  const was = before.clusterIP ?? before.clusterIPs?.[0];
  const is = after.clusterIP ?? after.clusterIPs?.[0];
  const field = after.clusterIP !== undefined || before.clusterIP !== undefined ? 'spec.clusterIP' : 'spec.clusterIPs';
  const out: Change[] = [];
  if (is !== undefined && is !== was) {
    out.push({ field, leaves: [{ path: field, old: was, now: is }], why: "a Service's clusterIP is immutable (the API server gave it an address when it was created, unless it was 'None')", fix: recreate });
  } else if (is === undefined && was === 'None') {
    out.push({
      field, leaves: [{ path: field, old: was, now: is }], kept: true, fix: recreate,
      why: "the API server keeps the old clusterIP when the new manifest has none, so the Service stays headless",
    });
  }
  const family = (s: any) => s.ipFamilies?.[0];
  if (family(before) !== undefined && family(after) !== undefined && family(before) !== family(after)) {
    out.push({ field: 'spec.ipFamilies[0]', leaves: [{ path: 'spec.ipFamilies[0]', old: family(before), now: family(after) }], why: "a Service's primary IP family is immutable", fix: recreate });
  }
  return out;
}

function jobChanges(old: any, m: any, ns: string, name: string): Change[] {
  const a = m.metadata.annotations ?? {};
  // Re-created, not updated: an Argo CD hook (deleted before its next run) or a Flux forced apply.
  if (a['argocd.argoproj.io/hook'] !== undefined || a['kustomize.toolkit.fluxcd.io/force'] === 'enabled') return [];
  const before = old.spec ?? {};
  const after = m.spec ?? {};
  const fix = `delete the Job before applying (kubectl ${ns}delete job ${name}), or give it another name (a timonel BatchJob or Migration is named after its template's hash)`;
  const why = (f: string) => `a Job's ${f} is immutable`;
  const out: Change[] = [];
  for (const f of ['selector', 'template', 'completionMode', 'podFailurePolicy', 'backoffLimitPerIndex']) {
    out.push(...group(`spec.${f}`, before[f], after[f], why(`spec.${f}`), fix));
  }
  // An Indexed Job may change completions together with parallelism (elastic Indexed Jobs).
  const elastic = after.completionMode === 'Indexed' && before.completions === before.parallelism && after.completions === after.parallelism;
  if (!elastic) out.push(...group('spec.completions', before.completions, after.completions, why('spec.completions'), fix));
  return out;
}

function claimChanges(old: any, m: any): Change[] {
  const before = normalTemplate(old) as any;
  const after = normalTemplate(m) as any;
  const size = (s: any) => s?.resources?.requests?.storage;
  const leaves: Leaf[] = [];
  diff(before.spec, after.spec, 'spec', leaves);
  const out: Change[] = [];
  const others = leaves.filter((l) => l.path !== 'spec.resources.requests.storage');
  const grown = (parseQuantity(String(size(after.spec))) ?? 0) >= (parseQuantity(String(size(before.spec))) ?? 0);
  const copy = "a new claim under another name and a copy of the data ('Changing the storage class' in " + `${STORAGE_DOC} describes it for a store)`;
  if (others.length) {
    out.push({ field: 'spec', leaves: others, why: "a PersistentVolumeClaim's spec is immutable once it exists, but for a larger storage request", fix: `keep the old value, or ${copy}` });
  }
  if (!grown) {
    out.push({
      field: 'spec.resources.requests.storage', leaves: [{ path: 'spec.resources.requests.storage', old: size(before.spec), now: size(after.spec) }],
      why: 'a PersistentVolumeClaim cannot shrink', fix: `keep the old size, or ${copy}`,
    });
  }
  return out;
}

function dataChanges(old: any, m: any, ns: string, name: string): Change[] {
  const out: Change[] = [];
  const recreate = `give the ${m.kind} another name (pods that use it get it when they are re-created), or delete it (kubectl ${ns}delete ${m.kind.toLowerCase()} ${name}) and apply again`;
  if (m.kind === 'Secret') out.push(...group('type', old.type ?? 'Opaque', m.type ?? 'Opaque', "a Secret's type is immutable", recreate));
  if (old.immutable !== true) return out;
  const why = `an immutable ${m.kind} (immutable: true) keeps its data and stays immutable`;
  for (const f of ['immutable', 'data', 'binaryData', 'stringData']) out.push(...group(f, old[f], m[f], why, recreate));
  return out;
}

/** The field's changes as one Change, or none. */
function group(field: string, old: unknown, now: unknown, why: string, fix: string): Change[] {
  const leaves: Leaf[] = [];
  diff(old, now, field, leaves);
  return leaves.length ? [{ field, leaves, why, fix }] : [];
}

/** The leaves where `a` and `b` differ; storage quantities compare by value (1Gi is 1024Mi). */
function diff(a: unknown, b: unknown, at: string, out: Leaf[]): void {
  if (a === b) return;
  if (isObject(a) && isObject(b)) {
    for (const k of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) diff(a[k], b[k], join(at, k), out);
    return;
  }
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
    a.forEach((x, i) => diff(x, b[i], `${at}[${i}]`, out));
    return;
  }
  if (typeof a === 'string' && typeof b === 'string' && /\.storage$/.test(at)) {
    const qa = parseQuantity(a);
    if (qa !== undefined && qa === parseQuantity(b)) return;
  }
  out.push({ path: at, old: a, now: b });
}

function join(at: string, key: string): string {
  const part = /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? key : `[${JSON.stringify(key)}]`;
  return at === '' ? part : part.startsWith('[') ? `${at}${part}` : `${at}.${part}`;
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** Most leaves a warning lists before 'and N more'. */
const LISTED = 3;

function describe(c: Change, where: string): string {
  const shown = (v: unknown) => (v === undefined ? 'unset' : formatValue(v));
  const what = c.leaves.length === 1
    ? `changes from ${shown(c.leaves[0].old)} to ${shown(c.leaves[0].now)}`
    : `changes (${c.leaves.slice(0, LISTED).map((l) => `${l.path.slice(c.field.length).replace(/^\./, '')}: ${shown(l.old)} -> ${shown(l.now)}`).join(', ')}`
      + `${c.leaves.length > LISTED ? ` and ${c.leaves.length - LISTED} more` : ''})`;
  const since = `since the previous output in ${where}`;
  return c.kept
    ? `${what} ${since}, which does not reach the cluster: ${c.why}`
    : `${what} ${since}, which the API server refuses (${c.why}): ${APPLY_FAILS}`;
}

function finding(ruleId: string, m: any, field: string | undefined, detail: string, fix: string, constructPath: string | undefined, file: string): Finding {
  const object = `${m.kind} ${m.metadata.namespace ? `${m.metadata.namespace}/` : ''}${m.metadata.name}`;
  const f: Finding = {
    ruleId, severity: 'warning', message: '', object, kind: m.kind, name: m.metadata.name,
    ...(m.metadata.namespace ? { namespace: m.metadata.namespace } : {}), apiVersion: m.apiVersion,
    ...(field ? { field } : {}), detail, fix, ...(constructPath !== undefined ? { constructPath } : {}), file,
  };
  return { ...f, message: formatFinding(f) };
}

function claimTemplates(sts: any): string[] {
  const list = sts.spec?.volumeClaimTemplates;
  return Array.isArray(list) ? list.map((t: any) => String(t?.metadata?.name)).sort() : [];
}

/**
 * The removed StatefulSets whose claims stay (or go, with whenDeleted: Delete); one that a new
 * StatefulSet of the same namespace and claim templates replaces, one to one, reads as a rename.
 */
function orphanedClaims(removed: ReadonlyArray<{ manifest: any; file: string }>, added: readonly OutputObject[], where: string): Finding[] {
  if (removed.length === 0) return [];
  const signature = (m: any) => `${m.metadata?.namespace ?? ''}\0${claimTemplates(m).join(',')}`;
  const gone = new Map<string, any[]>();
  for (const r of removed) gone.set(signature(r.manifest), [...(gone.get(signature(r.manifest)) ?? []), r.manifest]);
  const fresh = new Map<string, OutputObject[]>();
  for (const o of added) {
    if (o.manifest.kind !== 'StatefulSet' || !gone.has(signature(o.manifest))) continue;
    fresh.set(signature(o.manifest), [...(fresh.get(signature(o.manifest)) ?? []), o]);
  }
  return removed.map(({ manifest: m, file }) => {
    const ns = m.metadata.namespace ? `-n ${m.metadata.namespace} ` : '';
    const sig = signature(m);
    const successor = gone.get(sig)!.length === 1 && fresh.get(sig)?.length === 1 ? fresh.get(sig)![0] : undefined;
    const claims = claimNames(m, m.metadata.name);
    const deleted = m.spec?.persistentVolumeClaimRetentionPolicy?.whenDeleted === 'Delete';
    let detail = `is no longer in the output (since the previous output in ${where}); `
      + (deleted
        ? `once it is deleted (kubectl apply --prune, Argo CD or Flux pruning), its claims ${claims} are deleted with it (whenDeleted: Delete), and with a Delete reclaim policy their data`
        : `its claims ${claims} stay behind with the data, and nothing uses them`);
    if (successor) {
      const n = successor.manifest.metadata.name;
      detail += `; StatefulSet ${successor.manifest.metadata.namespace ? `${successor.manifest.metadata.namespace}/` : ''}${n} is new with the same claim templates: `
        + `if it is this store renamed, it starts on new, empty claims (${claimNames(successor.manifest, n)}), not on the data`;
    }
    const fix = "if its construct id (or 'name') was renamed, keep the old one: a store's claims are named after its StatefulSet, and a client's env names come from the id; "
      + `to move the data to a new store, keep the old one until the data is copied ('Changing the storage class' in ${STORAGE_DOC}); `
      + `if the store is meant to go, delete its claims once the data is no longer needed (kubectl ${ns}delete pvc ${claimTemplates(m).map((t) => `${t}-${m.metadata.name}-0`).join(' ')} …)`;
    return finding(ORPHANED_CLAIMS, m, undefined, detail, fix, successor?.source?.node.path, file);
  });
}

function claimNames(sts: any, name: string): string {
  const replicas = typeof sts.spec?.replicas === 'number' ? sts.spec.replicas : 1;
  const start = typeof sts.spec?.ordinals?.start === 'number' ? sts.spec.ordinals.start : 0;
  return claimTemplates(sts).map((t) => (replicas > 1 ? `${t}-${name}-${start} … ${t}-${name}-${start + replicas - 1}` : `${t}-${name}-${start}`)).join(', ');
}
