import { WebApp, WebAppProps } from '../../src/constructs/web-app';
import { Worker, WorkerProps } from '../../src/constructs/worker';
import { StatefulStore } from '../../src/constructs/stateful-store';
import { Policy } from '../../src/policies/policy';
import { Probe } from '../../src/core/probes';
import { TimonelError } from '../../src/core/errors';
import { expectValidManifests } from '../support/schema';
import { newChart, one, podSpec, synth, thrown } from '../support/util';

const IMAGE = 'ghcr.io/acme/web:1.4.2';

function container(props: Partial<WebAppProps> = {}): any {
  const chart = newChart('shop');
  new WebApp(chart, 'web', { image: IMAGE, ...props });
  return podSpec(one(synth(chart), 'Deployment')).containers[0];
}

function error(props: Partial<WebAppProps>): TimonelError {
  return thrown(() => new WebApp(newChart('shop'), 'web', { image: IMAGE, ...props }));
}

describe('WebApp drain', () => {
  test('no preStop hook by default, so images without a shell (distroless, chiseled) stop cleanly', () => {
    expect(container({ image: `gcr.io/distroless/static-debian12@sha256:${'a'.repeat(64)}` }).lifecycle).toBeUndefined();
  });

  test("'exec' (the default method) runs sleep in the main container", () => {
    expect(container({ drain: { delaySeconds: 5 } }).lifecycle).toEqual({ preStop: { exec: { command: ['sleep', '5'] } } });
  });

  test("'sleep-action' makes the kubelet wait, with nothing needed in the image", () => {
    const c = container({ drain: { delaySeconds: 8, using: 'sleep-action' } });
    expect(c.lifecycle).toEqual({ preStop: { sleep: { seconds: 8 } } });
    expect(c.name).toBe('main');
  });

  test('false and a delay of 0 mean no pause', () => {
    expect(container({ drain: false }).lifecycle).toBeUndefined();
    expect(container({ drain: { delaySeconds: 0 } }).lifecycle).toBeUndefined();
  });

  test('a pause as long as the grace period is an error that says how to fix it', () => {
    const e = error({ drain: { delaySeconds: 30 } });
    expect(e.message).toBe(
      "[shop/web] 'drain.delaySeconds' is 30 s, but the whole stop must fit in terminationGracePeriodSeconds (30 s): the pause would leave no time to finish requests before the kubelet kills the container, got 30. "
      + 'Allowed: fewer seconds than terminationGracePeriodSeconds (30). Fix: lower the delay (5 s is usual), or raise terminationGracePeriodSeconds above 30 (40 leaves the app 10 s to stop)',
    );
  });

  test('a pause longer than a short grace period is an error too; a shorter one is fine', () => {
    expect(error({ drain: { delaySeconds: 5 }, terminationGracePeriodSeconds: 5 }).prop).toBe('drain.delaySeconds');
    expect(error({ drain: { delaySeconds: 10 }, terminationGracePeriodSeconds: 5 }).message).toMatch(/less than no time/);
    expect(container({ drain: { delaySeconds: 4 }, terminationGracePeriodSeconds: 5 }).lifecycle.preStop.exec.command).toEqual(['sleep', '4']);
  });

  test.each([
    ['a number', 5, 'drain: must be { delaySeconds, using? }, or false for no pause, but is a number'],
    ['true', true, 'drain: must be { delaySeconds, using? }, or false for no pause, but is a boolean'],
    ['an unknown method', { delaySeconds: 5, using: 'sleep' }, "drain.using: is not one of the allowed values"],
    ['a negative delay', { delaySeconds: -1 }, 'drain.delaySeconds'],
    ['no delay', {}, 'drain.delaySeconds'],
  ])('bad drain input (%s) is a TimonelError at the prop', (_what, drain, text) => {
    const e = error({ drain: drain as any });
    expect(e.message).toContain('[shop/web]');
    expect(e.problems.map((p) => `${p.prop}: ${p.detail}`).join('\n')).toContain(text);
  });

  test('a problem inside the drain object is reported at its own prop, not as "not an object"', () => {
    const e = error({ drain: { delaySeconds: '5' as any } });
    expect(e.problems.map((p) => `${p.prop}: ${p.detail}`)).toEqual(['drain.delaySeconds: must be a whole number, but is a string']);
  });

  test('a bare number gets the object to write', () => {
    expect(error({ drain: 5 as any }).fix).toBe('write { delaySeconds: 5 }');
  });

  test('the rendered Deployment is valid Kubernetes 1.28 with an exec drain', () => {
    const chart = newChart('shop');
    new WebApp(chart, 'web', { image: IMAGE, drain: { delaySeconds: 5 }, terminationGracePeriodSeconds: 20 });
    expectValidManifests(synth(chart));
  });
});

