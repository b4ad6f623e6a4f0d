import * as fs from 'fs';
import { Testing } from 'cdk8s';
import { App } from '../../src/app/app';
import { TimonelChart } from '../../src/app/chart';
import { validateProps } from '../../src/app/validate';
import { PostgreSQL } from '../../src/constructs/presets/postgres';
import { StoreCredentials } from '../../src/constructs/stateful-store';
import { BatchJob } from '../../src/constructs/batch-job';
import { NodeAgent } from '../../src/constructs/node-agent';
import { Migration } from '../../src/constructs/migration';
import { WebApp } from '../../src/constructs/web-app';
import { AppCount, countingApps } from '../../src/core/app-watch';
import { EnvValue } from '../../src/core/env';
import { defineRule } from '../../src/policies/rule';
import { Policy } from '../../src/policies/policy';
import { Profile } from '../../src/policies/profiles';
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

  const NAMES = 'WebApp, BatchJob, Worker, NodeAgent, StatefulStore, PostgreSQL, Redis, TimonelChart, App';

  test('fails when the path is not a string (it was a TypeError that lost the props error), and the fix reports at the path', () => {
    expect(() => validateProps('WebApp', { image: 'x' }, 42 as any)).toThrow(
      "[validateProps] 'path' must be a string, the path shown in the messages, got 42. Allowed: a string such as 'web.yaml'. "
      + "Fix: pass the path third and the options fourth: validateProps('WebApp', props, 'web.yaml', { chart: … })",
    );
    expect(() => validateProps('WebApp', { image: 'x' }, 'web.yaml')).toThrow(/^\[web\.yaml\] 'image' has no tag or digest/);
  });

  test('fails when the construct is a Migration, saying its props are given in code, and the fix builds it', () => {
    expect(() => validateProps('Migration' as any, {})).toThrow(
      "[validateProps] 'construct' is not a construct with props to check: a Migration's props name constructs (before: [api]), which only code can give, got 'Migration'. "
      + `Allowed: ${NAMES}. Fix: create the Migration in code, which checks its props: new Migration(chart, 'migrate', { image, command, before: [api] })`,
    );
    const chart = new TimonelChart(Testing.app(), 'shop', { namespace: 'shop' });
    const api = new WebApp(chart, 'api', { image: 'ghcr.io/acme/api:1.0.0' });
    expect(() => new Migration(chart, 'migrate', { image: 'ghcr.io/acme/api:1.0.0', command: ['./migrate'], before: [api] })).not.toThrow();
  });

  test('fails when the construct is missing, naming the ones it takes', () => {
    expect(() => validateProps(undefined as any, {})).toThrow(
      `[validateProps] 'construct' is not a construct with props to check, got undefined. Allowed: ${NAMES}. `
      + "Fix: pass the name of one of them as a string, e.g. validateProps('WebApp', props, 'web.yaml'); other constructs check their props when created in code",
    );
    expect(validateProps('WebApp', { image: 'ghcr.io/acme/web:1.0.0' }, 'web.yaml')).toEqual({ image: 'ghcr.io/acme/web:1.0.0' });
  });
});

const IMAGE = 'ghcr.io/acme/p:1.0.0';

