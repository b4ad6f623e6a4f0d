import { Construct } from 'constructs';
import { BatchJob } from '../constructs/batch-job';
import { NodeAgent } from '../constructs/node-agent';
import { PostgreSQL } from '../constructs/presets/postgres';
import { Redis } from '../constructs/presets/redis';
import { BATCH_JOB_PROPS } from '../constructs/props/batch-job';
import { NODE_AGENT_PROPS } from '../constructs/props/node-agent';
import { POSTGRES_PROPS, REDIS_PROPS } from '../constructs/props/presets';
import { STATEFUL_STORE_PROPS } from '../constructs/props/stateful-store';
import { WEB_APP_PROPS } from '../constructs/props/web-app';
import { WORKER_PROPS } from '../constructs/props/worker';
import { StatefulStore } from '../constructs/stateful-store';
import { WebApp } from '../constructs/web-app';
import { Worker } from '../constructs/worker';
import { uncounted } from '../core/app-watch';
import { withCallScope } from '../core/call-scope';
import { collectingErrors, fail, isConstruct, issueOf, PropIssue, TimonelError } from '../core/errors';
import { AnySpec, checkArgs, checkProps, closest, joinPath, keyPath, v } from '../core/validation';
import { PolicyError } from '../policies/engine';
import { Finding } from '../policies/types';
import { App, AppProps } from './app';
import { TimonelChart, TimonelChartProps } from './chart';
import { APP_PROPS, CHART_PROPS } from './specs';

const SPECS = {
  WebApp: WEB_APP_PROPS,
  BatchJob: BATCH_JOB_PROPS,
  Worker: WORKER_PROPS,
  NodeAgent: NODE_AGENT_PROPS,
  StatefulStore: STATEFUL_STORE_PROPS,
  PostgreSQL: POSTGRES_PROPS,
  Redis: REDIS_PROPS,
  TimonelChart: CHART_PROPS,
  App: APP_PROPS,
} satisfies Record<string, AnySpec<unknown>>;

/** The constructs whose props `validateProps` checks. */
export type ValidatedConstruct = keyof typeof SPECS;

/** The constructs made in a chart, and how. */
const IN_CHART: Record<Exclude<ValidatedConstruct, 'TimonelChart' | 'App'>, (chart: Construct, id: string, props: any) => unknown> = {
  WebApp: (c, id, p) => new WebApp(c, id, p),
  BatchJob: (c, id, p) => new BatchJob(c, id, p),
  Worker: (c, id, p) => new Worker(c, id, p),
  NodeAgent: (c, id, p) => new NodeAgent(c, id, p),
  StatefulStore: (c, id, p) => new StatefulStore(c, id, p),
  PostgreSQL: (c, id, p) => new PostgreSQL(c, id, p),
  Redis: (c, id, p) => new Redis(c, id, p),
};

/** Where `validateProps` builds the construct: what some of its checks depend on (names, profile, namespace, delivery). */
export interface ValidatePropsOptions {
  /**
   * The construct's id, as in `new WebApp(chart, id, props)` (for `TimonelChart`, the chart's id):
   * its objects' names are made from the chart id and this one.
   * @default 'app' ('chart' for a TimonelChart)
   */
  readonly id?: string;
  /**
   * The id of the TimonelChart the construct is created in.
   * @default 'chart'
   */
  readonly chartId?: string;
  /**
   * The props of that TimonelChart: its namespace, labels, policy profile (a 'baseline' chart
   * admits a `securityContext` that a 'restricted' one refuses) and traffic defaults.
   * @default - none: a chart with the defaults (no namespace, the 'restricted' profile)
   */
  readonly chart?: TimonelChartProps;
  /**
   * The props of the App: its delivery (Argo CD and Flux refuse a one-off Job's TTL) and traffic defaults.
   * @default - none: an App with the defaults ('kubectl' delivery)
   */
  readonly app?: AppProps;
}

const OPTIONS = v.object<ValidatePropsOptions>()({
  id: v.string({ nonEmpty: true, samples: ['web'] }),
  chartId: v.string({ nonEmpty: true, samples: ['shop'] }),
  chart: CHART_PROPS,
  app: APP_PROPS,
}, { what: 'option' });

/** The options that do not apply to a construct, and why. */
const NOT_FOR: Partial<Record<ValidatedConstruct, Partial<Record<keyof ValidatePropsOptions, string>>>> = {
  TimonelChart: { chartId: "the chart's id is 'id'", chart: "the chart's props are the props checked" },
  App: { id: 'an App has no id', chartId: 'an App is in no chart', chart: 'an App is in no chart', app: "the App's props are the props checked" },
};

const DEFAULT_CHART_ID = 'chart';
const DEFAULT_ID = 'app';