describe('turning probes off', () => {
  test('liveness: false keeps the default readiness and startup probes of a WebApp', () => {
    const c = container({ healthPath: '/healthz', liveness: false });
    expect(c.livenessProbe).toBeUndefined();
    expect(c.readinessProbe.httpGet.path).toBe('/healthz');
    expect(c.startupProbe.httpGet.path).toBe('/healthz');
  });

  test('all three can be off', () => {
    const c = container({ liveness: false, readiness: false, startup: false });
    expect([c.livenessProbe, c.readinessProbe, c.startupProbe]).toEqual([undefined, undefined, undefined]);
  });

  test('a Worker accepts false as "no probe"', () => {
    const chart = newChart('shop');
    new Worker(chart, 'orders', { image: IMAGE, liveness: false, readiness: Probe.exec(['true']) });
    const c = podSpec(one(synth(chart), 'Deployment')).containers[0];
    expect(c.livenessProbe).toBeUndefined();
    expect(c.readinessProbe.exec.command).toEqual(['true']);
  });

  // Synthesizes a Worker (or a WebApp) and returns its Deployment and the chart's practice-probes findings.
  function probeFindings(make: (chart: ReturnType<typeof newChart>) => void): { deployment: any; warnings: string[]; suppressed: string[] } {
    const chart = newChart('shop');
    make(chart);
    const deployment = one(synth(chart), 'Deployment');
    const report = Policy.lastReport(chart)!;
    const of = (fs: readonly { ruleId: string; message: string }[]) => fs.filter((f) => f.ruleId === 'practice-probes').map((f) => f.message);
    return { deployment, warnings: of(report.warnings), suppressed: of(report.suppressed) };
  }
  const worker = (props: Partial<WorkerProps>) => (chart: ReturnType<typeof newChart>) => new Worker(chart, 'orders', { image: IMAGE, ...props });

  test('readiness and liveness false on a Worker are a reasoned suppression of practice-probes: no warning, only the annotation added', () => {
    const off = probeFindings(worker({ liveness: false, readiness: false, startup: false }));
    const plain = probeFindings(worker({}));
    expect(off.deployment.metadata.annotations).toEqual({ 'timonel.dev/suppress.practice-probes': 'readiness and liveness turned off (readiness: false, liveness: false)' });
    expect(off.warnings).toEqual([]);
    expect(off.suppressed).toHaveLength(1);
    // The output differs from a Worker without probes by that annotation only.
    expect({ ...off.deployment, metadata: { ...off.deployment.metadata, annotations: undefined } }).toEqual({ ...plain.deployment, metadata: { ...plain.deployment.metadata, annotations: undefined } });
    expectValidManifests([off.deployment]);
  });

  test('a WebApp with its default probes turned off records which, and one turned off alone needs no suppression', () => {
    const off = probeFindings((chart) => new WebApp(chart, 'web', { image: IMAGE, liveness: false, readiness: false }));
    expect(off.deployment.metadata.annotations).toEqual({ 'timonel.dev/suppress.practice-probes': 'readiness and liveness turned off (readiness: false, liveness: false)' });
    expect(off.warnings).toEqual([]);
    const liveOff = probeFindings((chart) => new WebApp(chart, 'web', { image: IMAGE, liveness: false }));
    expect(liveOff.deployment.metadata.annotations).toEqual({ 'timonel.dev/suppress.practice-probes': 'liveness turned off (liveness: false)' });
    expect(liveOff.warnings).toEqual([]);
  });

  test('fails (warns) when a probe is missing for another reason: left out with no default, or on a sidecar', () => {
    const half = probeFindings(worker({ liveness: false }));
    expect(half.deployment.metadata.annotations).toBeUndefined();
    expect(half.warnings).toEqual([
      "[shop/orders/Resource] Deployment shop-orders 'spec.template.spec.containers[0]' has no readiness or liveness probe for container 'main'. Fix: add readinessProbe and livenessProbe as an exec probe running a health check command, since the container serves no port (timonel: readiness and liveness: Probe.exec(['/app/healthcheck']))",
    ]);
    expect(probeFindings(worker({})).warnings).toHaveLength(1);
    const bothMissing = probeFindings((chart) => new WebApp(chart, 'web', { image: IMAGE, sidecars: [{ name: 'proxy', image: IMAGE }] }));
    expect(bothMissing.deployment.metadata.annotations).toBeUndefined();
    expect(bothMissing.warnings).toHaveLength(1);
  });

  test('the main container\'s probes turned off with false are suppressed for it alone: a sidecar without probes is judged on its own', () => {
    const sidecar = probeFindings((chart) => new WebApp(chart, 'web', { image: IMAGE, liveness: false, readiness: false, sidecars: [{ name: 'proxy', image: IMAGE }] }));
    expect(sidecar.deployment.metadata.annotations).toEqual({ 'timonel.dev/suppress.practice-probes.main': 'readiness and liveness turned off (readiness: false, liveness: false)' });
    const where = (w: string) => w.replace(/^.*'(spec[^']*)'.*for container '(\w+)'.*$/, '$1 $2');
    expect(sidecar.warnings.map(where)).toEqual(['spec.template.spec.containers[1] proxy']);
    expect(sidecar.suppressed.map(where)).toEqual(['spec.template.spec.containers[0] main']);
    // A sidecar's own false is its own: the main container, left without its default probes by nobody, is not affected.
    const proxyOff = probeFindings(worker({ readiness: Probe.exec(['true']), liveness: Probe.exec(['true']), sidecars: [{ name: 'proxy', image: IMAGE, readiness: false, liveness: false }, { name: 'log', image: IMAGE }] }));
    expect(proxyOff.deployment.metadata.annotations).toEqual({ 'timonel.dev/suppress.practice-probes.proxy': 'readiness and liveness turned off (sidecars[0].readiness: false, sidecars[0].liveness: false)' });
    expect(proxyOff.warnings.map(where)).toEqual(['spec.template.spec.containers[2] log']);
  });

  test('probes turned off on every container that lacks them are one suppression for the pod', () => {
    const bothOff = probeFindings((chart) => new WebApp(chart, 'web', {
      image: IMAGE, readiness: false, sidecars: [{ name: 'proxy', image: IMAGE, liveness: false, readiness: Probe.exec(['true']) }],
    }));
    expect(bothOff.deployment.metadata.annotations).toEqual({ 'timonel.dev/suppress.practice-probes': 'readiness and liveness turned off (readiness: false, sidecars[0].liveness: false)' });
  });

  test('a StatefulStore with its readiness probe turned off records it on the StatefulSet', () => {
    const chart = newChart('shop');
    new StatefulStore(chart, 'db', { image: 'postgres:16.4', port: 5432, storage: [{ size: '1Gi', mountPath: '/data' }], readiness: false });
    const set = one(synth(chart), 'StatefulSet');
    expect(set.metadata.annotations).toEqual({ 'timonel.dev/suppress.practice-probes': 'readiness turned off (readiness: false)' });
    expect(Policy.lastReport(chart)!.warnings.filter((f) => f.ruleId === 'practice-probes')).toEqual([]);
  });

  test('true is not a probe', () => {
    const e = error({ liveness: true as any });
    expect(e.message).toMatch(/'liveness' must be a Probe .*or false to turn the probe off, but is a boolean, got true/);
    expect(e.fix).toBe('leave the prop out for the default probe, or pass a Probe');
  });

  test('each wrong probe value gets a fix that fits it', () => {
    expect(error({ liveness: '/live' as any }).fix).toBe("write Probe.http('/live') instead of a path, or Probe.tcp()");
    expect(error({ liveness: 'tcp' as any }).fix).toBe("write Probe.http('/healthz'), Probe.tcp() or Probe.exec([...])");
    expect(error({ readiness: Probe.grpc as any }).fix).toBe('call the factory: Probe.grpc() rather than Probe.grpc');
  });

  test('fails when a probe factory is passed uncalled, naming the factory passed (trial AA1)', () => {
    expect(error({ readiness: Probe.http as any }).message).toMatch(/but is a function, got a function\..*Fix: call the factory: Probe\.http\('\/healthz'\) rather than Probe\.http$/);
    expect(error({ readiness: Probe.tcp as any }).fix).toBe('call the factory: Probe.tcp() rather than Probe.tcp');
    expect(error({ liveness: Probe.exec as any }).fix).toBe("call the factory: Probe.exec(['cat', '/tmp/healthy']) rather than Probe.exec");
    expect(error({ startup: (() => Probe.tcp()) as any }).fix).toBe("pass a Probe, not a function: call a factory, e.g. Probe.http('/healthz') or Probe.tcp()");
  });

  test.each<[unknown, string]>([
    ['off', 'write false to turn the probe off'], ['none', 'write false to turn the probe off'], ['no', 'write false to turn the probe off'],
    [0, 'write false to turn the probe off'], ['false', 'write false without quotes, which turns the probe off'],
  ])('fails when a probe is turned off with %j, with the fix false (trial AA2)', (value, fix) => {
    expect(error({ liveness: value as any }).message).toMatch(new RegExp(`'liveness' must be a Probe .*or false to turn the probe off, but is .*Fix: ${fix}$`));
  });
});
