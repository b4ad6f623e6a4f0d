import * as fs from 'fs';
import * as path from 'path';
import { PolicyReport, PolicyRunOptions, runPolicies } from '../policies/engine';
import { PolicySubject } from '../policies/types';

/**
 * Runs the policies once per apply set (the objects applied together: one environment's folder),
 * so the same object in `dist/dev/` and `dist/prod/` is not a duplicate and a reference is only
 * resolved within its own environment. Reports are concatenated in the order sets first appear.
 */
export function runPoliciesPerSet(
  subjects: readonly PolicySubject[],
  setOf: (s: PolicySubject) => string,
  options: PolicyRunOptions = {},
): PolicyReport {
  const sets = new Map<string, PolicySubject[]>();
  for (const s of subjects) {
    const key = setOf(s);
    const list = sets.get(key);
    if (list) list.push(s);
    else sets.set(key, [s]);
  }
  if (sets.size <= 1) return runPolicies(subjects, options);
  const reports = [...sets.values()].map((set) => runPolicies(set, options));
  return {
    errors: reports.flatMap((r) => r.errors),
    warnings: reports.flatMap((r) => r.warnings),
    suppressed: reports.flatMap((r) => r.suppressed),
    objects: reports.reduce((n, r) => n + r.objects, 0),
    profiles: [...new Set(reports.flatMap((r) => r.profiles))],
  };
}

/**
 * The apply set of a manifest file: the nearest folder at or above it that holds a
 * `kustomization.yaml` (up to `root`), else '' (files outside any kustomization form one set).
 */
export function kustomizationRootOf(file: string, root: string): string {
  const top = path.resolve(root);
  for (let dir = path.dirname(path.resolve(file)); ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'kustomization.yaml'))) return dir;
    if (dir === top || !dir.startsWith(top) || path.dirname(dir) === dir) return '';
  }
}
