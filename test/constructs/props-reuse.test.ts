import { Testing } from 'cdk8s';
import { Construct } from 'constructs';
import { TimonelChart } from '../../src/app/chart';
import { BatchJob } from '../../src/constructs/batch-job';
import { PostgreSQL } from '../../src/constructs/presets/postgres';
import { StatefulStore, StoreCredentials } from '../../src/constructs/stateful-store';
import { WebApp } from '../../src/constructs/web-app';
import { Worker } from '../../src/constructs/worker';
import { Workload, WorkloadProps } from '../../src/workload/workload';
import { thrown } from '../support/util';

// A construct checks the props it is given against its own spec, every time: nothing is
// remembered about the caller's object, within an App or across Apps.
const IMAGE = 'ghcr.io/acme/app:1.0.0';
const chart = (id = 'ops') => new TimonelChart(Testing.app(), id, { namespace: id });

class Custom extends Workload {
  constructor(scope: Construct, id: string, props: WorkloadProps) {
    super(scope, id, props);
  }
}

describe('a props object used for a second construct', () => {
  test('fails when a props object given to a Worker has a prop a BatchJob does not know', () => {
    const c = chart();
    const props: any = { image: IMAGE, command: ['true'], replicas: 1 };
    new Worker(c, 'w', props);
    expect(thrown(() => new BatchJob(c, 'j', props)).message).toMatch(/^\[ops\/j\] 'replicas' is not a known prop, got 1\. Allowed: the props of BatchJob.* Fix: /);
  });

  test('fails when a props object given to a Worker in another App has a prop a BatchJob does not know', () => {
    const props: any = { image: IMAGE, command: ['true'], replicas: 1 };
    new Worker(chart('a'), 'w', props);
    expect(thrown(() => new BatchJob(chart('b'), 'j', props)).message).toMatch(/^\[b\/j\] 'replicas' is not a known prop, got 1\. Allowed: the props of BatchJob.* Fix: /);
  });

  test('fails when a props object a BatchJob accepted is changed and given to a second BatchJob', () => {
    const c = chart();
    const props: any = { image: IMAGE, command: ['true'], schedule: '0 2 * * *' };
    new BatchJob(c, 'first', props);
    props.shedule = props.schedule;
    expect(thrown(() => new BatchJob(c, 'second', props)).message).toMatch(/^\[ops\/second\] 'shedule' is not a known prop, got '0 2 \* \* \*'\. .*Fix: did you mean 'schedule'\?$/);
  });

  test('fails when a props object given to a WebApp has a prop a workload of your own does not know', () => {
    const c = chart();
    const props: any = { image: IMAGE, port: 8080 };
    new WebApp(c, 'web', props);
    expect(thrown(() => new Custom(c, 'custom', props)).message).toMatch(/^\[ops\/custom\] 'port' is not a known prop, got 8080\. .* Fix: /);
  });

  test('fails when a props object given to a WebApp has a prop a StatefulStore does not know', () => {
    const c = chart();
    const props: any = { image: IMAGE, port: 5432, ingress: { host: 'db.example.com' } };
    new WebApp(c, 'web', props);
    expect(thrown(() => new StatefulStore(c, 'db', props)).message).toMatch(/^\[ops\/db\] 'ingress' is not a known prop, got .* Fix: /);
  });

  test('fails when a props object given to a PostgreSQL has a prop a StatefulStore does not know', () => {
    const c = chart();
    const props: any = { credentials: StoreCredentials.fromSecret('db'), ephemeral: true, image: 'postgres:16', port: 5432 };
    new PostgreSQL(c, 'pg', props);
    expect(thrown(() => new StatefulStore(c, 'db', props)).message).toMatch(/^\[ops\/db\] 'ephemeral' is not a known prop, got true\. .* Fix: /);
  });

  test("leaves the caller's object as it was", () => {
    const props = { image: IMAGE, command: ['true'], replicas: 2 };
    const before = { ...props };
    new Worker(chart(), 'w', props);
    expect(props).toEqual(before);
    expect(Object.getPrototypeOf(props)).toBe(Object.prototype);
    expect(Reflect.ownKeys(props)).toEqual(Reflect.ownKeys(before));
  });
});
