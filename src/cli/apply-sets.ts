import * as fs from 'fs';
import * as path from 'path';
import { withCallScope } from '../core/call-scope';
import { PolicyReport, PolicyRunOptions, runPolicies } from '../policies/engine';
import { Finding, PolicySubject } from '../policies/types';

/**
 * Runs the policies once per apply set (the objects applied together: one environment's folder),
 * so the same object in `dist/dev/` and `dist/prod/` is not a duplicate and a reference is only
 * resolved within its own environment. As with `runPolicies`, a finding's `subjectIndex` indexes
 * `subjects` and findings are sorted by it.
 */
export function runPoliciesPerSet(
  subjects: readonly PolicySubject[],
  setOf: (s: PolicySubject) => string,
  options: PolicyRunOptions = {},
): PolicyReport {
  // Each set's indices into `subjects`: the engine numbers the subjects of a set from 0.
  const sets = new Map<string, number[]>();
  subjects.forEach((s, i) => {
    const key = setOf(s);
    const list = sets.get(key);
    if (list) list.push(i);
    else sets.set(key, [i]);
  });
  if (sets.size <= 1) return runPolicies(subjects, options);
  // The runs are one call: what the rules remember is shared by the sets, and ends with the last.
  const reports = withCallScope(() => [...sets.values()].map((indices) => {
    const report = runPolicies(indices.map((i) => subjects[i]), options);
    const global = (list: readonly Finding[]) => list.map((f) => ({ ...f, subjectIndex: indices[f.subjectIndex!] }));
    return { ...report, errors: global(report.errors), warnings: global(report.warnings), suppressed: global(report.suppressed) };
  }));
  const bySubject = (a: Finding, b: Finding) => a.subjectIndex! - b.subjectIndex!;
  return {
    errors: reports.flatMap((r) => r.errors).sort(bySubject),
    warnings: reports.flatMap((r) => r.warnings).sort(bySubject),
    suppressed: reports.flatMap((r) => r.suppressed).sort(bySubject),
    objects: reports.reduce((n, r) => n + r.objects, 0),
    profiles: [...new Set(reports.flatMap((r) => r.profiles))],
    namespacePodSecurity: Object.assign({}, ...reports.map((r) => r.namespacePodSecurity)),
  };
}

/**
 * The apply set of a manifest file: the outermost folder at or above it (up to `root`) that holds
 * a `kustomization.yaml`, so an environment whose charts have kustomizations of their own (the
 * Flux layout) is one set; else '' (files outside any kustomization form one set).
 */
export function kustomizationRootOf(file: string, root: string): string {
  const start = path.dirname(path.resolve(file));
  const inside = path.resolve(root);
  // Up to `root` for a file below it; up to the file system's root for one elsewhere.
  const top = start === inside || start.startsWith(inside + path.sep) ? inside : path.parse(start).root;
  let found = '';
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'kustomization.yaml'))) found = dir;
    if (dir === top || path.dirname(dir) === dir) return found;
  }
}

/**
 * The apply set of each manifest the cdk8s CLI hands a plugin: the first folder below the folder
 * all of them share (one per environment, as timonel mirrors them), else '' (one set).
 */
export function firstFolderBelowCommon(files: readonly string[]): (file: string) => string {
  const split = (f: string): string[] => path.dirname(path.resolve(f)).split(path.sep);
  let common: string[] | undefined;
  for (const f of files) {
    const parts = split(f);
    if (!common) common = parts;
    let n = 0;
    while (n < common.length && n < parts.length && common[n] === parts[n]) n++;
    common = common.slice(0, n);
  }
  const depth = common?.length ?? 0;
  return (file) => split(file)[depth] ?? '';
}