/**
 * Checks props loaded from JSON or YAML (or built by JavaScript) as the construct does: its props
 * spec first, then, once every prop is well formed, by building the construct (as `new WebApp(chart,
 * id, props)`) in a scratch App and TimonelChart made from `options`, validating and rendering its
 * objects as `app.synth()` does, the policies included. Nothing is written and nothing is printed
 * (no policy warnings); the scratch tree is dropped. Returns the props, typed.
 *
 * Throws a TimonelError at `path` (e.g. the file the props came from): for the spec, one listing
 * every problem (`error.problems`), each naming its prop as written (`extraPorts[0].name`); then the
 * first problem the constructor or the rendering finds, as `new WebApp(...)` or `app.synth()` would
 * report it (`schedule`, `drain.delaySeconds`, `mounts[0].volume`), its path replaced by `path`.
 * A problem of `options` is reported at `validateProps` (`options.chart.namespace`).
 *
 * Props that hold a construct of your app (`connectTo: [db]`, an ExternalSecret) are refused: the
 * construct cannot be built without changing them. Validate the props from the file, then add
 * those in code.
 */
export function validateProps<K extends ValidatedConstruct>(construct: K, props: unknown, path: string = construct, options: ValidatePropsOptions = {}): NonNullable<(typeof SPECS)[K]['__type']> {
  const spec = SPECS[construct] as AnySpec<unknown> | undefined;
  if (spec === undefined) {
    const names = Object.keys(SPECS);
    const near = typeof construct === 'string' ? closest(construct, names) : undefined;
    const migration = (construct as string) === 'Migration';
    fail({
      path: 'validateProps', prop: 'construct', value: construct, allowed: names.join(', '),
      message: migration ? "is not a construct with props to check: a Migration's props name constructs (before: [api]), which only code can give" : 'is not a construct with props to check',
      fix: migration ? "create the Migration in code, which checks its props: new Migration(chart, 'migrate', { image, command, before: [api] })"
        : near ? `did you mean '${near}'?`
          : "pass the name of one of them as a string, e.g. validateProps('WebApp', props, 'web.yaml'); other constructs check their props when created in code",
    });
  }
  if (typeof path !== 'string') {
    fail({
      path: 'validateProps', prop: 'path', message: 'must be a string, the path shown in the messages', value: path, allowed: "a string such as 'web.yaml'",
      fix: `pass the path third and the options fourth: validateProps('${construct}', props, 'web.yaml', { chart: … })`,
    });
  }
  checkOptions(construct, options);
  const checked = checkProps(spec, props, path);
  const held = heldConstruct(checked, '');
  if (held) {
    fail({
      path, prop: held.prop,
      message: "holds a construct of the app, which validateProps cannot build with: the construct would be changed (a client's NetworkPolicy added to it)",
      value: held.value, allowed: 'props as JSON or YAML hold them, and the objects of Probe, EnvValue and StoreCredentials that name no construct',
      fix: `leave '${held.prop}' out of the props you validate and add it when you create the construct: { ...validateProps(...), ${held.prop.split(/[.[]/)[0]}: … }`,
    });
  }
  withCallScope(() => uncounted(() => buildAndRender(construct, checked, path, options)));
  return checked as NonNullable<(typeof SPECS)[K]['__type']>;
}

function checkOptions(construct: ValidatedConstruct, options: ValidatePropsOptions): void {
  checkArgs('validateProps', [[OPTIONS, options, 'options']]);
  for (const [k, why] of Object.entries(NOT_FOR[construct] ?? {})) {
    const value = (options as Record<string, unknown>)[k];
    if (value === undefined) continue;
    fail({ path: 'validateProps', prop: `options.${k}`, message: `does not apply to ${construct}: ${why}`, value, allowed: `options without '${k}' for ${construct}`, fix: `remove '${k}'` });
  }
}

/** The first construct in `props` (through plain objects and arrays, and into other objects), with where it is. */
function heldConstruct(props: unknown, prop: string, seen = new Set<unknown>()): { prop: string; value: unknown } | undefined {
  if (isConstruct(props)) return { prop, value: props };
  if (typeof props !== 'object' || props === null || seen.has(props)) return undefined;
  seen.add(props);
  const plain = Array.isArray(props) || Object.getPrototypeOf(props) === Object.prototype || Object.getPrototypeOf(props) === null;
  const entries: [string, unknown][] = Array.isArray(props) ? props.map((x, i) => [`${prop}[${i}]`, x]) : Object.entries(props).map(([k, x]) => [keyPath(prop, k), x]);
  for (const [p, x] of entries) {
    const found = heldConstruct(x, p, seen);
    // Inside an object made by a factory (an EnvValue of an ExternalSecret), the prop is where the object is.
    if (found) return plain ? found : { prop, value: props };
  }
  return undefined;
}

