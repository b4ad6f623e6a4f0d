// Every Fix is followed literally by someone: these are the fixes a new user's trial got wrong,
// each asserting the fix gives a working value.
import { Testing } from 'cdk8s';
import { App, EnvValue, Policy, Probe, Redis, StoreCredentials, TimonelChart, TimonelError, WebApp } from '../../src';

const IMAGE = 'ghcr.io/acme/web:1.0.0';
function fixOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (!(e instanceof TimonelError)) throw e;
    return e.message;
  }
  throw new Error('accepted');
}
const web = (props: Record<string, unknown>) => () => new WebApp(new TimonelChart(Testing.app(), 'shop', { namespace: 'shop' }), 'web', { image: IMAGE, ...props } as any);

describe('command lines written as one string', () => {
  test('fails when command is a command line, with its words as the fix', () => {
    expect(fixOf(web({ command: 'python app.py' }))).toContain("Fix: write each argument as its own item: ['python', 'app.py']");
  });
  test('fails when args is a command line, with its words as the fix (quotes as a shell reads them)', () => {
    expect(fixOf(web({ args: '--name "my app" --port 8080' }))).toContain("Fix: write each argument as its own item: ['--name', 'my app', '--port', '8080']");
  });
  test('fails when command needs a shell, with sh -c as the fix', () => {
    expect(fixOf(web({ command: 'python app.py && echo $HOME' }))).toContain("Fix: it runs without a shell, and this line needs one: write ['sh', '-c', 'python app.py && echo $HOME'] (the image must have /bin/sh)");
  });
  test('fails when a sidecar command is a command line', () => {
    expect(fixOf(web({ sidecars: [{ name: 'proxy', image: IMAGE, command: 'envoy -c /etc/envoy.yaml' }] }))).toContain("['envoy', '-c', '/etc/envoy.yaml']");
  });
  test('fails when Probe.exec gets a command line', () => {
    expect(fixOf(() => Probe.exec('cat /tmp/healthy' as any))).toContain("write each argument as its own item: Probe.exec(['cat', '/tmp/healthy'])");
  });
  test('fails when the first command item is a command line, with its words as the fix', () => {
    expect(fixOf(web({ command: ['python app.py'] }))).toMatch(/'command' starts with 'python app\.py', which has spaces: Kubernetes runs the first item as one program name.*Allowed: a list of strings, the program first.*Fix: write each argument as its own item: \['python', 'app\.py'\]$/);
    expect(fixOf(web({ command: ['gunicorn -w 2', 'app:app'] }))).toContain("Fix: write each argument as its own item: ['gunicorn', '-w', '2', 'app:app']");
    expect(fixOf(web({ command: [' python'] }))).toContain("Fix: remove the spaces around the program: ['python']");
    expect(fixOf(web({ initContainers: [{ name: 'wait', image: IMAGE, command: ['sleep 5 && true'] }] }))).toContain("write ['sh', '-c', 'sleep 5 && true']");
    expect(fixOf(() => Probe.exec(['cat /tmp/healthy']))).toContain("Fix: write each argument as its own item: Probe.exec(['cat', '/tmp/healthy'])");
  });
  test('accepts spaces after the program (sh -c lines, arguments with spaces), and in args', () => {
    expect(() => web({ command: ['sh', '-c', 'python app.py && echo ok'], args: ['--name', 'my app'] })()).not.toThrow();
    expect(() => Probe.exec(['sh', '-c', 'test -f /tmp/a || exit 1'])).not.toThrow();
  });
  test('fails when command is one word, with it wrapped', () => {
    expect(fixOf(web({ command: 'python' }))).toContain("Fix: wrap it in brackets: ['python']");
  });
});

