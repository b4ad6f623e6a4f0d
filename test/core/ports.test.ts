import { Construct } from 'constructs';
import { validatePortName, validatePortNumber, validatePorts } from '../../src/core/ports';
import { newChart } from '../support/util';

const scope = () => new Construct(newChart('shop'), 'web');

describe('validatePortNumber', () => {
  test.each([1, 80, 65535])('accepts %d', (p) => {
    expect(validatePortNumber(p, undefined, 'port')).toBe(p);
  });

  test.each([0, 70000, 65536, -1, 80.5, Number.NaN])('fails when the port is %d', (p) => {
    expect(() => validatePortNumber(p, undefined, 'port')).toThrow(/^'port' must be a port number, got .*\. Allowed: an integer from 1 to 65535\. Fix: use a port from 1 to 65535( \(\d+\?\))?$/);
  });

  test('names the scope and prop', () => {
    expect(() => validatePortNumber(0, scope(), 'servicePort')).toThrow(/^\[shop\/web\] 'servicePort' must be a port number, got 0/);
  });
});

describe('validatePortName', () => {
  test.each(['http', 'metrics', 'h2c', 'grpc-web', 'a'.repeat(15), '8080-http'])('accepts %s', (name) => {
    expect(validatePortName(name, undefined, 'name')).toBe(name);
  });

  test('fails when a name is over 15 characters, suggesting a shorter one', () => {
    expect(() => validatePortName('prometheus-metrics', undefined, 'ports[0].name')).toThrow(
      /^'ports\[0\]\.name' must be at most 15 characters, but is 18, got 'prometheus-metrics'.*Fix: shorten it, e.g\. 'prometheus-metr'/,
    );
  });

  test.each(['HTTP', '8080', 'a--b', '-http', 'http-', 'http_2', ''])('fails when the name is %j', (name) => {
    expect(() => validatePortName(name, undefined, 'name')).toThrow(/'name' is not a valid port name/);
  });
});

describe('validatePorts', () => {
  test('returns valid ports', () => {
    const ports = [{ name: 'http', port: 8080 }, { name: 'dns', port: 53, protocol: 'UDP' as const }];
    expect(validatePorts(ports, scope())).toEqual(ports);
  });

  test('accepts the same number under two protocols', () => {
    expect(() => validatePorts([{ name: 'dns-tcp', port: 53 }, { name: 'dns-udp', port: 53, protocol: 'UDP' }], scope())).not.toThrow();
  });

  test('fails when two ports have the same name', () => {
    expect(() => validatePorts([{ name: 'http', port: 8080 }, { name: 'http', port: 8081 }], scope())).toThrow(
      /^\[shop\/web\] 'ports\[1\]\.name' is used by two ports, got 'http'.*Fix: rename one of the ports/,
    );
  });

  test('fails when a port number and protocol are declared twice', () => {
    expect(() => validatePorts([{ name: 'a', port: 8080 }, { name: 'b', port: 8080, protocol: 'TCP' }], scope())).toThrow(
      /'ports\[1\]\.port' is declared twice, got 8080/,
    );
  });

  test('fails when a port number is out of range, naming its index', () => {
    expect(() => validatePorts([{ name: 'http', port: 80 }, { name: 'big', port: 70000 }], scope())).toThrow(/'ports\[1\]\.port' must be a port number, got 70000/);
  });

  test('fails when a service port is out of range', () => {
    expect(() => validatePorts([{ name: 'http', port: 80, servicePort: 0 }], scope(), 'extraPorts')).toThrow(/'extraPorts\[0\]\.servicePort' must be a port number, got 0/);
  });

  test('fails when a name is invalid, naming its index', () => {
    expect(() => validatePorts([{ name: 'HTTP', port: 80 }], scope())).toThrow(/'ports\[0\]\.name' is not a valid port name/);
  });
});
