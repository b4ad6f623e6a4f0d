import { Testing } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { App } from '../../src/app/app';
import { TimonelChart } from '../../src/app/chart';
import { WebApp } from '../../src/constructs/web-app';
import { addDependency, dependencyChain, findDependencyCycle, podObjectIn } from '../../src/core/dependencies';
import { thrown } from '../support/util';

const IMAGE = 'ghcr.io/acme/web:1.0.0';

function twoApps(app: Testing | App = Testing.app()) {
  const chart = new TimonelChart(app as any, 'a', { namespace: 'a' });
  const x = new WebApp(chart, 'x', { image: IMAGE, healthPath: '/healthz' });
  const y = new WebApp(chart, 'y', { image: IMAGE, healthPath: '/healthz' });
  return { chart, x, y };
}

const CYCLE = "[a/x] 'node.addDependency' makes a dependency cycle: a/x => a/y => a/x, got 'a/y'. "
  + 'Allowed: dependencies in one direction only (a dependency means: apply after). '
  + 'Fix: remove one of the dependencies of the cycle: a/x => a/y (node.addDependency); a/y => a/x (node.addDependency)';

describe('dependency cycles', () => {
  test('fails when two WebApps depend on each other (node.addDependency), in Testing.synth and App.render', () => {
    const t = twoApps();
    t.x.node.addDependency(t.y);
    t.y.node.addDependency(t.x);
    const e = thrown(() => Testing.synth(t.chart));
    expect(e.message).toBe(CYCLE);
    expect(e.prop).toBe('node.addDependency');
    expect(e.path).toBe('a/x');

    const app = new App({ outdir: 'unused' });
    const u = twoApps(app);
    u.x.node.addDependency(u.y);
    u.y.node.addDependency(u.x);
    expect(thrown(() => app.render()).message).toBe(CYCLE);
  });

  test('fails on a cycle through a construct that holds workloads, naming the prop that made each dependency', () => {
    const t = twoApps();
    const group = new Construct(t.chart, 'group');
    const z = new WebApp(group, 'z', { image: IMAGE, healthPath: '/healthz' });
    addDependency(t.x, group, { scope: t.x, prop: 'before[0]' });
    z.node.addDependency(t.x);
    expect(thrown(() => Testing.synth(t.chart)).message).toBe(
      "[a/group/z] 'node.addDependency' makes a dependency cycle: a/x => a/group (contains a/group/z) => a/x, got 'a/x'. "
      + 'Allowed: dependencies in one direction only (a dependency means: apply after). '
      + "Fix: remove one of the dependencies of the cycle: a/x => a/group ('before[0]' of a/x); a/group/z => a/x (node.addDependency)");
  });

  test('a chain follows the dependencies of scopes and of what a construct holds, and across charts', () => {
    const app = Testing.app();
    const data = new TimonelChart(app, 'data');
    const shop = new TimonelChart(app, 'shop');
    const db = new k8s.KubeConfigMap(data, 'db', {});
    const other = new k8s.KubeConfigMap(data, 'other', {});
    const web = new Construct(shop, 'web');
    const cm = new k8s.KubeConfigMap(web, 'cm', {});
    cm.node.addDependency(db);
    // web's objects come after db's (its child depends on db): nothing else.
    expect(dependencyChain(web, db)).toEqual([{ source: cm, target: db }]);
    // chart shop comes after chart data, so anything in shop comes after `other` too.
    const viaChart = dependencyChain(new Construct(shop, 'later'), other)!;
    expect(viaChart).toHaveLength(1);
    expect(viaChart[0].via).toEqual({ source: cm, target: db });
    expect(dependencyChain(db, web)).toBeUndefined();
    expect(findDependencyCycle(app.node.findAll())).toBeUndefined();
  });

  test('podObjectIn finds the object that runs pods', () => {
    const t = twoApps();
    expect(podObjectIn(t.x)?.kind).toBe('Deployment');
    expect(podObjectIn(t.x.service!)).toBeUndefined();
  });
});
