import { ApiObject, App, Chart, YamlOutputType } from 'cdk8s';
import { IConstruct } from 'constructs';
import {
  apiObjectRenderer,
  appCharts,
  CDK8S_CHART_TO_JSON,
  chartFileName,
  chartToKube,
  FindAllCache,
  resolveDependencies,
  validateAll,
} from './cdk8s-internals';
import { TimonelChart } from './chart';
import { fail } from './errors';
import { orderForApply } from './order';
import { RenderedFile } from './output';
import { withoutChartPolicies } from '../policies/policy';

/** One chart's file, as `synthesizeApp` renders it. */
export interface SynthesizedChart extends RenderedFile {
  /** The chart. */
  readonly chart: Chart;
  /**
   * The chart's own ApiObjects in cdk8s order (before the chart's post-processing, such as
   * apply order): the order cdk8s records construct metadata in.
   */
  readonly apiObjects: readonly ApiObject[];
  /**
   * For each document of `docs`, the ApiObject that produced it; undefined for documents of a
   * chart with a custom `toJson()`.
   */
  readonly sources: readonly (ApiObject | undefined)[];
}

/** The output of `synthesizeApp`. */
export interface AppSynthesis {
  /** One entry per chart, in `app.charts` order (dependencies first). */
  readonly charts: readonly SynthesizedChart[];
  /** cdk8s's `hasDependantCharts`: charts are nested or depend on each other, so file names carry an index. */
  readonly indexed: boolean;
}

/** Reorders a chart's documents (with anything carried along) the way its `toJson()` would. */
type PostProcess = <T extends { kind?: string }>(items: T[]) => T[];

// The `toJson()` implementations whose result the fast path reproduces, and what each adds on top of
// cdk8s's own (`chartToKube(chart).map(o => o.toJson())`). Keyed by method so a subclass that
// overrides `toJson()` again is not mistaken for its parent.
const POST_PROCESS = new Map<unknown, PostProcess>([
  [CDK8S_CHART_TO_JSON, (items) => items],
  // TimonelChart.toJson() is orderForApply(super.toJson()).
  [TimonelChart.prototype.toJson, orderForApply],
]);

/**
 * Synthesizes every chart of a cdk8s app (YamlOutputType.FILE_PER_CHART), with exactly the result
 * of plain `App.synth()`: same validation (and error text), same dependency resolution, same chart
 * and object order, same file names, same documents. Writes nothing.
 *
 * Unlike `App.synth()`, whose per-chart `toJson()` re-resolves and re-validates the whole app, it
 * walks the whole tree once (one `findAll`) and each chart's subtree once more, and sorts without
 * cdk8s's path-enumerating dependency graph, so its cost is linear in the size of the app and its
 * dependencies. Every construct's validations run exactly once. Each ApiObject's `toJson()` is
 * replicated in one pass over its document (`apiObjectRenderer`).
 *
 * A chart whose class overrides `toJson()` (other than TimonelChart's own) is rendered by calling
 * it: it keeps its exact output but costs a full validation of the app, as in plain cdk8s.
 */
export function synthesizeApp(app: App): AppSynthesis {
  requireFilePerChart(app);
  const cache = new FindAllCache();
  const all = cache.findAll(app);
  // The order of App.synth: validate, then resolve dependencies (idempotent, mutates the tree).
  validateAll(all);
  const indexed = resolveDependencies(all, cache);
  // app.charts, without its second walk of the tree and its exponential graph.
  const charts = appCharts(app, all);
  const render = apiObjectRenderer(app);
  return {
    indexed,
    charts: charts.map((chart, i) => synthesizeChart(chart, chartFileName(chart, indexed ? i : undefined, app.outputFileExtension), render)),
  };
}

function synthesizeChart(chart: Chart, fileName: string, render: (apiObject: ApiObject) => any): SynthesizedChart {
  const apiObjects = chartToKube(chart);
  const post = POST_PROCESS.get(chart.toJson);
  if (!post) {
    // Unknown toJson(): only calling it is exact.
    const docs = chart.toJson();
    return { fileName, docs, chart, apiObjects, sources: docs.map(() => undefined) };
  }
  // toJson() resolves Lazy values and applies patches; the kind decides the apply order.
  const items = post(apiObjects.map((source) => {
    const doc = render(source);
    return { kind: doc?.kind as string | undefined, doc, source };
  }));
  return { fileName, docs: items.map((x) => x.doc), chart, apiObjects, sources: items.map((x) => x.source) };
}

/**
 * The same files through plain cdk8s semantics: every chart rendered by its own `chart.toJson()`
 * (which re-resolves and re-validates the whole app each time). Quadratic in the number of
 * charts; for equivalence tests and for bisecting a suspected fast-path difference.
 */
export function synthesizePlain(app: App): RenderedFile[] {
  requireFilePerChart(app);
  const first = app.node.findAll().find((c) => c instanceof Chart) as Chart | undefined;
  if (!first) return [];
  // App.synth resolves dependencies before reading app.charts; plain toJson() does that too.
  CDK8S_CHART_TO_JSON.call(first);
  const charts = app.charts;
  const indexed = hasCrossChartDependency(app);
  // Plain cdk8s semantics, for comparison: the per-chart policy run of TimonelChart.toJson() is not part of them.
  return withoutChartPolicies(() => charts.map((chart, i) => ({
    fileName: chartFileName(chart, indexed ? i : undefined, app.outputFileExtension),
    docs: chart.toJson(),
  })));
}

// After dependency resolution, cdk8s's hasDependantCharts holds exactly when some construct depends
// on a construct of another chart (nesting and cross-chart dependencies both leave one behind).
function hasCrossChartDependency(app: App): boolean {
  return app.node.findAll().some((c: IConstruct) => {
    const own = closestChart(c);
    return own !== undefined && c.node.dependencies.some((d) => closestChart(d) !== own);
  });
}

function closestChart(c: IConstruct): Chart | undefined {
  for (let x: IConstruct | undefined = c; x; x = x.node.scope) if (Chart.isChart(x)) return x;
  return undefined;
}

function requireFilePerChart(app: App): void {
  if (app.yamlOutputType !== YamlOutputType.FILE_PER_CHART) {
    fail({
      scope: app,
      prop: 'yamlOutputType',
      message: 'is not supported by the timonel synthesis',
      value: YamlOutputType[app.yamlOutputType],
      allowed: 'FILE_PER_CHART',
      fix: 'leave yamlOutputType unset (one file per chart), or call the plain cdk8s App.synth()',
    });
  }
}
