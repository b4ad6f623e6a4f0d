// Plain cdk8s synthesis, for tests that compare timonel's synthesis with it.
import { App, Chart, YamlOutputType } from 'cdk8s';
import { TimonelChart } from '../../src/app/chart';
import { orderForApply } from '../../src/app/order';
import { CDK8S_CHART_TO_JSON } from '../../src/synth/cdk8s-internals';
import { RenderedFile, synthesizePlainly } from '../../src/synth/synth';

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
  return withoutChartPolicies(() => synthesizePlainly(app).charts.map(({ fileName, docs }) => ({ fileName, docs })));
}
