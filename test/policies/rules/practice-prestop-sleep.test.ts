import { WebApp } from '../../../src/constructs/web-app';
import { deployment, edit, lines } from '../helpers';
import { newChart, synth } from '../../support/util';

const withHook = (image: string, command = ['sleep', '5']) => edit(deployment(), (d) => {
  const c = d.spec.template.spec.containers[0];
  c.image = image;
  c.lifecycle = { preStop: { exec: { command } } };
});
const DIGEST = `sha256:${'a'.repeat(64)}`;

describe('practice-prestop-sleep', () => {
  test('passes a sleep hook in an image with a shell, and a shell-less image without one', () => {
    expect(lines('practice-prestop-sleep', [withHook('python:3.12.4-slim')])).toEqual([]);
    expect(lines('practice-prestop-sleep', [edit(deployment(), (d) => { d.spec.template.spec.containers[0].image = `gcr.io/distroless/static-debian12@${DIGEST}`; })])).toEqual([]);
    expect(lines('practice-prestop-sleep', [withHook(`gcr.io/distroless/static-debian12@${DIGEST}`, ['/app/drain'])])).toEqual([]);
  });

  test.each([
    [`gcr.io/distroless/static-debian12@${DIGEST}`],
    ['ubuntu/dotnet-aspnet:8.0-24.04_chiseled'],
    ['cgr.dev/chainguard/static:20240101'],
    ['ghcr.io/acme/api:1.0.0-distroless'],
  ])('warns about a sleep hook in %s', (image) => {
    expect(lines('practice-prestop-sleep', [withHook(image, ['/bin/sleep', '5'])])).toEqual([
      `warning: [test.yaml] Deployment shop/web 'spec.template.spec.containers[0].lifecycle.preStop.exec.command' runs 'sleep' before SIGTERM for container 'main', but the image '${image}' looks shell-less (distroless or chiseled): the hook would fail and there would be no pause. Fix: use drain: { delaySeconds, using: 'sleep-action' } (Kubernetes 1.30 or later), or remove the drain and let the server keep serving a few seconds after SIGTERM`,
    ]);
  });

  test("a WebApp's 'exec' drain on a distroless image is flagged at synth; 'sleep-action' is not", () => {
    const chart = newChart('shop');
    new WebApp(chart, 'api', { image: `gcr.io/distroless/static-debian12@${DIGEST}`, drain: { delaySeconds: 5 } });
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      synth(chart);
    } finally {
      stderr.mockRestore();
    }
    const found = lines('practice-prestop-sleep', synth(chart));
    expect(found).toHaveLength(1);
    const other = newChart('shop');
    new WebApp(other, 'api', { image: `gcr.io/distroless/static-debian12@${DIGEST}`, drain: { delaySeconds: 5, using: 'sleep-action' } });
    expect(lines('practice-prestop-sleep', synth(other))).toEqual([]);
  });
});
