import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { DEFAULTS } from '../../src/core/defaults';
import { TimonelError } from '../../src/core/errors';
import { intOrString, Probe, probeSuppressions, probesTurnedOff } from '../../src/core/probes';
import { newChart, thrown } from '../support/util';

const scope = () => new Construct(newChart('shop'), 'web');
const port = (p: number | string) => (typeof p === 'number' ? k8s.IntOrString.fromNumber(p) : k8s.IntOrString.fromString(p));

const DEFAULT_TIMING = {
  initialDelaySeconds: DEFAULTS.probe.initialDelaySeconds,
  periodSeconds: DEFAULTS.probe.periodSeconds,
  timeoutSeconds: DEFAULTS.probe.timeoutSeconds,
  failureThreshold: DEFAULTS.probe.failureThreshold,
  successThreshold: DEFAULTS.probe.successThreshold,
};

describe('Probe.http', () => {
  test('renders an HTTP GET on the default port with the default timing', () => {
    const p = Probe.http('/healthz').render(scope(), 'liveness', 8080);
    expect(p).toEqual({ httpGet: { path: '/healthz', port: port(8080) }, ...DEFAULT_TIMING });
    expect(p.httpGet!.port.value).toBe(8080);
  });

  test('the default timing is 0 / 10 / 2 / 3 / 1', () => {
    expect(DEFAULT_TIMING).toEqual({ initialDelaySeconds: 0, periodSeconds: 10, timeoutSeconds: 2, failureThreshold: 3, successThreshold: 1 });
  });

  test('uses its own port (name or number) and scheme over the default port', () => {
    expect(Probe.http('/ready', { port: 'admin', scheme: 'HTTPS' }).render(scope(), 'readiness', 8080).httpGet).toEqual({
      path: '/ready', port: port('admin'), scheme: 'HTTPS',
    });
    expect(Probe.http('/ready', { port: 9000 }).render(scope(), 'readiness', 8080).httpGet!.port.value).toBe(9000);
  });

  test("fails when the path does not start with '/', suggesting one that does", () => {
    expect(() => Probe.http('healthz')).toThrow(/^\[Probe\.http\] 'path' must start with '\/', got 'healthz'\. Allowed: .*Fix: use '\/healthz'/);
  });

  test('fails when there is no port at all', () => {
    expect(() => Probe.http('/healthz').render(scope(), 'readiness', undefined)).toThrow(
      /'readiness\.port' is required: the workload has no port\. Allowed: a port given to the probe, e\.g\. \{ port: 8080 \} \(the workload has none\)\. Fix: pass \{ port \} to the probe/,
    );
  });
});

describe('a port number written as a string', () => {
  test("fails when a probe's port is '8080' (the WebApp's fix then asked for a port named '8080', which no port name can be; trial L)", () => {
    expect(() => Probe.http('/live', { port: '8080' })).toThrow("[Probe.http] 'opts.port' is a port number written as a string, got '8080'. Allowed: a port number from 1 to 65535, or the name of a port of the container ('http'). Fix: write it as a number: port: 8080");
    expect(() => Probe.tcp({ port: ' 5432' })).toThrow(/'port' is a port number written as a string, got ' 5432'\..*Fix: write it as a number: port: 5432$/);
    expect(() => Probe.grpc({ port: '50051' })).toThrow(/Fix: write it as a number: port: 50051$/);
  });
});

describe('Probe.tcp', () => {
  test('renders a TCP connect to the default port', () => {
    expect(Probe.tcp().render(scope(), 'liveness', 'redis')).toEqual({ tcpSocket: { port: port('redis') }, ...DEFAULT_TIMING });
  });

  test('uses its own port', () => {
    expect(Probe.tcp({ port: 6379 }).render(scope(), 'liveness', 'redis').tcpSocket!.port.value).toBe(6379);
  });

  test('fails when there is no port at all', () => {
    expect(() => Probe.tcp().render(scope(), 'startup', undefined)).toThrow(/'startup\.port' is required/);
  });
});