/** The scratch tree's paths, to tell a problem of the props from one of the options. */
interface Where {
  /** The path given to validateProps. */
  readonly path: string;
  /** The construct whose props are checked ('' for an App); none while the App and chart of the options are made. */
  readonly subject?: string;
  /** The scratch chart, once it is being made. */
  readonly chart?: string;
}

function buildAndRender(construct: ValidatedConstruct, props: unknown, path: string, o: ValidatePropsOptions): void {
  const step = <T>(where: Where, fn: () => T): T => {
    try {
      return fn();
    } catch (e) {
      throw translated(e, where);
    }
  };
  if (construct === 'App') {
    // An App without charts renders nothing: what it checks, its constructor has.
    step({ path, subject: '' }, () => new App(props as AppProps));
    return;
  }
  const app = step({ path }, () => new App(o.app));
  let where: Where;
  if (construct === 'TimonelChart') {
    const id = o.id ?? DEFAULT_CHART_ID;
    where = { path, subject: id };
    step(where, () => new TimonelChart(app, id, props as TimonelChartProps));
  } else {
    const chartId = o.chartId ?? DEFAULT_CHART_ID;
    const chart = step({ path, chart: chartId }, () => new TimonelChart(app, chartId, o.chart));
    const id = o.id ?? DEFAULT_ID;
    where = { path, subject: `${chart.node.path}/${id}`, chart: chart.node.path };
    step(where, () => IN_CHART[construct](chart, id, props));
  }
  // A construct's validations (node.addValidation) return text: their TimonelErrors are found again.
  const { result: failed, made } = collectingErrors(() => app.node.findAll().flatMap((c) => c.node.validate().map((message) => ({ c, message }))));
  if (failed.length) {
    throw grouped(failed.map(({ c, message }) => {
      const e = [...made].reverse().find((x) => x.message === message);
      return place(e ? { ...issueOf(e), path: c.node.path } : { path: c.node.path, message }, where);
    }), path);
  }
  step(where, () => app._checkQuietly());
}

/** A problem of the scratch tree, with the path it was reported at. */
type Placed = PropIssue & { readonly path?: string };

/** `e` as a TimonelError at the caller's path (or at validateProps, for the options); any other error as it is. */
function translated(e: unknown, where: Where): unknown {
  if (!(e instanceof TimonelError)) return e;
  const problems: Placed[] = e instanceof PolicyError ? e.findings.map(findingIssue) : e.problems.map((p) => ({ ...issueOf(p), path: p.path }));
  return grouped(problems.map((p) => place(p, where)), where.path);
}

// A policy error names an object and a field of the YAML, not a prop.
function findingIssue(f: Finding): Placed {
  if (f.object === undefined || f.detail === undefined) return { path: f.constructPath, message: `${f.message} (${f.ruleId})` };
  return {
    path: f.constructPath,
    message: `renders ${f.object}, whose ${f.field ? `'${f.field}' ` : ''}${f.detail} (policy rule ${f.ruleId})`,
    allowed: f.allowed, fix: f.fix, ...('value' in f ? { value: f.value } : {}),
  };
}

function under(p: string, root: string): boolean {
  return root === '' || p === root || p.startsWith(`${root}/`);
}

/** A problem of the props, or of the options (`options: true`), with its prop as the caller wrote it. */
function place(p: Placed, where: Where): PropIssue & { readonly options?: boolean } {
  const { path, ...issue } = p;
  const inSubject = where.subject !== undefined && (path === undefined || under(path, where.subject));
  if (inSubject && p.prop !== 'id') return issue;
  const inChart = where.chart !== undefined && (path === undefined || under(path, where.chart));
  const base = inSubject ? 'options' : inChart ? 'options.chart' : 'options.app';
  // An id is an option of validateProps: the construct's (options.id) or its chart's (options.chartId).
  const prop = p.prop === 'id' && base !== 'options.app' ? (base === 'options' ? 'options.id' : 'options.chartId') : p.prop === undefined ? base : joinPath(base, p.prop);
  return { ...issue, prop, options: true };
}

/**
 * One TimonelError: the props' problems at the caller's path; when there are none, the options'
 * at validateProps.
 */
function grouped(issues: ReadonlyArray<PropIssue & { readonly options?: boolean }>, path: string): TimonelError {
  const ofProps = issues.filter((i) => !i.options);
  const strip = ({ options: _o, ...i }: PropIssue & { readonly options?: boolean }): PropIssue => i;
  return ofProps.length
    ? TimonelError.all({ path }, ofProps.map(strip))!
    : TimonelError.all({ path: 'validateProps' }, issues.map(strip))!;
}
