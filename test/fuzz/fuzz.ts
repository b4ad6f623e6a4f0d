// The props fuzzer: seeded, reproducible prop sets for every construct, generated from their
// specs (valid values, boundaries, and the wrong types JavaScript and JSON/YAML users produce).
// Asserts nothing itself: it counts what happened. `npm run fuzz -- --n 10000 --seed 1`.
import { Testing } from 'cdk8s';
import { Construct } from 'constructs';
import { App, AppProps } from '../../src/app/app';
import { TimonelChart, TimonelChartProps } from '../../src/app/chart';
import { APP_PROPS, CHART_PROPS } from '../../src/app/specs';
import { ValidatedConstruct, validateProps, ValidatePropsOptions } from '../../src/app/validate';
import { TimonelError } from '../../src/core/errors';
import { AnySpec } from '../../src/core/validation';
import { PolicyError, runPolicies } from '../../src/policies';
import { Profile } from '../../src/policies/profiles';
import { RULES } from '../../src/policies/rules';
import { CDK8S_CHART_TO_JSON, validateAll } from '../../src/synth/cdk8s-internals';
import { isCustomResource, validateManifest } from '../support/schema';
import { FUZZ_TARGETS, FuzzTarget } from './targets';

/** A small, fast, seeded PRNG (mulberry32). */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  public next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  public chance(p: number): boolean {
    return this.next() < p;
  }

  public int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  public pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.next() * xs.length)];
  }
}

/** What JavaScript and JSON/YAML users pass by mistake. */
const WRONG: readonly unknown[] = [null, 1.5, -1, 0, NaN, '25', '', 'x y', 'true', true, [], {}, [null], [1], { a: 1 }, 'Bad_Name', '-1', '30'];

const MUTATE = 0.008;
/** A spec with no samples (connection targets): the value is left out. */
const NOTHING = Symbol('nothing');
const OPTIONAL = 0.22;

/** A value for `spec`: mostly valid, sometimes a boundary, sometimes wrong. */
export function generate(spec: AnySpec<unknown>, rng: Rng, depth = 0): unknown {
  if (rng.chance(MUTATE)) return rng.pick(WRONG);
  const s = spec.shape;
  switch (s.kind) {
    case 'string':
      return rng.chance(0.96) ? rng.pick(s.samples) : rng.pick(['', 'a'.repeat(70), 'UPPER', 'with space', '/abs', 'x.y', 'redis:alpine', 'busybox', '30']);
    case 'int': {
      const hi = Math.min(s.max, s.min + 200);
      if (rng.chance(0.05)) return rng.pick([s.min - 1, s.max + 1, s.min + 0.5]);
      return rng.pick([s.min, s.min + 1, hi, rng.int(s.min, hi)]);
    }
    case 'boolean':
      return rng.chance(0.5);
    case 'enum':
      return rng.chance(0.97) ? rng.pick(s.values) : 'Unknown';
    case 'array': {
      const n = depth > 3 ? 0 : rng.int(s.minItems, s.minItems + 2);
      return Array.from({ length: n }, () => generate(s.item, rng, depth + 1)).filter((x) => x !== NOTHING);
    }
    case 'record': {
      const out: Record<string, unknown> = {};
      for (let i = rng.int(0, 2); i > 0; i--) out[rng.chance(0.95) ? rng.pick(s.keys) : 'bad key'] = generate(s.value, rng, depth + 1);
      return out;
    }
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [k, f] of Object.entries(s.fields)) {
        // Names and keys usually come with their object (a sidecar without a name is a plain mistake).
        const p = k === 'name' || k === 'key' ? 0.9 : OPTIONAL;
        if (f.required ? !rng.chance(MUTATE) : depth < 4 && rng.chance(p)) {
          const x = generate(f, rng, depth + 1);
          if (x !== NOTHING) out[k] = x;
        }
      }
      if (rng.chance(MUTATE)) out[`${rng.pick(Object.keys(s.fields))}x`] = 1;
      return out;
    }
    case 'variants':
      return generate(rng.pick(Object.values(s.variants)), rng, depth);
    case 'union':
      return generate(rng.pick(s.options), rng, depth);
    case 'samples': {
      const xs = s.samples();
      return xs.length ? rng.pick(xs) : NOTHING;
    }
  }
}