describe('Probe.grpc', () => {
  test('renders a gRPC health check on a numeric port, with a service', () => {
    expect(Probe.grpc({ port: 9090, service: 'health' }).render(scope(), 'liveness', 8080)).toEqual({
      grpc: { port: 9090, service: 'health' }, ...DEFAULT_TIMING,
    });
  });

  test('uses the default port when it is a number', () => {
    expect(Probe.grpc().render(scope(), 'liveness', 8080).grpc).toEqual({ port: 8080 });
  });

  test('a port name (its own or the default) becomes the container port\'s number', () => {
    const ports = [{ name: 'http', port: 8080 }, { name: 'grpc', port: 9090 }];
    expect(Probe.grpc().render(scope(), 'liveness', 'grpc', {}, ports).grpc).toEqual({ port: 9090 });
    expect(Probe.grpc({ port: 'http' }).render(scope(), 'liveness', 'grpc', {}, ports).grpc).toEqual({ port: 8080 });
  });

  test('fails when the port is a name of no port, listing the ports and the fix', () => {
    expect(() => Probe.grpc().render(scope(), 'liveness', 'rpc', {}, [{ name: 'grpc', port: 9090 }])).toThrow(
      "[shop/web] 'liveness.port' names no port of the container, got 'rpc'. Allowed: a port number, or one of 'grpc' (9090). Fix: use one of the names, or the number: { port: 9090 }",
    );
    expect(() => Probe.grpc().render(scope(), 'liveness', 'grpc')).toThrow(
      "[shop/web] 'liveness.port' must be a port number for grpc probes (Kubernetes takes no port name there), got 'grpc'. Allowed: a port number from 1 to 65535. Fix: pass { port: <the container port's number> }",
    );
  });
});

describe('HTTP probe headers and names checked against the ports', () => {
  test('headers become httpHeaders', () => {
    const p = Probe.http('/healthz', { headers: { Host: 'shop.example.com', 'X-Probe': '1' }, scheme: 'HTTPS' }).render(scope(), 'readiness', 'http');
    expect(p.httpGet).toEqual({ path: '/healthz', port: port('http'), scheme: 'HTTPS', httpHeaders: [{ name: 'Host', value: 'shop.example.com' }, { name: 'X-Probe', value: '1' }] });
  });

  test('fails when a header name is not a token', () => {
    expect(() => Probe.http('/healthz', { headers: { 'Bad Header': 'x' } })).toThrow(TimonelError);
    expect(() => Probe.http('/healthz', { headers: { 'Bad Header': 'x' } })).toThrow(
      "[Probe.http] 'opts.headers' is not an HTTP header name, got 'Bad Header'. Allowed: a token such as 'Host' or 'X-Probe'. Fix: write 'Bad-Header'",
    );
    expect(() => Probe.http('/healthz', { headers: { 'Host:': 'x' } })).toThrow("got 'Host:'. Allowed: a token such as 'Host' or 'X-Probe'. Fix: write 'Host'");
    const p = Probe.http('/healthz', { headers: { 'Bad-Header': 'x' } }).render(scope(), 'readiness', 'http');
    expect(p.httpGet?.httpHeaders).toEqual([{ name: 'Bad-Header', value: 'x' }]);
  });

  test('fails when an HTTP or TCP probe names no port of the container', () => {
    expect(() => Probe.tcp({ port: 'admin' }).render(scope(), 'startup', 'http', {}, [{ name: 'http', port: 8080 }])).toThrow(
      "'startup.port' names no port of the container, got 'admin'. Allowed: a port number, or one of 'http' (8080)",
    );
  });
});

describe('Probe.exec', () => {
  test('renders a command and needs no port', () => {
    expect(Probe.exec(['pg_isready', '-U', 'postgres']).render(scope(), 'readiness', undefined)).toEqual({
      exec: { command: ['pg_isready', '-U', 'postgres'] }, ...DEFAULT_TIMING,
    });
  });

  test('fails when the command is empty', () => {
    expect(() => Probe.exec([])).toThrow(/^\[Probe\.exec\] 'command' must have at least 1 item, got \[\]/);
  });

  test('fails when the command has a hole (it wrote - null; trial AC3)', () => {
    expect(() => Probe.exec([, 'x'] as string[])).toThrow(/^\[Probe\.exec\] 'command\[0\]' is an empty slot \(a hole in the list\), got undefined\..*Fix: remove the empty slot/);
    expect(() => Probe.exec(new Array<string>(2))).toThrow(/'command\[1\]' is an empty slot/);
  });
});

