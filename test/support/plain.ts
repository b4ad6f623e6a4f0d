// Plain cdk8s synthesis, for tests that compare timonel's synthesis with it.
import { App, Chart, YamlOutputType } from 'cdk8s';
import { IConstruct } from 'constructs';
import { TimonelChart } from '../../src/app/chart';
import { orderForApply } from '../../src/app/order';
import { CDK8S_CHART_TO_JSON, chartFileName } from '../../src/synth/cdk8s-internals';
import { RenderedFile } from '../../src/synth/synth';

/**
 * Runs `fn` with TimonelChart.toJson() reduced to what it adds to cdk8s's output (apply order),
 * without its per-chart policy run: plain cdk8s output of charts whose objects would fail policies.
 */
export function withoutChartPolicies<T>(fn: () => T): T {
  const proto = TimonelChart.prototype as any;
  const own = proto.toJson;
  proto.toJson = function (this: Chart) {
    return orderForApply(CDK8S_CHART_TO_JSON.call(this));
  };
  try {
    return fn();
  } finally {
    proto.toJson = own;
  }
}

/**
 * The files of plain cdk8s `App.synth()` (every chart rendered by its own `chart.toJson()`, which
 * re-resolves and re-validates the whole app each time), without writing them.
 */
export function synthesizePlain(app: App): RenderedFile[] {
  if (app.yamlOutputType !== YamlOutputType.FILE_PER_CHART) throw new Error('FILE_PER_CHART only');
  const first = app.node.findAll().find((c) => c instanceof Chart) as Chart | undefined;
  if (!first) return [];
  CDK8S_CHART_TO_JSON.call(first);
  const charts = app.charts;
  const indexed = app.node.findAll().some((c: IConstruct) => {
    const own = closestChart(c);
    return own !== undefined && c.node.dependencies.some((d) => closestChart(d) !== own);
  });
  return withoutChartPolicies(() => charts.map((chart, i) => ({
    fileName: chartFileName(chart, indexed ? i : undefined, app.outputFileExtension),
    docs: chart.toJson(),
  })));
}

function closestChart(c: IConstruct): Chart | undefined {
  for (let x: IConstruct | undefined = c; x; x = x.node.scope) if (Chart.isChart(x)) return x;
  return undefined;
}
