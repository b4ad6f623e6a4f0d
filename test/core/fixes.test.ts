import { Testing } from 'cdk8s';
import { closest } from '../../src/core/validation';
import { hostNameFix } from '../../src/core/names';
import { imageFix } from '../../src/core/image';
import { Probe } from '../../src/core/probes';
import { TimonelChart } from '../../src/app/chart';
import { WebApp, WebAppProps } from '../../src/constructs/web-app';
import { Worker } from '../../src/constructs/worker';
import { validateProps } from '../../src/app/validate';
import { thrown } from '../support/util';

// Every TimonelError says how to fix it. These are the fixes of mistakes that used to get none
// (the fuzzer's test counts the rest: see test/fuzz/fuzz.test.ts).
const IMAGE = 'ghcr.io/acme/web:1.2.3';

function webApp(props: Record<string, unknown>, id = 'web') {
  const chart = new TimonelChart(Testing.app(), 'shop');
  return thrown(() => new WebApp(chart, id, { image: IMAGE, ...props } as WebAppProps));
}

describe('fixes of wrong props', () => {
  test('fails when a whole number is a fraction: rounds it', () => {
    expect(webApp({ replicas: 1.5 }).message).toMatch(/'replicas' .*got 1\.5\..*Fix: round it: 1 or 2$/);
  });

  test('fails when a number is out of range: the nearest allowed value, and no guess at the port meant (trial AA5)', () => {
    expect(webApp({ terminationGracePeriodSeconds: -1 }).message).toMatch(/Fix: use 0 or more$/);
    expect(webApp({ port: 70000 }).message).toMatch(/'port' must be a port number, got 70000\..*Fix: use a port from 1 to 65535$/);
  });

  test('fails when healthPath is a whole URL: its path, and where the port comes from (trial AA5)', () => {
    expect(webApp({ healthPath: 'http://localhost:5000/healthz' }).message)
      .toMatch(/'healthPath' must start with '\/', got 'http:\/\/localhost:5000\/healthz'\..*Fix: use the URL's path: '\/healthz' \(the probes dial the pod itself, on the port of the 'port' prop\)$/);
    expect(webApp({ healthPath: 'healthz' }).message).toMatch(/Fix: use '\/healthz'$/);
    expect(webApp({ ingress: { host: 'shop.example.com', path: 'https://shop.example.com/api?v=1' } }).message).toMatch(/Fix: use the URL's path: '\/api\?v=1' \(the host and port come from the workload\)$/);
  });

  test('fails when a probe is a Kubernetes probe object: the factory call that builds it', () => {
    expect(webApp({ readiness: { httpGet: { path: '/ready', port: 8080 }, periodSeconds: 5 } }).message)
      .toMatch(/Fix: write Probe\.http\('\/ready', \{ port: 8080, periodSeconds: 5 \}\)/);
    expect(webApp({ liveness: { tcpSocket: { port: 'http' } } }).message).toMatch(/Fix: write Probe\.tcp\(\{ port: 'http' \}\)/);
    expect(webApp({ liveness: { exec: { command: ['cat', '/tmp/ok'] } } }).message).toMatch(/Fix: write Probe\.exec\(\['cat','\/tmp\/ok'\]\)/);
  });

  test('fails when a probe option has two letters swapped: did you mean', () => {
    expect(thrown(() => Probe.http('/', { prot: 8080 } as never)).message).toMatch(/'opts\.prot' .*Fix: did you mean 'port'\?$/);
    expect(closest('prot', ['port', 'scheme'])).toBe('port');
    expect(closest('contianers', ['containers', 'env'])).toBe('containers');
  });

  test('fails when a config key or label key has invalid characters: the key with them replaced', () => {
    expect(webApp({ config: { 'my key': 'x' } }).message).toMatch(/Fix: write 'my-key'$/);
    expect(webApp({ podLabels: { 'team name': 'a' } }).message).toMatch(/Fix: write 'team-name'$/);
    expect(webApp({ nodeSelector: { 'Example.com/disk type': 'ssd' } }).message).toMatch(/Fix: write 'example\.com\/disk-type'$/);
  });

  test('fails when a volume has a mountPath: where mount paths go', () => {
    expect(webApp({ volumes: [{ name: 'data', mountPath: '/data' }] }).message)
      .toMatch(/Fix: a volume only names its source: .*mounts: \[\{ volume: 'data', mountPath: '\/data' \}\]$/);
  });

  test('fails when a sidecar has no name: one from its image', () => {
    expect(webApp({ sidecars: [{ image: 'envoyproxy/envoy:v1.31.0' }] }).message).toMatch(/'sidecars\[0\]\.name' is required .*Fix: add name: 'envoy'/);
  });

  test('fails when a required list is empty or a value is missing: what to add', () => {
    const e = webApp({ permissions: [{ rules: [{ verbs: [], resources: ['configmaps'] }] }] });
    expect(e.message).toMatch(/'permissions\[0\]\.rules\[0\]\.verbs' must have at least 1 item.*Fix: add an item/);
    const chart = new TimonelChart(Testing.app(), 'jobs');
    expect(thrown(() => new Worker(chart, 'w', { image: IMAGE, connectTo: [{ options: { envForm: 'addr' } }] } as never)).message)
      .toMatch(/'connectTo\[0\]\.target' is required.*Fix: add target: …/);
    expect(webApp({ connectTo: [] }).message).toMatch(/'connectTo' is not a known prop: a workload that serves a port connects with its method .*Fix: create both, then call web\.connectTo\(db\)/);
  });

  test('fails when an enum value is far from every allowed one: the allowed values', () => {
    expect(webApp({ configAs: 'yaml' }).message).toMatch(/Fix: use '.+' or '.+'$/);
  });

  test('fails when two ids differ only in case: their objects would share names', () => {
    const chart = new TimonelChart(Testing.app(), 'shop');
    new WebApp(chart, 'Web', { image: IMAGE });
    const e = thrown(() => new WebApp(chart, 'web', { image: IMAGE }));
    expect(e.message).toBe("[shop/web] 'id' differs from 'Web' in 'shop' only in case, and names are lowercase, so their objects would have the same names, got 'web'. "
      + "Allowed: an id unique, ignoring case, among the constructs of its scope. Fix: give this one another id, e.g. 'web-2'");
  });
});

describe('fix helpers', () => {
  test('host names: the host of a URL, lowercase, the ASCII form of an international name', () => {
    expect(hostNameFix('bücher.example')).toBe("write 'xn--bcher-kva.example' (the ASCII form of an international name)");
    expect(hostNameFix('Shop.Example.com.')).toBe("write 'shop.example.com'");
    expect(hostNameFix('my_shop.example.com')).toBe("write 'my-shop.example.com'");
    expect(hostNameFix('shop')).toBe("write the full name, e.g. 'shop.example.com'");
    expect(hostNameFix('10.0.0.1')).toMatch(/^use a DNS name/);
    expect(hostNameFix('!!')).toMatch(/^write a lowercase DNS name/);
  });

  test('images: a scheme dropped, an upper-case repository lowercased, registry hosts kept', () => {
    expect(imageFix('docker://nginx:1.27')).toBe("write 'nginx:1.27'");
    expect(imageFix('ghcr.io/Acme/Web:1.2.3')).toBe("write 'ghcr.io/acme/web:1.2.3'");
    expect(imageFix('Registry.Example.com:5000/Team/App:1')).toBe("write 'Registry.Example.com:5000/team/app:1'");
    expect(imageFix('nginx 1.27')).toMatch(/^write '\[registry\/\]repository:tag'/);
  });
});

describe('one quantity check for props and constructs', () => {
  test('fails when a CPU quantity is a thousand cores or more, already in validateProps (props from a file)', () => {
    expect(thrown(() => validateProps('WebApp', { image: IMAGE, resources: { cpu: { request: '2000' } } })).message)
      .toMatch(/'resources\.cpu\.request' is 2,000 cores, more than any node has, got '2000'.*Fix: for millicores write '2000m'$/);
  });
});