/** The API rules of the policy engine only (practice and Pod Security are opinions, not validity). */
const API_ONLY = Profile.custom({ name: 'api', disable: RULES.filter((r) => r.category !== 'api').map((r) => r.id) });

/** One case that went wrong. */
export interface FuzzFailure {
  readonly case: number;
  readonly target: string;
  readonly kind: 'exception' | 'invalid-output';
  readonly detail: string;
  readonly props: string;
}

/** What a run found. */
export interface FuzzReport {
  readonly cases: number;
  /** Rejected with a TimonelError when built. */
  readonly rejected: number;
  /** Built, then rejected with a TimonelError at synth. */
  readonly rejectedAtSynth: number;
  /** Built and synthesized: valid against the 1.28 schema and the API rules. */
  readonly accepted: number;
  /** Anything thrown that is not a TimonelError. */
  readonly exceptions: number;
  /** Accepted outputs the schema or the API rules reject. */
  readonly invalidOutputs: number;
  readonly failures: readonly FuzzFailure[];
  readonly byTarget: Readonly<Record<string, { cases: number; accepted: number }>>;
  /** Problems of the TimonelErrors that give no fix, counted by their message (without path, prop and value). */
  readonly withoutFix: Readonly<Record<string, number>>;
  /** Problems of the TimonelErrors that say nothing of what is allowed, counted by their message (without path, prop and value). */
  readonly withoutAllowed: Readonly<Record<string, number>>;
  /** How many problems the TimonelErrors reported in all (an error can report several). */
  readonly problems: number;
}

/** Runs `n` cases from `seed`; the same seed and n give the same cases. */
export function runFuzz(opts: { n: number; seed: number; targets?: readonly FuzzTarget[] }): FuzzReport {
  const targets = opts.targets ?? FUZZ_TARGETS;
  const rng = new Rng(opts.seed);
  let rejected = 0;
  let rejectedAtSynth = 0;
  let accepted = 0;
  const failures: FuzzFailure[] = [];
  const byTarget: Record<string, { cases: number; accepted: number }> = {};
  const withoutFix: Record<string, number> = {};
  const withoutAllowed: Record<string, number> = {};
  let problemCount = 0;
  const count = (e: TimonelError) => {
    for (const p of e.problems) {
      problemCount++;
      // cdk8s validation errors (node.addValidation) come as one error of `[path] message` lines, each with its own fix.
      const lines = p.detail.startsWith('Validation failed with the following errors:') ? p.detail.split('\n').slice(1) : undefined;
      const key = `'${(p.prop ?? '').replace(/\[\d+\]/g, '[i]')}' ${p.detail}`;
      if (lines ? lines.some((l) => !l.includes('. Fix: ')) : !p.fix) withoutFix[key] = (withoutFix[key] ?? 0) + 1;
      if (lines ? lines.some((l) => !l.includes('. Allowed: ')) : !p.allowed) withoutAllowed[key] = (withoutAllowed[key] ?? 0) + 1;
    }
  };
  let target = targets[0];
  for (let i = 0; i < opts.n; i++) {
    target = targets[i % targets.length];
    const stats = (byTarget[target.name] ??= { cases: 0, accepted: 0 });
    stats.cases++;
    const props = target.props(rng);
    if (props !== null && typeof props === 'object' && !Array.isArray(props)) target.adjust?.(props as Record<string, unknown>, rng);
    const id = rng.chance(0.05) ? rng.pick(['a'.repeat(70), 'Web', 'x_y', '1db']) : target.id;
    const chart = new TimonelChart(Testing.app(), 'fz', rng.chance(0.5) ? { namespace: 'fz' } : {});
    const show = () => safeJson(props);
    try {
      target.build(chart, id, props);
    } catch (e) {
      if (e instanceof TimonelError) {
        rejected++;
        count(e);
      } else failures.push({ case: i, target: target.name, kind: 'exception', detail: describe(e), props: show() });
      continue;
    }
    let docs: any[];
    try {
      // Validated as App.synth does (a TimonelError listing every construct's validation error).
      validateAll(chart.node.findAll());
      docs = CDK8S_CHART_TO_JSON.call(chart);
    } catch (e) {
      if (e instanceof TimonelError) {
        rejectedAtSynth++;
        count(e);
      } else failures.push({ case: i, target: target.name, kind: 'exception', detail: `at synth: ${describe(e)}`, props: show() });
      continue;
    }
    const problems: string[] = [];
    for (const doc of docs) {
      if (isCustomResource(doc)) continue;
      for (const p of validateManifest(doc)) {
        // drain.using 'sleep-action' writes the kubelet's sleep action, a Kubernetes 1.30 field that
        // the 1.28 schema lacks: documented, and only when asked for.
        if (/\.lifecycle\.preStop\.sleep: unknown field$/.test(p) && safeJson(props, Infinity).includes('"sleep-action"')) continue;
        problems.push(`${doc.kind}/${doc.metadata?.name}: ${p}`);
      }
    }
    const report = runPolicies(docs.map((manifest) => ({ manifest })), { profile: API_ONLY });
    for (const f of report.errors) problems.push(`${f.ruleId}: ${f.message}`);
    if (problems.length) failures.push({ case: i, target: target.name, kind: 'invalid-output', detail: problems.slice(0, 5).join('\n'), props: show() });
    else {
      accepted++;
      stats.accepted++;
    }
  }
  return {
    cases: opts.n,
    rejected,
    rejectedAtSynth,
    accepted,
    exceptions: failures.filter((f) => f.kind === 'exception').length,
    invalidOutputs: failures.filter((f) => f.kind === 'invalid-output').length,
    failures,
    byTarget,
    withoutFix,
    withoutAllowed,
    problems: problemCount,
  };
}