describe('probe timing', () => {
  test('the probe\'s own timing overrides the defaults, field by field', () => {
    const p = Probe.http('/', { periodSeconds: 30, failureThreshold: 5 }).render(scope(), 'liveness', 80);
    expect(p).toMatchObject({ ...DEFAULT_TIMING, periodSeconds: 30, failureThreshold: 5 });
  });

  test('a base timing overrides the defaults, and the probe\'s own timing overrides the base', () => {
    const base = { periodSeconds: 5, failureThreshold: 30, timeoutSeconds: 4 };
    const p = Probe.tcp({ failureThreshold: 60 }).render(scope(), 'startup', 80, base);
    expect(p).toMatchObject({ initialDelaySeconds: 0, periodSeconds: 5, timeoutSeconds: 4, failureThreshold: 60, successThreshold: 1 });
  });

  test('undefined fields do not erase defaults', () => {
    const p = Probe.exec(['true'], { periodSeconds: undefined }).render(scope(), 'liveness', undefined, { timeoutSeconds: undefined });
    expect(p.periodSeconds).toBe(10);
    expect(p.timeoutSeconds).toBe(2);
  });

  test('keeps the timing it was given', () => {
    expect(Probe.http('/', { port: 80, periodSeconds: 7 }).timing).toEqual({ port: 80, periodSeconds: 7 });
  });

  test('accepts an initial delay of 0', () => {
    expect(Probe.exec(['true'], { initialDelaySeconds: 0 }).render(scope(), 'liveness', undefined).initialDelaySeconds).toBe(0);
  });

  test('fails when a period is 0', () => {
    expect(() => Probe.exec(['true'], { periodSeconds: 0 })).toThrow(
      /^\[Probe\.exec\] 'opts\.periodSeconds' must be a whole number of at least 1, got 0\. Allowed: an integer from 1 to 2147483647\. Fix: use 1 or more$/,
    );
  });

  test('fails when an initial delay is negative', () => {
    expect(() => Probe.exec(['true'], { initialDelaySeconds: -1 })).toThrow(/'opts\.initialDelaySeconds' must be a whole number of at least 0, got -1/);
  });

  test('fails when a timeout is not an integer', () => {
    expect(() => Probe.tcp({ timeoutSeconds: 1.5 })).toThrow(/^\[Probe\.tcp\] 'timeoutSeconds' must be a whole number of at least 1, got 1\.5/);
  });

  test('fails when an option is misspelled, suggesting the right one', () => {
    expect(() => Probe.tcp({ periodSecond: 5 } as any)).toThrow(/'periodSecond' is not a known probe option, got 5\. .*Fix: did you mean 'periodSeconds'\?/);
  });

  test('fails when a probe is given a path where it wants options, with every problem at once', () => {
    const e = thrown(() => Probe.http(1 as any, { port: true, scheme: 'http' } as any));
    expect(e.problems.map((p) => p.prop)).toEqual(['path', 'opts.port', 'opts.scheme']);
    expect(e.message).toMatch(/^\[Probe\.http\] has 3 invalid props:\n  'path' must be a string, but is a number, got 1/);
    expect(e.message).toMatch(/'opts\.scheme' is not one of the allowed values, got 'http'\. Allowed: 'HTTP', 'HTTPS'\. Fix: did you mean 'HTTP'\?/);
  });

  test('fails when a port is passed where the options belong, with the options form as the fix', () => {
    expect(thrown(() => Probe.grpc(50051 as any)).message).toBe(
      "[Probe.grpc] must be an object, but is a number, got 50051. Allowed: an object of options, e.g. { port: 8080, service: 'orders', periodSeconds: 10 }. Fix: write Probe.grpc({ port: 50051 })",
    );
    expect(() => Probe.tcp(8080 as any)).toThrow(/^\[Probe\.tcp\] must be an object, but is a number, got 8080\. .*Fix: write Probe\.tcp\(\{ port: 8080 \}\)$/);
    expect(() => Probe.tcp('http' as any)).toThrow(/Fix: write Probe\.tcp\(\{ port: 'http' \}\)$/);
    expect(() => Probe.grpc('/healthz' as any)).toThrow(/Fix: for an HTTP check write Probe\.http\('\/healthz'\) \(Probe\.grpc\(\) takes no path\)$/);
    expect(() => Probe.http('/healthz', 8080 as any)).toThrow(/^\[Probe\.http\] 'opts' must be an object, but is a number, got 8080\. .*Fix: the port is an option: write \{ port: 8080 \}$/);
  });

  test('fails when a small number is passed where the options belong: it may be a timing, so both forms are named (trial R: only { port: 5 }, which failed again)', () => {
    expect(thrown(() => Probe.http('/health', 5 as any)).fix).toBe('the options are an object: write { port: 5 } for the port, or { periodSeconds: 5 } for how often');
  });

  test('fails when Probe.http gets a port or an object where the path belongs, saying the path comes first', () => {
    expect(() => Probe.http(8080 as any)).toThrow(/'path' must be a string, but is a number, got 8080\. .*Fix: the path comes first, the port is an option: write Probe\.http\('\/healthz', \{ port: 8080 \}\)$/);
    expect(() => Probe.http({ path: '/ready' } as any)).toThrow(/Fix: the path is the first argument: write Probe\.http\('\/ready', \{ …other options \}\)$/);
  });

  test('fails when Probe.exec gets a command line, splitting it into words (or sh -c for shell syntax)', () => {
    expect(thrown(() => Probe.exec('cat /tmp/healthy' as any)).message).toBe(
      "[Probe.exec] 'command' must be a list, but is a string, got 'cat /tmp/healthy'. Allowed: a non-empty array of strings, e.g. ['cat', '/tmp/healthy']. Fix: write each argument as its own item: Probe.exec(['cat', '/tmp/healthy'])",
    );
    expect(() => Probe.exec('test -f /tmp/alive && echo ok' as any)).toThrow(/Fix: it runs without a shell, and this line needs one: write Probe\.exec\(\['sh', '-c', 'test -f \/tmp\/alive && echo ok'\]\) \(the image must have \/bin\/sh\)$/);
  });

  test('fails when a base timing is invalid', () => {
    expect(() => Probe.exec(['true']).render(scope(), 'readiness', undefined, { failureThreshold: 0 })).toThrow(/'readiness\.failureThreshold' must be a whole number/);
  });
});

