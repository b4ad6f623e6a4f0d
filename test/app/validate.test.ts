import { Testing } from 'cdk8s';
import { App } from '../../src/app/app';
import { TimonelChart } from '../../src/app/chart';
import { validateProps } from '../../src/app/validate';
import { Policy } from '../../src/policies/policy';
import { thrown } from '../support/util';

describe('validateProps', () => {
  test('returns props loaded from JSON when they are valid', () => {
    const props = JSON.parse('{"image": "nginx:1.27.2", "healthPath": "/healthz", "replicas": 3}');
    expect(validateProps('WebApp', props)).toBe(props);
  });

  test('fails with every problem of props loaded from JSON, at the path given', () => {
    const props = JSON.parse('{"image": "nginx:1.27.2", "healtPath": "/healthz", "replicas": "3", "extraPorts": [{"name": "HTTP", "port": 9000}]}');
    const e = thrown(() => validateProps('WebApp', props, 'values/web.json'));
    expect(e.message.split('\n')).toEqual([
      '[values/web.json] has 3 invalid props:',
      "  'healtPath' is not a known prop, got '/healthz'. Allowed: the props of WebApp, such as 'healthPath' (51 in all: docs/web-app.md). Fix: did you mean 'healthPath'?",
      "  'replicas' must be a whole number, but is a string, got '3'. Allowed: a whole number. Fix: write it as a number: 3",
      "  'extraPorts[0].name' is not a valid port name, got 'HTTP'. Allowed: an IANA service name: lowercase letters, digits and '-', at least one letter, at most 15 characters. Fix: write 'http'",
    ]);
  });

  test('fails when the construct is not known, suggesting one', () => {
    expect(() => validateProps('Webapp' as any, {})).toThrow(/'construct' is not a construct with props to check, got 'Webapp'.*did you mean 'WebApp'\?/);
  });
});

describe('TimonelChart and App props', () => {
  test('fails when a chart profile is unknown, naming the chart', () => {
    expect(() => new TimonelChart(Testing.app(), 'shop', { policy: { profile: 'strict' as any } })).toThrow(
      /^\[shop\] 'policy\.profile' is not one of the allowed values, got 'strict'\. Allowed: 'restricted', 'baseline'/,
    );
  });

  test('fails when partOf is not a label value, naming the prop', () => {
    expect(() => new TimonelChart(Testing.app(), 'shop', { partOf: 'Shop Platform' })).toThrow(/^\[shop\] 'partOf' is not a valid label value, got 'Shop Platform'.*Fix: write 'Shop-Platform'/);
  });

  test('shortens a long chart id in part-of by the rule of names', () => {
    const chart = new TimonelChart(Testing.app(), 'c'.repeat(70));
    expect(chart.partOf).toHaveLength(63);
  });

  test('fails when an app prop is misspelled', () => {
    expect(() => new App({ outDir: 'x' } as any)).toThrow(/^\[App\] 'outDir' is not a known prop, got 'x'.*did you mean 'outdir'\?/);
  });

  test('Policy.setDefault fails on an unknown profile, naming the scope', () => {
    const app = Testing.app();
    const chart = new TimonelChart(app, 'shop');
    expect(() => Policy.setDefault(chart, 'restrict' as any)).toThrow(/^\[shop\] 'profile' is not one of the allowed values, got 'restrict'.*did you mean 'restricted'\?/);
    expect(() => Policy.suppress(chart, 1 as any, 'x')).toThrow(/^\[shop\] 'ruleId' must be a string, but is a number/);
  });
});