// What the props spec alone let through: the constructor or the rendering refused it (trial R, R2).
describe('validateProps checks what the constructor and the rendering check', () => {
  test.each([
    ['a time zone is misspelled', 'BatchJob', { image: IMAGE, schedule: '0 2 * * *', timeZone: 'Europe/Madird' },
      "[nightly.yaml] 'timeZone' is not a known IANA time zone, got 'Europe/Madird'. Allowed: an IANA time zone name such as 'Etc/UTC', 'Europe/Madrid' or 'America/New_York'. Fix: did you mean 'Europe/Madrid'?"],
    ['a time zone is a UTC offset', 'BatchJob', { image: IMAGE, schedule: '0 2 * * *', timeZone: 'UTC+1' },
      "[nightly.yaml] 'timeZone' is a fixed UTC offset, not an IANA time zone name, got 'UTC+1'. Allowed: an IANA time zone name such as 'Etc/UTC', 'Europe/Madrid' or 'America/New_York'. Fix: use the region's zone (e.g. 'Europe/Madrid') so daylight saving time is followed, or 'Etc/GMT-1' for a fixed offset (the Etc/ sign is inverted)"],
    ['a schedule has three fields', 'BatchJob', { image: IMAGE, schedule: '* * *' },
      "[nightly.yaml] 'schedule' has 3 fields; exactly five are required, got '* * *'. Allowed: five space-separated fields 'minute hour day-of-month month day-of-week', or one of @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly. Fix: write all five fields, e.g. '0 3 * * *' for 03:00 every day (use '*' for 'every')"],
    ['a schedule never runs', 'BatchJob', { image: IMAGE, schedule: '0 2 31 2 *' },
      "[nightly.yaml] 'schedule' never runs: no month in '2' (FEB) has day 31, got '0 2 31 2 *'. Allowed: five space-separated fields 'minute hour day-of-month month day-of-week', or one of @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly. Fix: use a day from 1 to 29 (cron cannot say 'the last day of the month': run on day 1 of the next one instead)"],
    ['an Indexed parallelism is above 100000', 'BatchJob', { image: IMAGE, completionMode: 'Indexed', completions: 200000, parallelism: 200000 },
      "[nightly.yaml] 'parallelism' must be at most 100000 in Indexed mode, got 200000. Allowed: an integer from 1 to 100000. Fix: lower parallelism to 100000 or less: the Job still runs every index, that many at a time"],
    ['a drain delay is longer than the grace period', 'WebApp', { image: IMAGE, drain: { delaySeconds: 60 } },
      "[nightly.yaml] 'drain.delaySeconds' is 60 s, but the whole stop must fit in terminationGracePeriodSeconds (30 s): the pause would leave less than no time to finish requests before the kubelet kills the container, got 60. Allowed: fewer seconds than terminationGracePeriodSeconds (30). Fix: lower the delay (5 s is usual), or raise terminationGracePeriodSeconds above 60 (70 leaves the app 10 s to stop)"],
    ['a disruption budget is asked for one replica', 'WebApp', { image: IMAGE, replicas: 1, disruptionBudget: true },
      "[nightly.yaml] 'disruptionBudget' is requested with 1 replica: a budget of maxUnavailable 1 lets a node drain evict the only pod, so it would protect nothing, got true. Allowed: true with replicas ≥ 2 (the default already adds the budget there). Fix: run 2 or more: replicas: 2; or remove 'disruptionBudget' (a single pod is down while it is moved)"],
    ['a cpu request is above its limit', 'WebApp', { image: IMAGE, resources: { cpu: { request: '2', limit: '1' } } },
      "[nightly.yaml] 'resources.cpu' request 2 is above the limit 1, got {\"request\":\"2\",\"limit\":\"1\"}. Allowed: a request lower than or equal to its limit. Fix: raise the cpu limit or lower the request"],
    ['a mount names no volume of the pod', 'WebApp', { image: IMAGE, mounts: [{ volume: 'nope', mountPath: '/x' }] },
      "[nightly.yaml] 'mounts' mounts the volume 'nope' in container 'main', but the pod has no such volume, got 'nope'. Allowed: 'tmp'. Fix: add it with 'volumes'"],
    ['a NodeAgent update can replace no pod', 'NodeAgent', { image: IMAGE, update: { maxSurge: 0, maxUnavailable: 0 } },
      "[nightly.yaml] 'update' cannot have maxUnavailable and maxSurge both 0: the update could never replace a pod, got {\"maxUnavailable\":0,\"maxSurge\":0}. Allowed: maxUnavailable or maxSurge above 0. Fix: allow one node at a time (maxUnavailable: 1), or a surge (maxSurge: 1, maxUnavailable: 0)"],
  ] as const)('fails when %s, as the constructor does', (_why, construct, props, message) => {
    expect(thrown(() => validateProps(construct, props, 'nightly.yaml')).message).toBe(message);
    // The same problem, where the construct is created.
    const chart = new TimonelChart(new App(), 'chart');
    const build = { WebApp: () => new WebApp(chart, 'app', props as any), BatchJob: () => new BatchJob(chart, 'app', props as any), NodeAgent: () => new NodeAgent(chart, 'app', props as any) }[construct];
    expect(thrown(build).message).toBe(message.replace('[nightly.yaml]', '[chart/app]'));
  });

  test('fails when a validation of the construct fails at synth, naming the prop', () => {
    const e = thrown(() => validateProps('WebApp', { image: IMAGE, public: false, service: { type: 'LoadBalancer' } }, 'web.yaml'));
    expect(e.message).toBe("[web.yaml] 'public' is false, but the app is not isolated (no isolate: true, no client), so no NetworkPolicy selects its pods and its LoadBalancer Service 'chart-app' (service.type) admits any source, got false. Allowed: public: false on an isolated app. Fix: set isolate: true, so that public: false closes the Service's ports to any source (declared clients still get in), or remove public: false if the Service is meant to be reachable");
    expect(e).toMatchObject({ path: 'web.yaml', prop: 'public', value: false });
  });

  test('fails when a chart would fail at synth: its Namespace enforces more than its profile checks', () => {
    const relaxed = Profile.custom({ name: 'relaxed', severity: { 'pss-restricted-run-as-non-root': 'off' } });
    const e = thrown(() => validateProps('TimonelChart', { namespace: 'shop', policy: { profile: relaxed } }, 'chart.yaml'));
    expect(e.message).toMatch(/^\[chart\.yaml\] 'podSecurity' is not set, but the chart's profile 'relaxed' relaxes Pod Security 'restricted' rules \(pss-restricted-run-as-non-root: off\).*Allowed: .*Fix: /);
    expect(e.message).not.toContain('[chart]');
  });

  test("fails when the policies of the chart refuse the construct's objects, naming the object and the rule", () => {
    const rule = defineRule({
      id: 'org-component', severity: 'error', rationale: 'Every workload says what part of its system it is.', pods: true,
      check(o, report) {
        if (!o.metadata.labels?.['app.kubernetes.io/component']) report({ field: 'metadata.labels', message: 'has no component label', allowed: 'a component label', fix: "set component: 'worker'" });
      },
    });
    const e = thrown(() => validateProps('Worker', { image: IMAGE }, 'worker.yaml', { chart: { policy: { profile: Profile.custom({ name: 'org', rules: [rule] }) } } }));
    expect(e.message).toBe("[worker.yaml] renders Deployment chart-app, whose 'metadata.labels' has no component label (policy rule org-component). Allowed: a component label. Fix: set component: 'worker'");
    expect(() => validateProps('Worker', { image: IMAGE, component: 'worker' }, 'worker.yaml', { chart: { policy: { profile: Profile.custom({ name: 'org', rules: [rule] }) } } })).not.toThrow();
  });

  test('keeps listing every problem of the spec in one error, before building anything', () => {
    const e = thrown(() => validateProps('BatchJob', { image: IMAGE, schedule: '* * *', parallelism: -1, timeZone: 5 }, 'nightly.yaml'));
    expect(e.message.split('\n')[0]).toBe('[nightly.yaml] has 3 invalid props:');
    expect(e.problems.map((p) => p.prop)).toEqual(['schedule', 'timeZone', 'parallelism']);
  });

  test("lists a schedule, time zone or failure policy problem with the others: they are in BatchJob's spec", () => {
    const e = thrown(() => validateProps('BatchJob', {
      image: IMAGE, schedule: '0 2 * * 7', timeZone: 'europe/madrid', podFailurePolicy: { ignoreDisruptions: false },
    }, 'nightly.yaml'));
    expect(e.problems.map((p) => p.prop)).toEqual(['schedule', 'timeZone', 'podFailurePolicy']);
    // The rules across props run once every prop is well formed.
    expect(thrown(() => validateProps('BatchJob', { image: IMAGE, completionMode: 'Indexed', completions: 200000, parallelism: 100001 }, 'nightly.yaml')).message)
      .toMatch(/^\[nightly\.yaml\] 'parallelism' must be at most 100000 in Indexed mode, got 100001\./);
  });

  test('accepts props the construct accepts, and returns them', () => {
    const props = { image: IMAGE, schedule: '0 2 * * *', timeZone: 'Europe/Madrid' };
    expect(validateProps('BatchJob', props, 'nightly.yaml')).toBe(props);
    expect(validateProps('TimonelChart', { namespace: 'shop' })).toEqual({ namespace: 'shop' });
    expect(validateProps('App', { delivery: 'flux' })).toEqual({ delivery: 'flux' });
  });

  test("checks in the chart and App of the options: a 'baseline' chart admits root, Argo CD refuses a one-off Job's TTL", () => {
    const root = { image: IMAGE, securityContext: { runAsUser: 0 } };
    expect(thrown(() => validateProps('WebApp', root, 'web.yaml')).message).toMatch(
      /^\[web\.yaml\] 'securityContext\.runAsUser' must not be 0 \(root\) in chart 'chart', whose profile 'restricted' holds pods to Pod Security 'restricted'/,
    );
    expect(validateProps('WebApp', root, 'web.yaml', { chartId: 'legacy', chart: { namespace: 'legacy', policy: { profile: 'baseline' } } })).toBe(root);
    const job = { image: IMAGE, ttlSecondsAfterFinished: 600 };
    expect(validateProps('BatchJob', job, 'job.yaml')).toBe(job);
    expect(thrown(() => validateProps('BatchJob', job, 'job.yaml', { app: { delivery: 'argocd' } })).message).toMatch(
      /^\[job\.yaml\] 'ttlSecondsAfterFinished' deletes the finished Job, but the app is delivered by Argo CD/,
    );
  });

  test('names objects from the ids of the options, and checks names made from them', () => {
    // 'chart-app-' + 54 characters is 64: one over a DNS label.
    const props = { image: IMAGE, extraServices: [{ suffix: 'x'.repeat(50), type: 'ClusterIP' as const }] };
    expect(validateProps('WebApp', props)).toBe(props);
    expect(thrown(() => validateProps('WebApp', props, 'web.yaml', { chartId: 'storefront', id: 'checkout-web' })).message).toMatch(
      /^\[web\.yaml\] 'extraServices\[0\]\.suffix' makes the Service name 'storefront-checkout-web-x+' 74 characters long/,
    );
  });

  test('fails when an option is wrong, at validateProps, naming the option', () => {
    expect(thrown(() => validateProps('WebApp', { image: IMAGE }, 'web.yaml', { chart: { namespace: 'Shop' } })).message).toMatch(
      /^\[validateProps\] 'options\.chart\.namespace' is not a valid DNS-1123 label, got 'Shop'.*Fix: /,
    );
    expect(thrown(() => validateProps('WebApp', { image: IMAGE }, 'web.yaml', { chart: { namespace: 'kube-system', createNamespace: true } })).message).toMatch(
      /^\[validateProps\] 'options\.chart\.createNamespace' is true, but 'kube-system' is a namespace Kubernetes creates itself.*Fix: /,
    );
    expect(thrown(() => validateProps('WebApp', { image: IMAGE }, 'web.yaml', { chartId: 'Shop_1' })).message).toMatch(/^\[validateProps\] 'options\.chartId' cannot begin object names.*Fix: name the chart 'shop-1'/);
    expect(thrown(() => validateProps('WebApp', { image: IMAGE }, 'web.yaml', { id: 'web_1' })).message).toMatch(/^\[validateProps\] 'options\.id' is not a valid DNS-1035 label/);
    expect(thrown(() => validateProps('TimonelChart', {}, 'c.yaml', { chart: {} })).message).toBe(
      "[validateProps] 'options.chart' does not apply to TimonelChart: the chart's props are the props checked, got {}. Allowed: options without 'chart' for TimonelChart. Fix: remove 'chart'",
    );
    expect(thrown(() => validateProps('App', {}, 'app.yaml', { id: 'x' })).message).toMatch(/^\[validateProps\] 'options\.id' does not apply to App: an App has no id/);
    expect(thrown(() => validateProps('WebApp', { image: IMAGE }, { chart: {} } as any)).message).toBe(
      "[validateProps] 'path' must be a string, the path shown in the messages, got {\"chart\":{}}. Allowed: a string such as 'web.yaml'. Fix: pass the path third and the options fourth: validateProps('WebApp', props, 'web.yaml', { chart: … })",
    );
  });

  test('fails when the props hold a construct of the app, which it leaves as it was', () => {
    const app = new App();
    const chart = new TimonelChart(app, 'shop', { namespace: 'shop' });
    const db = new PostgreSQL(chart, 'db', { credentials: StoreCredentials.fromSecret('db-credentials') });
    const before = app.node.findAll().length;
    expect(thrown(() => validateProps('Worker', { image: IMAGE, connectTo: [db] }, 'worker.yaml')).message).toBe(
      "[worker.yaml] 'connectTo[0]' holds a construct of the app, which validateProps cannot build with: the construct would be changed (a client's NetworkPolicy added to it), got 'shop/db'. "
        + 'Allowed: props as JSON or YAML hold them, and the objects of Probe, EnvValue and StoreCredentials that name no construct. '
        + "Fix: leave 'connectTo[0]' out of the props you validate and add it when you create the construct: { ...validateProps(...), connectTo: … }",
    );
    expect(app.node.findAll()).toHaveLength(before);
    expect(validateProps('Worker', { image: IMAGE, env: { URL: EnvValue.fromSecret('db-credentials', 'url') } })).toBeDefined();
  });

  test('leaves no trace: no file, no warning, no count of Apps, the props as they were', () => {
    const write = jest.spyOn(process.stderr, 'write');
    const mkdir = jest.spyOn(fs, 'mkdirSync');
    const writeFile = jest.spyOn(fs, 'writeFileSync');
    try {
      // An app that no NetworkPolicy selects is a practice warning at synth (practice-network-policy).
      const props = { image: IMAGE, replicas: 1, env: { LOG_LEVEL: 'debug' } };
      const copy = JSON.parse(JSON.stringify(props));
      const count: AppCount = { created: 0, synthesized: 0 };
      countingApps(count, () => {
        validateProps('NodeAgent', { image: IMAGE });
        validateProps('WebApp', props);
        validateProps('App', {});
      });
      expect(count).toEqual({ created: 0, synthesized: 0 });
      expect(props).toEqual(copy);
      expect(write).not.toHaveBeenCalled();
      expect(mkdir).not.toHaveBeenCalled();
      expect(writeFile).not.toHaveBeenCalled();
    } finally {
      write.mockRestore();
      mkdir.mockRestore();
      writeFile.mockRestore();
    }
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
