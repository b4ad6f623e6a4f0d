import * as fs from 'fs';
import * as path from 'path';
import { Document, isCollection, isScalar, LineCounter, parseAllDocuments, ScalarTag, Tags } from 'yaml';
import { splitFieldPath } from '../policies/model';

/** One Kubernetes object read from a file. */
export interface LoadedObject {
  /** The file, relative to the working directory when inside it. */
  readonly file: string;
  readonly manifest: any;
  /** Position in the file, for line numbers of findings. */
  readonly doc: Document;
  readonly lines: LineCounter;
  /** Keys leading to the object inside its document (`['items', 2]` in a List). */
  readonly prefix: ReadonlyArray<string | number>;
}

/** A file that could not be read or parsed. */
export interface LoadError {
  readonly file: string;
  readonly line?: number;
  readonly column?: number;
  readonly message: string;
}

/** What `loadManifests` found. */
export interface LoadResult {
  readonly objects: LoadedObject[];
  readonly errors: LoadError[];
  /** Every YAML file read. */
  readonly files: string[];
  /** Documents skipped because they are not Kubernetes objects. */
  readonly skipped: number;
}

const KUSTOMIZATION = new Set(['kustomization.yaml', 'kustomization.yml', 'Kustomization']);
const NOT_OBJECTS = new Set(['Kustomization', 'Component']);

/** `0o17`: go-yaml v2 parses ints with Go's strconv.ParseInt(s, 0, 64), which reads the 0o prefix too. */
const GO_OCTAL: ScalarTag = {
  identify: () => false,
  default: true,
  tag: 'tag:yaml.org,2002:int',
  format: 'OCT',
  test: /^[-+]?0o[0-7_]+$/,
  resolve: (s: string) => parseInt(s.replace(/_/g, '').replace(/^([-+]?)0o/, '$1'), 8),
};

/**
 * Read YAML as kubectl and the API server do (sigs.k8s.io/yaml, go-yaml v2): YAML 1.1 scalars,
 * so `yes`/`on`/`y` are booleans, `0777` is octal and `1_000` is 1000 — a ConfigMap value
 * `FEATURE: yes` is the boolean the API server refuses, not the string 'yes'. go-yaml v2 has no
 * base-60 numbers, and it turns timestamps into RFC 3339 strings: both stay strings here.
 */
const AS_KUBECTL_READS = {
  version: '1.1',
  customTags: (tags: Tags) => [
    ...tags.filter((t) => typeof t === 'string' || (t.format !== 'TIME' && t.tag !== 'tag:yaml.org,2002:timestamp')),
    GO_OCTAL,
  ],
} as const;

/** Raised for a path that does not exist (a usage error). */
export class MissingPathError extends Error {}

/**
 * Reads `.yaml`/`.yml` files (folders recursively, sorted; hidden folders and node_modules
 * skipped; `kustomization.yaml` skipped), every document of each, and keeps the documents
 * that are Kubernetes objects (`apiVersion` and `kind`; `List` items are expanded).
 * A file named explicitly is read whatever its extension.
 */
export function loadManifests(paths: readonly string[], cwd = process.cwd()): LoadResult {
  const files: string[] = [];
  for (const p of paths) {
    const abs = path.resolve(cwd, p);
    let stat: fs.Stats;
    try {
      stat = fs.statSync(abs);
    } catch {
      throw new MissingPathError(`no such file or directory: ${p}`);
    }
    if (stat.isDirectory()) {
      const before = files.length;
      walk(abs, files);
      // An empty folder passing the check would hide a synth that wrote nowhere or a wrong path.
      if (files.length === before) {
        throw new MissingPathError(`no Kubernetes YAML (*.yaml, *.yml) in ${p}: nothing to check. Fix: run the synth first, or name the folder it writes (e.g. dist)`);
      }
    } else {
      files.push(abs);
    }
  }
  const objects: LoadedObject[] = [];
  const errors: LoadError[] = [];
  let skipped = 0;
  const seen = new Set<string>();
  for (const abs of files) {
    if (seen.has(abs)) continue;
    seen.add(abs);
    const file = display(abs, cwd);
    let text: string;
    try {
      text = fs.readFileSync(abs, 'utf8');
    } catch (e) {
      errors.push({ file, message: (e as Error).message });
      continue;
    }
    const lines = new LineCounter();
    const docs = parseAllDocuments(text, { ...AS_KUBECTL_READS, lineCounter: lines, uniqueKeys: false });
    for (const doc of Array.isArray(docs) ? docs : [docs]) {
      if (doc.errors.length) {
        for (const err of doc.errors) {
          const pos = err.linePos?.[0];
          errors.push({ file, line: pos?.line, column: pos?.col, message: err.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '') });
        }
        continue;
      }
      const value = doc.toJS({ maxAliasCount: 1000 });
      if (!isK8sObject(value)) {
        if (value !== null && value !== undefined) skipped++;
        continue;
      }
      if (value.kind === 'List' || (value.kind.endsWith('List') && Array.isArray(value.items))) {
        (Array.isArray(value.items) ? value.items : []).forEach((item: unknown, i: number) => {
          if (isK8sObject(item)) objects.push({ file, manifest: item, doc: doc as Document, lines, prefix: ['items', i] });
          else skipped++;
        });
        continue;
      }
      objects.push({ file, manifest: value, doc: doc as Document, lines, prefix: [] });
    }
  }
  return { objects, errors, files: [...seen].map((f) => display(f, cwd)), skipped };
}

function isK8sObject(v: any): v is { apiVersion: string; kind: string; [k: string]: any } {
  return v !== null && typeof v === 'object' && !Array.isArray(v)
    && typeof v.apiVersion === 'string' && typeof v.kind === 'string' && !NOT_OBJECTS.has(v.kind);
}

function walk(dir: string, out: string[]): void {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
      walk(full, out);
    } else if (/\.ya?ml$/i.test(entry.name) && !KUSTOMIZATION.has(entry.name)) {
      out.push(full);
    }
  }
}

function display(abs: string, cwd: string): string {
  const rel = path.relative(cwd, abs);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel.split(path.sep).join('/') : abs;
}

/** The 1-based line and column of a field of an object (or of the nearest parent that exists). */
export function positionOf(o: LoadedObject, field: string | undefined): { line: number; column: number } | undefined {
  const keys = field ? splitFieldPath(field) : [];
  for (let n = keys.length; n >= 0; n--) {
    const node: any = o.doc.getIn([...o.prefix, ...keys.slice(0, n)], true);
    const range = node && (isScalar(node) || isCollection(node)) ? node.range : undefined;
    if (range) {
      const pos = o.lines.linePos(range[0]);
      return { line: pos.line, column: pos.col };
    }
  }
  return undefined;
}
