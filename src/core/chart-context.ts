import { Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import { fail } from './errors';

/** What a timonel chart tells the constructs inside it (set by `TimonelChart`). */
export interface ChartContext {
  /** `app.kubernetes.io/part-of` for the chart's objects. */
  readonly partOf: string;
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

/** The timonel chart `c` belongs to, and its context; fails when `c` is in a plain cdk8s Chart. */
export function timonelChartOf(c: IConstruct): { readonly chart: Chart; readonly context: ChartContext } {
  const chart = Chart.of(c);
  // cdk8s' Chart[Symbol.hasInstance] is true for any chart, so `instanceof` cannot tell.
  if (!isTimonelChart(chart)) {
    fail({
      scope: c,
      message: `must be created inside a TimonelChart, but its chart '${chart.node.path}' is a plain cdk8s Chart`,
      fix: "create the chart with 'new TimonelChart(app, id, props)'",
    });
  }
  return { chart, context: (chart as any)[CHART_CONTEXT] as ChartContext };
}
