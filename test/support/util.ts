import { Chart, Testing } from 'cdk8s';
import { TimonelChart, TimonelChartProps } from '../../src/app/chart';
import { TimonelError } from '../../src/core/errors';

/** A fresh app and chart for a test. */
export function newChart(id = 'test', props: TimonelChartProps = {}): TimonelChart {
  return new TimonelChart(Testing.app(), id, props);
}

/** Synthesizes a chart (in apply order, policies included). */
export function synth(chart: Chart): any[] {
  return Testing.synth(chart);
}

/** The one object of `kind` (and `name`, when given); fails when there is not exactly one. */
export function one(objs: any[], kind: string, name?: string): any {
  const found = objs.filter((o) => o.kind === kind && (name === undefined || o.metadata?.name === name));
  if (found.length !== 1) throw new Error(`expected one ${kind}${name ? ` '${name}'` : ''}, found ${found.length}`);
  return found[0];
}

/** All objects of `kind`. */
export function all(objs: any[], kind: string): any[] {
  return objs.filter((o) => o.kind === kind);
}

/** The pod spec of a workload object (Deployment, StatefulSet, Job, CronJob, Pod). */
export function podSpec(obj: any): any {
  if (obj.kind === 'Pod') return obj.spec;
  if (obj.kind === 'CronJob') return obj.spec.jobTemplate.spec.template.spec;
  return obj.spec.template.spec;
}

/** The TimonelError `fn` throws; any other error is rethrown, and no error fails the test. */
export function thrown(fn: () => unknown): TimonelError {
  try {
    fn();
  } catch (e) {
    if (e instanceof TimonelError) return e;
    throw e;
  }
  throw new Error('expected a TimonelError');
}

/** Runs `fn` with stderr muted (the warnings synth prints), and returns its result. */
export function quiet<T>(fn: () => T): T {
  const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    return fn();
  } finally {
    stderr.mockRestore();
  }
}