function describe(e: unknown): string {
  if (e instanceof Error) return `${e.name}: ${e.message}\n${(e.stack ?? '').split('\n').slice(1, 6).join('\n')}`;
  return String(e);
}

function safeJson(x: unknown, max = 600): string {
  try {
    const s = JSON.stringify(x, (_k, val) => (val instanceof Construct ? `<${val.node.path}>` : typeof val === 'number' && !Number.isFinite(val) ? String(val) : val));
    return s.length > max ? `${s.slice(0, max - 3)}...` : s;
  } catch {
    return String(x);
  }
}

/** A prop set that `validateProps` judged otherwise than the construct did. */
export interface Disagreement {
  readonly case: number;
  readonly target: string;
  /** 'accepted', or the first line of its error. */
  readonly validateProps: string;
  readonly construct: string;
  readonly props: string;
  readonly options: string;
}

/** What `runAgreement` found. */
export interface AgreementReport {
  readonly cases: number;
  /** Prop sets that both accepted. */
  readonly accepted: number;
  /** validateProps accepted, the construct (or its rendering) refused, or the other way round. */
  readonly disagreements: readonly Disagreement[];
  /** Both refused, but not with the same problems (prop and message). */
  readonly otherProblems: readonly Disagreement[];
  /** Anything validateProps threw that is not a TimonelError. */
  readonly exceptions: readonly Disagreement[];
  readonly byTarget: Readonly<Record<string, { cases: number; accepted: number; disagreements: number }>>;
}

/** The chart and App props the agreement cases are made in: what some checks depend on. */
const CONTEXTS: ReadonlyArray<{ chart?: TimonelChartProps; app?: AppProps }> = [
  {}, { chart: { namespace: 'fz' } }, { chart: { namespace: 'fz', policy: { profile: 'baseline' } } }, { app: { delivery: 'argocd' } },
];

/** The chart and App, with their props: validateProps itself is the subject. */
const SCOPE_TARGETS: readonly FuzzTarget[] = [
  { name: 'TimonelChart', id: 'shop', props: (rng) => generate(CHART_PROPS, rng), build: () => undefined },
  { name: 'App', id: '', props: (rng) => generate(APP_PROPS, rng), build: () => undefined },
];

