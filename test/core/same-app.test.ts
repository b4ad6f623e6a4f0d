// A construct of another App given to a verb that wires two constructs (trial S, S1): a
// TimonelError at the call, not a RangeError at synth nor half a NetworkPolicy pair in each App.
import { Testing } from 'cdk8s';
import { mkdtempSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { App } from '../../src/app/app';
import { TimonelChart } from '../../src/app/chart';
import { ExternalSecret } from '../../src/constructs/external-secret';
import { Migration } from '../../src/constructs/migration';
import { PostgreSQL } from '../../src/constructs/presets/postgres';
import { StoreCredentials } from '../../src/constructs/stateful-store';
import { WebApp } from '../../src/constructs/web-app';
import { Worker } from '../../src/constructs/worker';
import { EnvValue } from '../../src/core/env';
import { TrafficEvaluator } from '../../src/policies/traffic';
import { EgressTarget, NetworkAccess } from '../../src/workload/network';
import { one, podSpec, quiet } from '../support/util';

const IMAGE = 'ghcr.io/acme/web:1.0.0';
const WHAT = "is given a construct of another App: an App synthesizes only its own constructs, so each App would write half of what this declares";
const ALLOWED = 'Allowed: a construct of the same App';
const DB2 = "{ 'app.kubernetes.io/name': 'db2', 'app.kubernetes.io/instance': 'shop-db2' }";
const WEB = "{ 'app.kubernetes.io/name': 'web', 'app.kubernetes.io/instance': 'shop-web' }";
const EGRESS = `web.allowEgress(EgressTarget.namespace('shop', { podLabels: ${DB2}, ports: [5432] }))`;
const INGRESS = `db2.allowFrom({ namespace: 'shop', podLabels: ${WEB} })`;

/** Two Apps with a chart 'shop' each (the same paths): web in the first, db2 in the second. */
function twoApps() {
  const outdir = (n: string) => mkdtempSync(join(tmpdir(), `timonel-${n}-`));
  const app1 = new App({ outdir: outdir('a1') });
  const app2 = new App({ outdir: outdir('a2') });
  const shop1 = new TimonelChart(app1, 'shop', { namespace: 'shop' });
  // Deployed separately into the namespace the first one creates.
  const shop2 = new TimonelChart(app2, 'shop', { namespace: 'shop', createNamespace: false });
  const web = new WebApp(shop1, 'web', { image: IMAGE });
  const db2 = new PostgreSQL(shop2, 'db2', { credentials: StoreCredentials.fromSecret('shop-db2'), isolate: true });
  return { app1, app2, shop1, shop2, web, db2 };
}

/** web -> db2 on 5432, over the objects of both charts (as deployed together in one cluster). */
function webReachesDb2(shop1: TimonelChart, shop2: TimonelChart): boolean {
  const t = TrafficEvaluator.fromManifests(quiet(() => [...Testing.synth(shop1), ...Testing.synth(shop2)]));
  return t.allows({ from: { workload: 'shop-web', namespace: 'shop' }, to: { workload: 'shop-db2', namespace: 'shop' }, port: 5432 });
}

describe('a construct of another App', () => {
  test('fails when connectTo is given a construct of another App (it overflowed the stack at synth)', () => {
    const { web, db2 } = twoApps();
    expect(() => web.connectTo(db2)).toThrow(
      `[shop/web] 'connectTo' ${WHAT}, got 'shop/db2'. ${ALLOWED}. `
      + `Fix: create both in one App; for an app deployed separately, write here ${EGRESS} and give web its address with addEnv, and in its App ${INGRESS}`,
    );
    // nothing was added to either side
    expect(NetworkAccess.of(web).egressPolicy).toBeUndefined();
    expect(web.node.dependencies).toEqual([]);
    expect(web.pod.env.names).toEqual([]);
  });

  test('fails when a connectTo prop item is a construct of another App, at the item', () => {
    const { shop1, db2 } = twoApps();
    const jobs = "{ 'app.kubernetes.io/name': 'jobs', 'app.kubernetes.io/instance': 'shop-jobs' }";
    expect(() => new Worker(shop1, 'jobs', { image: IMAGE, connectTo: [db2] })).toThrow(
      `[shop/jobs] 'connectTo[0]' ${WHAT}, got 'shop/db2'. ${ALLOWED}. Fix: create both in one App; for an app deployed separately, write here `
      + `jobs.allowEgress(EgressTarget.namespace('shop', { podLabels: ${DB2}, ports: [5432] })) and give jobs its address with addEnv, and in its App db2.allowFrom({ namespace: 'shop', podLabels: ${jobs} })`,
    );
  });

  test('fails when allowFrom is given a workload of another App (each App wrote half of the pair)', () => {
    const { web, db2 } = twoApps();
    expect(() => db2.allowFrom(web)).toThrow(
      `[shop/db2] 'allowFrom' ${WHAT}, got 'shop/web'. ${ALLOWED}. Fix: create both in one App; for a client deployed separately, write here ${INGRESS}, and in its App ${EGRESS}`,
    );
    expect(NetworkAccess.of(web).egressPolicy).toBeUndefined();
  });

  test('fails when EgressTarget.app is given an app of another App (each App wrote half of the pair)', () => {
    const { web, db2 } = twoApps();
    expect(() => web.allowEgress(EgressTarget.app(db2))).toThrow(
      `[shop/web] 'allowEgress' ${WHAT}, got 'shop/db2'. ${ALLOWED}. Fix: create both in one App; for an app deployed separately, write here ${EGRESS}, and in its App ${INGRESS}`,
    );
    expect(NetworkAccess.of(web).egressPolicy).toBeUndefined();
    expect(NetworkAccess.of(db2).ingressPolicy!.toJson().spec.ingress).toEqual([]);
  });

  test('the fix for apps deployed separately works: web reaches db2, and only web does', () => {
    const { shop1, shop2, web, db2 } = twoApps();
    expect(webReachesDb2(shop1, shop2)).toBe(false);
    web.allowEgress(EgressTarget.namespace('shop', { podLabels: { 'app.kubernetes.io/name': 'db2', 'app.kubernetes.io/instance': 'shop-db2' }, ports: [5432] }));
    db2.allowFrom({ namespace: 'shop', podLabels: { 'app.kubernetes.io/name': 'web', 'app.kubernetes.io/instance': 'shop-web' } });
    expect(webReachesDb2(shop1, shop2)).toBe(true);
    const t = TrafficEvaluator.fromManifests(quiet(() => [...Testing.synth(shop1), ...Testing.synth(shop2)]));
    expect(t.allows({ from: { namespace: 'shop', labels: { app: 'stranger' } }, to: { workload: 'shop-db2', namespace: 'shop' }, port: 5432 })).toBe(false);
  });

  test('the fix "create both in one App" works: connectTo, allowFrom and EgressTarget.app synthesize', () => {
    const { shop1, web } = twoApps();
    const db = new PostgreSQL(shop1, 'db', { credentials: StoreCredentials.fromSecret('shop-db'), isolate: true });
    const api = new WebApp(shop1, 'api', { image: IMAGE });
    const ops = new WebApp(shop1, 'ops', { image: IMAGE });
    web.connectTo(db);
    db.allowFrom(api);
    ops.allowEgress(EgressTarget.app(db));
    const t = TrafficEvaluator.fromManifests(quiet(() => Testing.synth(shop1)));
    for (const from of ['shop-web', 'shop-api', 'shop-ops']) expect(t.allows({ from: { workload: from, namespace: 'shop' }, to: { workload: 'shop-db', namespace: 'shop' }, port: 5432 })).toBe(true);
  });

  test("fails when a Migration's before lists a workload of another App (the other App's synth overflowed the stack)", () => {
    const { shop1, shop2, web } = twoApps();
    const w2 = new WebApp(shop2, 'w2', { image: IMAGE });
    expect(() => new Migration(shop1, 'mig', { image: IMAGE, before: [w2] })).toThrow(
      `[shop/mig] 'before[0]' ${WHAT}, got 'shop/w2'. ${ALLOWED}. `
      + 'Fix: create the Migration in the App of the workloads that wait for it (an App orders only what it writes), or list workloads of this App: before: [web]',
    );
    expect(w2.node.dependencies).toEqual([]);
    // the fix: the Migration in the App of w2, or before: [web]
    new Migration(shop2, 'migrate', { image: IMAGE, before: [w2] });
    new Migration(shop1, 'migrate', { image: IMAGE, before: [web] });
    for (const chart of [shop1, shop2]) expect(() => quiet(() => Testing.synth(chart))).not.toThrow();
  });

  test('fails when a variable or envFromSecrets reads the ExternalSecret of another App (it overflowed the stack at synth)', () => {
    const { shop1, shop2, web } = twoApps();
    const secret = new ExternalSecret(shop2, 'keys', { store: 'vault', data: { password: { remoteKey: 'shop/keys' } } });
    const fix = "Fix: create both in one App; for a Secret another App delivers, name it instead of passing its ExternalSecret: 'shop-keys' (then nothing waits for it)";
    expect(() => web.addEnv({ KEY: EnvValue.fromSecret(secret, 'password') })).toThrow(`[shop/web] 'addEnv.KEY' ${WHAT}, got 'shop/keys'. ${ALLOWED}. ${fix}`);
    expect(web.pod.env.names).toEqual([]);
    expect(() => new WebApp(shop1, 'api', { image: IMAGE, envFromSecrets: [secret] })).toThrow(`[shop/api] 'envFromSecrets[0]' ${WHAT}, got 'shop/keys'. ${ALLOWED}. ${fix}`);
    // the fix: the Secret by name
    web.addEnv({ KEY: EnvValue.fromSecret('shop-keys', 'password') });
    const api = new WebApp(shop1, 'api2', { image: IMAGE, envFromSecrets: ['shop-keys'] });
    const objs = quiet(() => Testing.synth(shop1));
    expect(podSpec(one(objs, 'Deployment', 'shop-web')).containers[0].env).toEqual([{ name: 'KEY', valueFrom: { secretKeyRef: { name: 'shop-keys', key: 'password' } } }]);
    expect(podSpec(one(objs, 'Deployment', api.name)).containers[0].envFrom).toEqual([{ secretRef: { name: 'shop-keys' } }]);
  });

  test('fails when node.addDependency names a construct of another App, at synth (it overflowed the stack)', () => {
    const { app1, web, db2 } = twoApps();
    web.node.addDependency(db2);
    expect(() => app1.synth()).toThrow(
      `[shop/web] 'node.addDependency' ${WHAT}, got 'shop/db2'. ${ALLOWED}. Fix: create both in one App, or remove the dependency: an App orders only the objects it writes`,
    );
  });
});
