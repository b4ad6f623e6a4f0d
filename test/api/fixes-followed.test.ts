import { Testing } from 'cdk8s';
import { App, EgressTarget, Environments, Profile, Redis, StatefulStore, TimonelChart, WebApp } from '../../src';
import { thrown } from '../support/util';

// Fixes that did not work when followed, or named no option that would (trial O).
describe('fixes that work when followed (trial O)', () => {
  const chart = () => new TimonelChart(Testing.app(), 'shop', { namespace: 'shop' });

  test('fails when Environments is given a scope and an id, or nothing: its props are its only argument', () => {
    const fix = 'new Environments({ defaults: { … }, environments: { dev: {}, prod: {} }, build: (app, env) => { … } }) (it makes an App per environment itself)';
    expect(thrown(() => new (Environments as any)(new App({ outdir: 'unused' }), 'platform', {})).message).toBe(
      `[Environments] takes its props as its only argument, not a scope and an id, got 'the app'. Allowed: one object: { defaults, environments, build, outdir?, only?, appProps?, delivery? }. Fix: ${fix}`);
    expect(thrown(() => new (Environments as any)()).fix).toBe(fix);
  });

  test('fails when a port is a name: the fix asks for the number, not port 1', () => {
    expect(thrown(() => new WebApp(chart(), 'web', { image: 'ghcr.io/acme/shop:1.2.3', port: 'http' as any })).fix)
      .toBe('write the number the process listens on, e.g. 8080 (the name of the port is its own prop, portName)');
    expect(thrown(() => new StatefulStore(chart(), 'st', { image: 'docker.io/library/mongo:7.0.4', port: 'mongo' as any })).fix).toMatch(/^write the number the process listens on/);
  });

  test('fails when options are given as a string or as ports, with the option meant', () => {
    const c = chart();
    const db = new Redis(c, 'r', { mode: 'cache' });
    const web = new WebApp(c, 'web', { image: 'ghcr.io/acme/shop:1.2.3' });
    expect(thrown(() => web.connectTo(db, 'REDIS' as any)).fix).toBe("the options are an object: { envPrefix: 'REDIS' }");
    expect(thrown(() => web.connectTo(db, 'url' as any)).fix).toBe("the options are an object: { envForm: 'url' }");
    expect(thrown(() => web.allowEgress(EgressTarget.internet('443' as any))).fix).toBe('the ports are an option: write { ports: [443] }');
    expect(thrown(() => web.allowEgress(EgressTarget.cidrs(['203.0.113.0/24'], [443, 8443] as any))).fix).toBe('the ports are an option: write { ports: [443, 8443] }');
  });

  test("Profile.custom's options include rules", () => {
    expect(thrown(() => (Profile.custom as any)()).allowed).toBe('{ name?, extends?, disable?, severity?, rules? }');
  });
});
