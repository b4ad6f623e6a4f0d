import * as fs from 'fs';
import * as path from 'path';
import { formatFinding, PolicyReport } from '../policies/engine';
import { Profile } from '../policies/profiles';
import { suggestRule } from '../policies/suppression';
import { Finding, PolicySubject } from '../policies/types';
import { kustomizationRootOf, runPoliciesPerSet } from './apply-sets';
import { LoadedObject, LoadError, loadManifests, positionOf } from './yaml-files';

/** Options of `timonel check`. */
export interface CheckOptions {
  readonly paths: readonly string[];
  /** 'restricted', 'baseline', or a JSON file with Profile.custom options. @default 'restricted' */
  readonly profile?: string;
  /** Rules to turn off on top of the profile. */
  readonly disable?: readonly string[];
  readonly format?: 'human' | 'json';
  /** Print errors only. */
  readonly quiet?: boolean;
  readonly cwd?: string;
}

/** What `timonel check` prints and exits with. */
export interface CheckResult {
  readonly exitCode: 0 | 1 | 2;
  readonly stdout: string;
  readonly stderr: string;
}

/** A usage error: exit code 2 with a message. */
export class UsageError extends Error {}

/** Runs the policies over YAML files: exit 1 on errors, 2 on unreadable or unparsable input, else 0. */
export function check(opts: CheckOptions): CheckResult {
  const profile = resolveProfile(opts.profile, opts.disable);
  const loaded = loadManifests(opts.paths, opts.cwd);
  const subjects: PolicySubject[] = loaded.objects.map((o) => ({ manifest: o.manifest, file: o.file }));
  // Each kustomization (e.g. each environment's folder) is its own set of objects.
  const cwd = opts.cwd ?? process.cwd();
  const roots = new Map<string, string>();
  const report = runPoliciesPerSet(subjects, (s) => {
    const file = path.resolve(cwd, s.file ?? '');
    if (!roots.has(file)) roots.set(file, kustomizationRootOf(file, cwd));
    return roots.get(file)!;
  }, { profile, namespacePodSecurity: true, unknownCustomRules: true });
  const exitCode = loaded.errors.length ? 2 : report.errors.length ? 1 : 0;
  const ctx = { loaded: loaded.objects, report, profile: profile.name, files: loaded.files, skipped: loaded.skipped, parseErrors: loaded.errors };
  if (opts.format === 'json') return { exitCode, stdout: `${JSON.stringify(toJson(ctx), null, 2)}\n`, stderr: '' };
  return { exitCode, stdout: human(ctx, opts.quiet ?? false), stderr: loaded.errors.map(parseErrorLine).join('') };
}

function resolveProfile(name: string | undefined, disable: readonly string[] | undefined): Profile {
  let base: Profile;
  const p = name ?? 'restricted';
  if (p === 'restricted' || p === 'baseline') {
    base = Profile.of(p);
  } else if (/\.json$/i.test(p)) {
    let options: any;
    try {
      options = JSON.parse(fs.readFileSync(p, 'utf8'));
    } catch (e) {
      throw new UsageError(`cannot read the profile file '${p}': ${(e as Error).message}`);
    }
    base = wrap(() => Profile.custom({ name: p, ...options }));
  } else {
    throw new UsageError(`unknown profile '${p}': use 'restricted', 'baseline' or a JSON file of Profile.custom options`);
  }
  if (!disable?.length) return base;
  // In the words of the command line: '--disable', not Profile.custom's 'disable[1]'.
  const known = base.rules().map((r) => r.id);
  const unknown = disable.filter((id) => !known.includes(id));
  if (unknown.length) {
    const fixes = unknown.map((id) => `'${id}': ${suggestRule(id, known)}`);
    throw new UsageError(`--disable names ${unknown.length === 1 ? 'a rule' : 'rules'} the profile '${base.name}' does not have: ${unknown.map((id) => `'${id}'`).join(', ')}. Fix: ${fixes.join('; ')} ('timonel rules' lists them)`);
  }
  return wrap(() => Profile.custom({ name: `${base.name} (${disable.length} disabled)`, extends: base, disable }));
}

function wrap<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

interface Context {
  readonly loaded: readonly LoadedObject[];
  readonly report: PolicyReport;
  readonly profile: string;
  readonly files: readonly string[];
  readonly skipped: number;
  readonly parseErrors: readonly LoadError[];
}

