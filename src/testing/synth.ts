import { ApiObject, Chart, Testing } from 'cdk8s';
import { IConstruct } from 'constructs';
import { App } from '../app/app';
import { TimonelChart } from '../app/chart';
import { orderForApply } from '../app/order';
import { fail, isConstruct } from '../core/errors';
import { PolicySubject } from '../policies';
import { rendering } from '../synth/cdk8s-internals';

/** Options of `synth`. */
export interface SynthOptions {
  /**
   * Run the policies as `npm run synth` would: a policy error throws a PolicyError. `false`
   * renders the objects without checking them (to assert on what a failing chart emits).
   * @default true
   */
  readonly policies?: boolean;
}

/**
 * The Kubernetes objects of a chart, an app, or any construct in a chart, as plain JSON in apply
 * order. Nothing is written to disk.
 * - a chart: its objects (`Testing.synth`), policies enforced per chart;
 * - an `App`: every chart's objects, chart after chart, policies enforced over the whole app
 *   (warnings go to stderr, as in `app.synth()`) and duplicates rejected;
 * - another construct (a WebApp, a Worker, ...): the objects it made, out of its chart's.
 */
export function synth(scope: IConstruct, options: SynthOptions = {}): any[] {
  if (!isConstruct(scope)) {
    fail({
      path: 'synth', prop: 'scope', message: 'must be a chart, an App or a construct inside a chart', value: scope, allowed: 'a chart, an App or a construct inside a chart',
      fix: Array.isArray(scope) ? 'these are synthesized objects already: assert on them, e.g. findObject(objects, \'Deployment\')' : 'pass the chart (or App) the constructs were added to: synth(chart)',
    });
  }
  const checked = options.policies ?? true;
  if (scope instanceof App) {
    return scope._renderCharts({ policies: checked }).flatMap((f) => fromChart(f.chart, f.docs));
  }
  if (Chart.isChart(scope)) return fromChart(scope as Chart, checked ? Testing.synth(scope as Chart) : renderUnchecked(scope as Chart));
  const chart = chartOf(scope);
  const own = new Set(ownObjects(scope).map((o) => `${o.apiVersion}\0${o.kind}\0${o.name}`));
  const all = fromChart(chart, checked ? Testing.synth(chart) : renderUnchecked(chart));
  return all.filter((m) => own.has(`${m.apiVersion}\0${m.kind}\0${m.metadata?.name}`));
}

// The chart each object `synth` returned comes from, so that a policy run over a list of them
// (`toPassPolicies`) applies that chart's profile. Keyed by the object: nothing outlives it.
const origins = new WeakMap<object, Chart>();

function fromChart(chart: Chart, docs: any[]): any[] {
  for (const d of docs) if (d !== null && typeof d === 'object') origins.set(d, chart);
  return docs;
}

/**
 * A policy subject for a manifest: with the chart it came from when `synth` returned it (so the
 * chart's profile applies), else on its own (the restricted profile).
 */
export function subjectOf(manifest: any): PolicySubject {
  const chart = manifest !== null && typeof manifest === 'object' ? origins.get(manifest) : undefined;
  return chart ? { manifest, scope: chart } : { manifest };
}

/**
 * The objects of `scope` with where they come from, unchecked, for a policy run: each object's
 * chart decides its profile, and its construct path shows in findings.
 */
export function policySubjects(scope: IConstruct): PolicySubject[] {
  const charts = scope instanceof App ? scope.charts : [Chart.isChart(scope) ? (scope as Chart) : chartOf(scope)];
  const subjects: PolicySubject[] = [];
  for (const chart of charts) {
    const paths = new Map(ownObjects(chart).filter((o) => Chart.of(o) === chart).map((o) => [`${o.apiVersion}\0${o.kind}\0${o.name}`, o.node.path]));
    for (const manifest of renderUnchecked(chart)) {
      const constructPath = paths.get(`${manifest.apiVersion}\0${manifest.kind}\0${manifest.metadata?.name}`);
      subjects.push({ manifest, constructPath, scope: chart });
    }
  }
  if (scope instanceof App || Chart.isChart(scope)) return subjects;
  const own = new Set(ownObjects(scope).map((o) => o.node.path));
  return subjects.filter((s) => s.constructPath !== undefined && own.has(s.constructPath));
}

/** The one object of `kind` (and `name`, when given) among `objects`; fails when there is not exactly one. */
export function findObject(objects: readonly any[], kind: string, name?: string): any {
  const found = findObjects(objects, kind, name);
  if (found.length !== 1) {
    const known = objects.map((o) => `${o?.kind}/${o?.metadata?.name}`);
    fail({
      prop: 'findObject', message: `found ${found.length} objects of kind ${kind}${name === undefined ? '' : ` named '${name}'`}, expected exactly one`,
      value: name === undefined ? kind : `${kind}/${name}`, allowed: known.length ? known.join(', ') : 'none: there are no objects',
      fix: found.length > 1 ? 'pass the name too' : 'check the kind (case matters) and the Kubernetes name (`shop-web`, not the id)',
    });
  }
  return found[0];
}

/** Every object of `kind` (and `name`, when given) among `objects`, in their order. */
export function findObjects(objects: readonly any[], kind: string, name?: string): any[] {
  if (!Array.isArray(objects)) fail({ prop: 'objects', message: 'must be a list of manifests', value: typeof objects, allowed: 'a list of manifests, as synth(chart) returns', fix: 'pass the result of synth(chart)' });
  return objects.filter((o) => o?.kind === kind && (name === undefined || o?.metadata?.name === name));
}

/** The pod spec of a workload object (Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob or Pod). */
export function podSpecOf(object: any): any {
  const spec = object?.kind === 'Pod' ? object.spec
    : object?.kind === 'CronJob' ? object.spec?.jobTemplate?.spec?.template?.spec
      : object?.spec?.template?.spec;
  if (spec === undefined) {
    fail({ prop: 'podSpecOf', message: 'needs an object with a pod template', value: `${object?.kind}/${object?.metadata?.name}`, allowed: 'Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob or Pod', fix: "pass a workload object, e.g. podSpecOf(findObject(objects, 'Deployment'))" });
  }
  return spec;
}

/** The construct's chart, or a TimonelError when it is in none. */
function chartOf(scope: IConstruct): Chart {
  const chart = scope.node.scopes.slice().reverse().find((c) => Chart.isChart(c)) as Chart | undefined;
  if (!chart) {
    fail({ scope, prop: 'synth', message: 'needs a chart, an App or a construct inside a chart', value: scope.node.path || '<root>', allowed: 'a chart, an App or a construct inside a chart', fix: 'pass the chart the construct was added to' });
  }
  return chart;
}

function ownObjects(scope: IConstruct): ApiObject[] {
  return scope.node.findAll().filter((c): c is ApiObject => ApiObject.isApiObject(c));
}

// A TimonelChart's toJson() enforces the policies; this renders the same objects without them.
function renderUnchecked(chart: Chart): any[] {
  return rendering(() => (chart instanceof TimonelChart ? orderForApply(Chart.prototype.toJson.call(chart)) : (chart as { toJson(): any[] }).toJson()));
}