/**
 * Runs `n` cases from `seed` through `validateProps` and through the construct itself (built in a
 * TimonelChart of an App, its validations and its chart's `toJson()`: rendering and policies), in
 * the same chart and App props and with the same ids; counts where they disagree.
 */
export function runAgreement(opts: { n: number; seed: number; targets?: readonly string[] }): AgreementReport {
  const all = [...FUZZ_TARGETS.filter((t) => t.name !== 'Migration'), ...SCOPE_TARGETS];
  const targets = opts.targets ? all.filter((t) => opts.targets!.includes(t.name)) : all;
  const rng = new Rng(opts.seed);
  let accepted = 0;
  const disagreements: Disagreement[] = [];
  const otherProblems: Disagreement[] = [];
  const exceptions: Disagreement[] = [];
  const byTarget: Record<string, { cases: number; accepted: number; disagreements: number }> = {};
  for (let i = 0; i < opts.n; i++) {
    const target = targets[i % targets.length];
    const stats = (byTarget[target.name] ??= { cases: 0, accepted: 0, disagreements: 0 });
    stats.cases++;
    const props = target.props(rng);
    if (props !== null && typeof props === 'object' && !Array.isArray(props)) target.adjust?.(props as Record<string, unknown>, rng);
    const context = rng.pick(CONTEXTS);
    // Half the cases with the ids given, half with validateProps' defaults.
    const ids = rng.chance(0.5) ? { id: target.id, chartId: 'fz' } : { id: target.name === 'TimonelChart' ? 'chart' : 'app', chartId: 'chart' };
    const given = ids.chartId === 'fz';
    const options = target.name === 'App' ? {} : target.name === 'TimonelChart' ? { ...(given ? { id: ids.id } : {}), app: context.app } : { ...(given ? ids : {}), ...context };
    const construct = verdict(() => buildAndRender(target, props, ids, context));
    const validated = verdict(() => validateProps(target.name as ValidatedConstruct, props, 'props.yaml', options as ValidatePropsOptions));
    const show = (): Disagreement => ({
      case: i, target: target.name, validateProps: validated.text, construct: construct.text, props: safeJson(props), options: safeJson(options),
    });
    if (validated.other) exceptions.push(show());
    else if (validated.ok !== construct.ok) {
      disagreements.push(show());
      stats.disagreements++;
    } else if (validated.ok) {
      accepted++;
      stats.accepted++;
    } else if (construct.problems !== undefined && validated.problems !== construct.problems) otherProblems.push(show());
  }
  return { cases: opts.n, accepted, disagreements, otherProblems, exceptions, byTarget };
}

/** Builds and renders as an app does: App, chart, construct, its validations, the chart's toJson(). */
function buildAndRender(target: FuzzTarget, props: unknown, ids: { id: string; chartId: string }, context: { chart?: TimonelChartProps; app?: AppProps }): void {
  if (target.name === 'App') {
    new App(props as AppProps).render({ policies: false });
    return;
  }
  const app = new App(context.app);
  const chart = target.name === 'TimonelChart' ? new TimonelChart(app, ids.id, props as TimonelChartProps) : new TimonelChart(app, ids.chartId, context.chart);
  if (target.name !== 'TimonelChart') target.build(chart, ids.id, props);
  validateAll(app.node.findAll());
  chart.toJson();
}

/**
 * Whether `fn` accepted; its error's first line; and, for a TimonelError of props (not a policy
 * run's or the node validations' text), its problems as 'prop: message' lines.
 */
function verdict(fn: () => void): { ok: boolean; text: string; problems?: string; other?: boolean } {
  try {
    fn();
    return { ok: true, text: 'accepted' };
  } catch (e) {
    if (!(e instanceof TimonelError)) return { ok: false, text: describe(e), other: true };
    const blob = e instanceof PolicyError || e.detail.startsWith('Validation failed with the following errors:');
    return { ok: false, text: e.message.split('\n')[0], problems: blob ? undefined : e.problems.map((p) => `${p.prop}: ${p.detail}`).join('\n') };
  }
}
