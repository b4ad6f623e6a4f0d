import { WebApp } from '../../../src/constructs/web-app';
import { deployment, edit, lines } from '../helpers';
import { newChart, synth } from '../../support/util';

const RULE = 'practice-graceful-stop';
const withStop = (grace: number | undefined, preStop?: any) => edit(deployment(), (d) => {
  const spec = d.spec.template.spec;
  if (grace !== undefined) spec.terminationGracePeriodSeconds = grace;
  if (preStop) spec.containers[0].lifecycle = { preStop };
});

describe('practice-graceful-stop', () => {
  test('passes the default grace, and a pause that leaves 10 s or more', () => {
    expect(lines(RULE, [withStop(undefined)])).toEqual([]);
    expect(lines(RULE, [withStop(undefined, { exec: { command: ['sleep', '20'] } })])).toEqual([]);
    expect(lines(RULE, [withStop(45, { sleep: { seconds: 35 } })])).toEqual([]);
    expect(lines(RULE, [withStop(1)])).toEqual([]);
  });

  test('warns about a grace period of 0', () => {
    expect(lines(RULE, [withStop(0)])).toEqual([
      "warning: [test.yaml] Deployment shop/web 'spec.template.spec.terminationGracePeriodSeconds' is 0: the kubelet kills the containers at once, with no time to finish requests or work after SIGTERM. Fix: remove it (the default is 30 s), or give the seconds the app needs to stop",
    ]);
  });

  test('warns about a pause that leaves less than 10 s of the grace period', () => {
    expect(lines(RULE, [withStop(undefined, { exec: { command: ['sleep', '28'] } })])).toEqual([
      "warning: [test.yaml] Deployment shop/web 'spec.template.spec.containers[0].lifecycle.preStop' pauses 28 s before SIGTERM for container 'main', leaving 2 s of the 30 s grace period to finish requests before the kubelet kills it. Fix: raise terminationGracePeriodSeconds to 38 (10 s left to stop), or shorten the pause (5 s is usual)",
    ]);
    expect(lines(RULE, [withStop(20, { sleep: { seconds: 15 } })])).toHaveLength(1);
  });

  test("a WebApp's grace of 0, or a drain of 28 s in 30, is flagged at synth (a drain as long as the grace stays an error)", () => {
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const chart = newChart('shop');
      new WebApp(chart, 'web', { image: 'ghcr.io/acme/web:1.0.0', terminationGracePeriodSeconds: 0 });
      new WebApp(chart, 'api', { image: 'ghcr.io/acme/api:1.0.0', drain: { delaySeconds: 28 } });
      new WebApp(chart, 'ok', { image: 'ghcr.io/acme/ok:1.0.0', drain: { delaySeconds: 5 } });
      expect(lines(RULE, synth(chart)).map((l) => l.replace(/ '.*/, ''))).toEqual([
        'warning: [test.yaml] Deployment shop-web',
        'warning: [test.yaml] Deployment shop-api',
      ]);
      expect(() => new WebApp(newChart('shop'), 'web', { image: 'ghcr.io/acme/web:1.0.0', drain: { delaySeconds: 30 } })).toThrow(/'drain\.delaySeconds' is 30 s/);
    } finally {
      stderr.mockRestore();
    }
  });
});