describe('quantities with unit words', () => {
  test.each([
    [{ cpu: { request: '500 millicores' } }, "write '500m'"],
    [{ cpu: { request: '2 cores' } }, "write '2'"],
    [{ cpu: { limit: '250 mcpu' } }, "write '250m'"],
    [{ memory: { request: '512 MB' } }, "write '512Mi'"],
    [{ memory: { limit: '1 gigabyte' } }, "write '1Gi'"],
  ])('fails when resources is %j, with the quantity as the fix', (resources, fix) => {
    expect(fixOf(web({ resources }))).toContain(`Fix: ${fix}`);
  });
});

describe('percentages', () => {
  test.each([
    ['70%', "write 70 (a percentage as a whole number, without quotes or '%')"],
    [0.7, 'write 70 (a percentage as a whole number, not a fraction: 0.7 is 70%)'],
    [70.4, 'write 70 (a percentage as a whole number)'],
  ])('fails when cpuUtilization is %j, with the whole percentage as the fix', (cpuUtilization, fix) => {
    expect(fixOf(web({ autoscaling: { cpuUtilization } }))).toContain(`Fix: ${fix}`);
    expect(fixOf(web({ autoscaling: { memoryUtilization: cpuUtilization } }))).toContain(`Fix: ${fix}`);
  });
  test('fails when maxUnavailable is a fraction, with the percentage as the fix', () => {
    expect(fixOf(web({ rollout: { maxUnavailable: 0.25 } }))).toContain("Fix: write '25%' (a percentage), or a whole count such as 1");
  });
});

describe('positional arguments', () => {
  test('fails when EnvValue.fromSecret misses the key, with the call as the fix', () => {
    expect(fixOf(() => (EnvValue.fromSecret as any)('db-credentials'))).toContain("Fix: pass it: EnvValue.fromSecret('db-credentials', 'password')");
  });
  test('fails when StoreCredentials.fromSecret misses the name, with the call as the fix', () => {
    expect(fixOf(() => (StoreCredentials.fromSecret as any)())).toContain("Fix: pass it: StoreCredentials.fromSecret('shop-db-admin')");
  });
  test('fails when Policy.suppress misses the reason, with the call as the fix', () => {
    const w = web({})();
    expect(fixOf(() => (Policy.suppress as any)(w, 'practice-probes'))).toContain("Fix: pass it: Policy.suppress(construct, 'practice-probes', '<why");
  });
});

describe('grants, images, Redis', () => {
  test('fails when a grant has no rules wrapper, with the user rule moved into rules', () => {
    const w = web({})();
    expect(fixOf(() => w.grant({ resources: ['configmaps'], verbs: ['get'] } as any)))
      .toContain("Fix: put the rule in a list under 'rules': grant({ rules: [{ resources: ['configmaps'], verbs: ['get'] }] })");
  });
  test.each(['ghcr.io/acme/app:undefined', 'ghcr.io/acme/app:'])('fails when the image is %s, pointing at the unset variable', (image) => {
    const message = fixOf(web({ image }));
    expect(message).toContain("Fix: set the variable your code puts after ':'");
    expect(message).not.toContain('allowUnpinnedImage');
  });
  test('fails when a tag is undefined even with allowUnpinnedImage', () => {
    expect(fixOf(web({ image: 'ghcr.io/acme/app:undefined', allowUnpinnedImage: true }))).toContain('the variable that gives the tag is unset');
  });
  test.each([
    [['--maxmemory', '100mb'], "Fix: remove '--maxmemory', '100mb' from extraArgs and set maxMemory: '100Mi'"],
    [['--maxmemory 2gb'], "Fix: remove it and set maxMemory: '2Gi'"],
    [['--appendonly', 'yes'], 'set appendOnly: true'],
  ])('fails when Redis extraArgs are %j, with the prop and the user value', (extraArgs, fix) => {
    const chart = new TimonelChart(new App(), 'shop', { namespace: 'shop' });
    expect(fixOf(() => new Redis(chart, 'cache', { mode: 'cache', extraArgs }))).toContain(fix);
  });
});
