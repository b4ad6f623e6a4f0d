import { ApiObject, App, Chart, YamlOutputType } from 'cdk8s';
import { IConstruct } from 'constructs';
import {
  appCharts,
  CDK8S_CHART_TO_JSON,
  cdk8sIsVerified,
  cdk8sVersion,
  chartFileName,
  chartToKube,
  FindAllCache,
  rendering,
  resolveDependencies,
  validateAll,
  VERIFIED_CDK8S,
} from './cdk8s-internals';
import { fail } from '../core/errors';
import { checkAddedJsonPatches } from './manifest-patch';

/** One rendered file: its name in the output folder and its documents in order. */
export interface RenderedFile {
  readonly fileName: string;
  readonly docs: any[];
}

/** One chart's file, as `synthesizeApp` renders it. */
export interface SynthesizedChart extends RenderedFile {
  /** The chart. */
  readonly chart: Chart;
  /** The chart's own ApiObjects in cdk8s order: the order cdk8s records construct metadata in. */
  readonly apiObjects: readonly ApiObject[];
  /** For each document of `docs`, the ApiObject that produced it, when known. */
  readonly sources: readonly (ApiObject | undefined)[];
}

/** The output of `synthesizeApp`. */
export interface AppSynthesis {
  /** One entry per chart, in `app.charts` order (dependencies first). */
  readonly charts: readonly SynthesizedChart[];
}

/** Reorders a chart's documents (with anything carried along), as the chart's `toJson()` does. */
export type PostProcess = <T extends { kind?: string }>(items: T[]) => T[];

/** How the caller's chart classes render: the engine itself knows only cdk8s. */
export interface SynthesizeOptions {
  /**
   * For a chart whose class overrides `toJson()`: what its `toJson()` does on top of cdk8s's own
   * (for example, sorting into apply order), or undefined to call its `toJson()` (exact, but that
   * re-validates the whole app, as in plain cdk8s).
   * @default - every overriding chart's `toJson()` is called
   */
  readonly postProcess?: (chart: Chart) => PostProcess | undefined;
  /**
   * Receives the notice that synthesis fell back to plain cdk8s (unverified cdk8s version).
   * @default - written to stderr
   */
  readonly notice?: (message: string) => void;
}

/**
 * Synthesizes every chart of a cdk8s app (YamlOutputType.FILE_PER_CHART) with exactly the result
 * of plain `App.synth()`: same validation (and error text), same dependency resolution, same chart
 * and object order, same file names, same documents. Writes nothing.
 *
 * Validation and dependency resolution run once for the app and the order is a linear
 * topological sort, so the cost is linear in the size of the app; each object is rendered by
 * cdk8s's own `ApiObject.toJson()`. With a cdk8s version outside `VERIFIED_CDK8S` it uses plain
 * cdk8s (`chart.toJson()` per chart) and says so.
 */
export function synthesizeApp(app: App, options: SynthesizeOptions = {}): AppSynthesis {
  requireFilePerChart(app);
  if (!cdk8sIsVerified()) {
    const notice = options.notice ?? ((m: string) => process.stderr.write(`${m}\n`));
    notice(`timonel: cdk8s ${cdk8sVersion()} is outside the verified range ${VERIFIED_CDK8S.range}; synthesizing through plain cdk8s (same output, slower)`);
    return synthesizePlainly(app);
  }
  const cache = new FindAllCache();
  const all = cache.findAll(app);
  // The order of App.synth: validate, then resolve dependencies (idempotent, mutates the tree).
  validateAll(all);
  const indexed = resolveDependencies(all, cache);
  const charts = appCharts(app, all);
  return {
    charts: charts.map((chart, i) => {
      const fileName = chartFileName(chart, indexed ? i : undefined, app.outputFileExtension);
      return synthesizeChart(chart, fileName, options);
    }),
  };
}

function synthesizeChart(chart: Chart, fileName: string, options: SynthesizeOptions): SynthesizedChart {
  const apiObjects = chartToKube(chart);
  const post: PostProcess | undefined = chart.toJson === CDK8S_CHART_TO_JSON ? (items) => items : options.postProcess?.(chart);
  if (!post) {
    const docs = rendering(() => chart.toJson());
    return { fileName, docs, chart, apiObjects, sources: docs.map(() => undefined) };
  }
  const items = post(apiObjects.map((source) => {
    const doc = rendering(() => source.toJson());
    checkAddedJsonPatches(source, doc);
    return { kind: doc?.kind as string | undefined, doc, source };
  }));
  return { fileName, docs: items.map((x) => x.doc), chart, apiObjects, sources: items.map((x) => x.source) };
}

/**
 * Plain cdk8s semantics, public API only: every chart rendered by its own `toJson()` (which
 * re-resolves and re-validates the whole app each time). The fallback of `synthesizeApp`, and the
 * reference the tests compare it with.
 */
export function synthesizePlainly(app: App): AppSynthesis {
  const first = app.node.findAll().find((c) => c instanceof Chart) as Chart | undefined;
  if (!first) return { charts: [] };
  // Plain toJson() validates and resolves dependencies before app.charts is read.
  rendering(() => CDK8S_CHART_TO_JSON.call(first));
  const indexed = hasCrossChartDependency(app);
  return {
    charts: app.charts.map((chart, i) => {
      const docs = rendering(() => chart.toJson());
      const apiObjects = chart.node.findAll().filter((c): c is ApiObject => ApiObject.isApiObject(c) && Chart.of(c) === chart);
      return { fileName: chartFileName(chart, indexed ? i : undefined, app.outputFileExtension), docs, chart, apiObjects, sources: docs.map(() => undefined) };
    }),
  };
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
