import { Testing } from 'cdk8s';
import { Construct } from 'constructs';
import { App } from '../../src/app/app';
import { TimonelChart } from '../../src/app/chart';
import { BatchJob } from '../../src/constructs/batch-job';
import { Migration } from '../../src/constructs/migration';
import { NodeAgent } from '../../src/constructs/node-agent';
import { PostgreSQL } from '../../src/constructs/presets/postgres';
import { Redis } from '../../src/constructs/presets/redis';
import { StatefulStore, StoreCredentials } from '../../src/constructs/stateful-store';
import { WebApp } from '../../src/constructs/web-app';
import { Worker } from '../../src/constructs/worker';
import { TimonelError } from '../../src/core/errors';
import { Workload, WorkloadProps } from '../../src/workload/workload';
import { thrown } from '../support/util';

// The scope and id of every construct are checked before the constructs library sees them: it
// would throw a TypeError ('id.replace is not a function') or a bare Error (a duplicate id).
const IMAGE = 'ghcr.io/acme/app:1.0.0';

class Custom extends Workload {
  constructor(scope: Construct, id: string, props: WorkloadProps) {
    super(scope, id, props);
  }
}

const chart = () => new TimonelChart(Testing.app(), 'shop', { namespace: 'shop' });
// A workload for a Migration to run before, in the App of `scope` (a construct of another App is an error).
let waits = 0;
const waiting = (scope: any) => new WebApp(scope?.node ? new TimonelChart(scope.node.root, `waits-${waits++}`) : chart(), 'api', { image: IMAGE });
const CONSTRUCTS: ReadonlyArray<[string, (scope: any, id: any) => unknown]> = [
  ['TimonelChart', (s, id) => new TimonelChart(s instanceof TimonelChart ? s.node.scope as Construct : s, id)],
  ['WebApp', (s, id) => new WebApp(s, id, { image: IMAGE })],
  ['Worker', (s, id) => new Worker(s, id, { image: IMAGE })],
  ['BatchJob', (s, id) => new BatchJob(s, id, { image: IMAGE, schedule: '0 2 * * *' })],
  ['NodeAgent', (s, id) => new NodeAgent(s, id, { image: IMAGE })],
  ['StatefulStore', (s, id) => new StatefulStore(s, id, { image: IMAGE, port: 5432 })],
  ['PostgreSQL', (s, id) => new PostgreSQL(s, id, { credentials: StoreCredentials.fromSecret('db') })],
  ['Redis', (s, id) => new Redis(s, id, { mode: 'cache' })],
  ['Migration', (s, id) => new Migration(s, id, { image: IMAGE, before: [waiting(s)] })],
  ['a custom Workload', (s, id) => new Custom(s, id, { image: IMAGE })],
];

describe.each(CONSTRUCTS)('%s', (_name, create) => {
  test('fails when the scope is not a construct (the id given first, or nothing)', () => {
    const e = thrown(() => create('web', { image: IMAGE }));
    expect(e).toBeInstanceOf(TimonelError);
    expect(e.message).toBe("[new construct] 'scope' must be a construct (a TimonelChart, or a construct inside one), but is a string, got 'web'. Allowed: a TimonelChart, or a construct inside one. "
      + "Fix: pass the chart first and the id second: (chart, 'web', { ... })");
    expect(thrown(() => create(undefined, 'web')).message).toBe("[web] 'scope' must be a construct (a TimonelChart, or a construct inside one), but is undefined, got undefined. Allowed: a TimonelChart, or a construct inside one. "
      + "Fix: pass the chart it belongs to as the first argument: (chart, 'web', { ... })");
  });

  test('fails when the id is not a non-empty string', () => {
    const c = chart();
    const e = thrown(() => create(c, 7));
    expect(e).toBeInstanceOf(TimonelError);
    expect(e.message).toMatch(/^\[(shop\/)?new construct\] 'id' must be a non-empty string, but is a number, got 7\. Allowed: a string unique among the constructs of its scope\. Fix: write it as a string: '7'$/);
    expect(thrown(() => create(c, '')).message).toMatch(/'id' must be a non-empty string, but is empty, got ''\..*Fix: give it a name/);
    expect(thrown(() => create(c, null)).message).toMatch(/'id' must be a non-empty string, but is null, got null\./);
  });

  test('fails when the id is taken by a sibling, naming both', () => {
    const c = chart();
    create(c, 'web2');
    const e = thrown(() => create(c, 'web2'));
    expect(e).toBeInstanceOf(TimonelError);
    expect(e.message).toMatch(/^\[(shop\/)?web2\] 'id' is already taken by another construct in (the app|'shop'), got 'web2'\. .*Fix: give this one another id, e\.g\. 'web2-2'/);
  });
});

describe('a workload outside a TimonelChart', () => {
  test('fails when created directly in the App, before it joins the tree', () => {
    const app = new App();
    expect(() => new WebApp(app, 'web', { image: IMAGE })).toThrow(
      "[web] must be created inside a TimonelChart, but its scope is the app. Allowed: a scope inside a TimonelChart. Fix: create a chart and the workload in it: const chart = new TimonelChart(app, 'shop', { namespace: 'shop' }); then (chart, 'web', { ... })");
    expect(app.node.children).toEqual([]);
    expect(() => TimonelChart.of(undefined as any)).toThrow("[TimonelChart.of] 'construct' must be a construct, got undefined.");
  });
});

describe('props that are not an object', () => {
  test('Redis takes no props at all from JavaScript (every prop is optional)', () => {
    const c = chart();
    const redis = new (Redis as any)(c, 'cache');
    expect(redis.mode).toBeDefined();
  });

  test('fails when a custom Workload passes no props on', () => {
    const e = thrown(() => new Custom(chart(), 'hello', undefined as any));
    expect(e).toBeInstanceOf(TimonelError);
    expect(e.message).toBe("[shop/hello] needs an object of props, got undefined. Allowed: an object of props. Fix: pass its props, e.g. { image: 'ghcr.io/acme/app:1.0.0' }");
  });

  test('an App rejects two charts with one id', () => {
    const app = new App();
    new TimonelChart(app, 'shop');
    expect(() => new TimonelChart(app, 'shop')).toThrow("[shop] 'id' is already taken by another construct in the app, got 'shop'.");
  });
});