describe('intOrString', () => {
  test('keeps numbers as numbers and names as strings', () => {
    expect(intOrString(8080).value).toBe(8080);
    expect(intOrString('http').value).toBe('http');
  });
});


describe('probesTurnedOff', () => {
  const probe = Probe.tcp();
  test('says which probes were turned off when every missing one was', () => {
    expect(probesTurnedOff([{ prefix: '', readiness: false, liveness: false }])).toBe('readiness and liveness turned off (readiness: false, liveness: false)');
    expect(probesTurnedOff([{ prefix: '', liveness: false, defaults: { readiness: probe } }])).toBe('liveness turned off (liveness: false)');
    expect(probesTurnedOff([{ prefix: '', liveness: false, readiness: probe }, { prefix: 'sidecars[0]', readiness: false, liveness: probe }]))
      .toBe('readiness and liveness turned off (liveness: false, sidecars[0].readiness: false)');
  });

  test('is undefined when nothing is off, or when a probe is missing without a false', () => {
    expect(probesTurnedOff([{ prefix: '', readiness: probe, liveness: probe }])).toBeUndefined();
    expect(probesTurnedOff([{ prefix: '', liveness: false }])).toBeUndefined();
    expect(probesTurnedOff([{ prefix: '', liveness: false, readiness: false }, { prefix: 'sidecars[0]' }])).toBeUndefined();
  });
});

describe('probeSuppressions', () => {
  const probe = Probe.tcp();
  test('one for the pod when every missing probe was turned off, else one per container whose probes all were', () => {
    expect(probeSuppressions([{ prefix: '', container: 'main', readiness: false, liveness: false }, { prefix: 'sidecars[0]', container: 'proxy', readiness: probe, liveness: probe }]))
      .toEqual([{ reason: 'readiness and liveness turned off (readiness: false, liveness: false)' }]);
    expect(probeSuppressions([{ prefix: '', container: 'main', readiness: false, liveness: false }, { prefix: 'sidecars[0]', container: 'proxy' }]))
      .toEqual([{ container: 'main', reason: 'readiness and liveness turned off (readiness: false, liveness: false)' }]);
    expect(probeSuppressions([{ prefix: '', container: 'main' }, { prefix: 'sidecars[0]', container: 'proxy' }])).toEqual([]);
  });
});