function locate(ctx: Context, f: Finding): { line?: number; column?: number } {
  const o = ctx.loaded[f.subjectIndex!];
  return (o && positionOf(o, f.field)) ?? {};
}

function human(ctx: Context, quiet: boolean): string {
  const { report } = ctx;
  const shown = [...report.errors, ...(quiet ? [] : report.warnings)].sort((a, b) => a.subjectIndex! - b.subjectIndex!);
  const byFile = new Map<string, Finding[]>();
  for (const f of shown) {
    const list = byFile.get(f.file!) ?? [];
    list.push(f);
    byFile.set(f.file!, list);
  }
  const out: string[] = [];
  for (const [file, findings] of byFile) {
    out.push(file);
    const located = findings.map((f) => ({ f, pos: locate(ctx, f) }));
    // In file order: by line, errors first on a line.
    located.sort((a, b) => (a.pos.line ?? 0) - (b.pos.line ?? 0) || errorsFirst(a.f, b.f));
    for (const { f, pos } of located) {
      const at = pos.line ? `${pos.line}:${pos.column}` : '-';
      out.push(`  ${at.padEnd(7)} ${f.severity.padEnd(7)} ${formatFinding(f, { where: false })}  ${f.ruleId}`);
    }
    out.push('');
  }
  const n = (k: number, word: string) => `${k} ${word}${k === 1 ? '' : 's'}`;
  const parts = [n(report.errors.length, 'error'), n(report.warnings.length, 'warning')];
  let summary = `${parts.join(', ')} in ${n(ctx.loaded.length, 'object')} from ${n(ctx.files.length, 'file')} (profile: ${ctx.profile}`;
  const lowered = Object.entries(report.namespacePodSecurity);
  if (lowered.length) summary += `; namespaces enforcing less: ${lowered.map(([ns, level]) => `${ns} (${level})`).join(', ')}`;
  if (report.suppressed.length) summary += `; ${report.suppressed.length} suppressed`;
  if (ctx.parseErrors.length) summary += `; ${n(ctx.parseErrors.length, 'parse error')}`;
  summary += ')';
  out.push(summary);
  return `${out.join('\n')}\n`;
}

function errorsFirst(a: Finding, b: Finding): number {
  return a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1;
}

function parseErrorLine(e: LoadError): string {
  return `${e.file}${e.line ? `:${e.line}:${e.column}` : ''}: error: ${e.message}\n`;
}

function findingJson(ctx: Context, f: Finding) {
  const pos = locate(ctx, f);
  return {
    ruleId: f.ruleId,
    severity: f.severity,
    file: f.file,
    ...(pos.line ? { line: pos.line, column: pos.column } : {}),
    object: { apiVersion: f.apiVersion, kind: f.kind, ...(f.namespace !== undefined ? { namespace: f.namespace } : {}), name: f.name },
    ...(f.field ? { field: f.field } : {}),
    message: f.detail,
    ...('value' in f ? { value: f.value } : {}),
    ...(f.allowed ? { allowed: f.allowed } : {}),
    ...(f.fix ? { fix: f.fix } : {}),
    ...(f.suppressedBecause !== undefined ? { suppressedBecause: f.suppressedBecause } : {}),
    text: formatFinding(f, { ruleId: true }),
  };
}

function toJson(ctx: Context) {
  const { report } = ctx;
  return {
    version: 1,
    profile: ctx.profile,
    namespacePodSecurity: report.namespacePodSecurity,
    summary: {
      files: ctx.files.length,
      objects: ctx.loaded.length,
      skippedDocuments: ctx.skipped,
      errors: report.errors.length,
      warnings: report.warnings.length,
      suppressed: report.suppressed.length,
      parseErrors: ctx.parseErrors.length,
    },
    // In file order: by object, then by line.
    findings: [...report.errors, ...report.warnings]
      .map((f) => ({ f, json: findingJson(ctx, f) }))
      .sort((a, b) => a.f.subjectIndex! - b.f.subjectIndex! || (a.json.line ?? 0) - (b.json.line ?? 0) || errorsFirst(a.f, b.f))
      .map(({ json }) => json),
    suppressed: report.suppressed.map((f) => findingJson(ctx, f)),
    parseErrors: ctx.parseErrors,
  };
}
