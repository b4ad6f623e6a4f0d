import { Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import { fail, isConstruct } from './errors';
import { TrafficDefaults } from './traffic';

/** A policy profile as constructs see it (the policies layer's `Profile` is one). */
export interface ChartProfile {
  /** The profile's name: 'restricted', 'baseline' or a custom one. */
  readonly name: string;
  /** The level of a rule in the profile ('off' when it does not run). */
  levelOf(ruleId: string): 'error' | 'warning' | 'off';
}

/** What a timonel chart tells the constructs inside it (set by `TimonelChart`). */
export interface ChartContext {
  /** `app.kubernetes.io/part-of` for the chart's objects. */
  readonly partOf: string;
  /** The chart's traffic defaults over the app's (each field on its own). @default - none: DEFAULTS.traffic */
  readonly traffic?: TrafficDefaults;
  /**
   * The chart's policy profile as it stands when asked (its `policy.profile`, else the nearest
   * `Policy.setDefault`, else restricted).
   * @default - the rules at their own severity (restricted)
   */
  readonly profile?: () => ChartProfile;
}

/** What a timonel App tells its charts (set by `App`). */
export interface AppContext {
  /** The app-wide traffic defaults. @default - none: DEFAULTS.traffic */
  readonly traffic?: TrafficDefaults;
  /** How the app is delivered ('kubectl', 'argocd', 'flux'). @default - none: a plain cdk8s App */
  readonly delivery?: 'kubectl' | 'argocd' | 'flux';
}

const APP_CONTEXT = Symbol.for('timonel.App');

/** Marks `app` (the root of the tree) as a timonel App with `context`. */
export function setAppContext(app: IConstruct, context: AppContext): void {
  Object.defineProperty(app, APP_CONTEXT, { value: context });
}

/** The context of the timonel App at the root of `c`'s tree; empty for a plain cdk8s App. */
export function appContextOf(c: IConstruct): AppContext {
  return ((c.node.root as any)[APP_CONTEXT] as AppContext | undefined) ?? {};
}

// Symbol.for: a second copy of timonel in the same process still recognizes the chart.
const CHART_CONTEXT = Symbol.for('timonel.TimonelChart');

/** Marks `chart` as a timonel chart with `context`. */
export function setChartContext(chart: Chart, context: ChartContext): void {
  Object.defineProperty(chart, CHART_CONTEXT, { value: context });
}

/** Whether `chart` is a timonel chart. */
export function isTimonelChart(chart: IConstruct): boolean {
  return CHART_CONTEXT in chart;
}

/** The nearest chart above `c` (timonel's or plain cdk8s'), or undefined outside any chart (Chart.of would throw a bare Error). */
export function nearestChart(c: IConstruct): Chart | undefined {
  return [...c.node.scopes].reverse().find((s) => Chart.isChart(s)) as Chart | undefined;
}

/** The timonel chart `c` belongs to, and its context; fails when `c` is in a plain cdk8s Chart. */
export function timonelChartOf(c: IConstruct): { readonly chart: Chart; readonly context: ChartContext } {
  if (!isConstruct(c)) {
    fail({ path: 'TimonelChart.of', prop: 'construct', message: 'must be a construct', value: c, allowed: 'a construct inside a TimonelChart', fix: 'pass a construct created in a TimonelChart, e.g. TimonelChart.of(web)' });
  }
  const chart = nearestChart(c);
  if (!chart) {
    fail({
      scope: c, message: 'must be created inside a TimonelChart, but it is not in any chart',
      allowed: 'a scope inside a TimonelChart', fix: "create a chart and the construct in it: const chart = new TimonelChart(app, 'shop', { namespace: 'shop' }); new WebApp(chart, 'web', { ... })",
    });
  }
  // cdk8s' Chart[Symbol.hasInstance] is true for any chart, so `instanceof` cannot tell.
  if (!isTimonelChart(chart)) {
    fail({
      scope: c,
      message: `must be created inside a TimonelChart, but its chart '${chart.node.path}' is a plain cdk8s Chart`,
      allowed: 'a scope inside a TimonelChart (not a plain cdk8s Chart)', fix: "create the chart with 'new TimonelChart(app, id, props)'",
    });
  }
  return { chart, context: (chart as any)[CHART_CONTEXT] as ChartContext };
}

/** The traffic defaults of the timonel chart `c` is in (the chart's over the app's); empty outside one. */
export function trafficDefaultsOf(c: IConstruct): TrafficDefaults {
  const chart = [...c.node.scopes].reverse().find((s) => CHART_CONTEXT in s);
  return ((chart as any)?.[CHART_CONTEXT] as ChartContext | undefined)?.traffic ?? {};
}

/** Every rule at its own severity: what a chart without a profile (or outside a timonel chart) checks. */
const RESTRICTED: ChartProfile = { name: 'restricted', levelOf: () => 'error' };

/**
 * The policy profile of the timonel chart `c` is in, as it stands now. Outside a timonel chart,
 * or with no profile set, the restricted one (every rule at its own severity; the Pod Security
 * rules are errors).
 */
export function chartProfileOf(c: IConstruct): ChartProfile {
  const chart = [...c.node.scopes].reverse().find((s) => CHART_CONTEXT in s);
  return ((chart as any)?.[CHART_CONTEXT] as ChartContext | undefined)?.profile?.() ?? RESTRICTED;
}
