import { EnvValue } from '../../../src/core/env';
import { Probe } from '../../../src/core/probes';
import { propsIssues } from '../../../src/core/validation';
import { BATCH_JOB_PROPS } from '../../../src/constructs/props/batch-job';
import { POSTGRES_PROPS, REDIS_PROPS } from '../../../src/constructs/props/presets';
import { STATEFUL_STORE_PROPS } from '../../../src/constructs/props/stateful-store';
import { WEB_APP_PROPS } from '../../../src/constructs/props/web-app';
import { WORKER_PROPS } from '../../../src/constructs/props/worker';
import { NODE_AGENT_PROPS } from '../../../src/constructs/props/node-agent';
import { MIGRATION_PROPS } from '../../../src/constructs/props/migration';
import { StoreCredentials } from '../../../src/constructs/stateful-store';

const IMAGE = 'nginx:1.27.2';
const problems = (spec: any, props: unknown) => propsIssues(spec, props).map((i) => `${i.prop}: ${i.message}${i.fix ? ` (${i.fix})` : ''}`);

describe('WebApp props', () => {
  test('accepts the props of the examples', () => {
    expect(problems(WEB_APP_PROPS, { image: IMAGE, healthPath: '/healthz', env: { A: 'b', S: EnvValue.fromSecret('s', 'k') }, rollout: { maxSurge: 1 } })).toEqual([]);
  });

  test.each([
    ['a misspelled prop', { healtPath: '/healthz' }, "healtPath: is not a known prop (did you mean 'healthPath'?)"],
    ['a number env value', { env: { PORT: 8080 } }, "env.PORT: must be a string, or EnvValue.fromSecret(...), fromConfigMap(...) or fromField(...), but is a number (write it as a string: '8080')"],
    ['an env value of null', { env: { X: null } }, "env.X: must be a string, or EnvValue.fromSecret(...), fromConfigMap(...) or fromField(...), but is null (write it as a string in quotes: '…')"],
    ['an EnvValue factory not called (trial AA6)', { env: { P: EnvValue.fromSecret } }, "env.P: must be a string, or EnvValue.fromSecret(...), fromConfigMap(...) or fromField(...), but is a function (call it: EnvValue.fromSecret('<secret>', '<key>'))"],
    ['an env value that is a function', { env: { P: () => 'x' } }, "env.P: must be a string, or EnvValue.fromSecret(...), fromConfigMap(...) or fromField(...), but is a function (call the function and pass its result, a string or an EnvValue (e.g. EnvValue.fromSecret('<secret>', '<key>')))"],
    ['a path as a probe', { liveness: '/healthz' }, "liveness: must be a Probe (Probe.http(path), Probe.tcp(), Probe.grpc() or Probe.exec([...])), or false to turn the probe off, but is a string (write Probe.http('/healthz') instead of a path, or Probe.tcp())"],
    ['a mount without fields', { mounts: [{}] }, 'mounts[0].volume: is required (add volume: …)', 'mounts[0].mountPath: is required (add mountPath: …)'],
    ['a null init container', { initContainers: [null] }, 'initContainers[0]: must be an object, but is null (write an object: { image: … })'],
    ['a fractional health path', { healthPath: 1.5 }, "healthPath: must be a string, but is a number (write a string such as '/')"],
    ['a null name', { name: null }, "name: must be a string, but is null (write a string such as 'db')"],
    ['extra ports as a string', { extraPorts: '-1' }, 'extraPorts: must be a list, but is a string (write a list in brackets: [ … ])'],
    ['no surge and no unavailable', { rollout: { maxSurge: 0 } }, "rollout.maxSurge: and maxUnavailable cannot both be 0: the rollout could never replace a pod (keep maxSurge at '25%' (the default) or allow maxUnavailable: 1)"],
    ["a surge of '25'", { rollout: { maxSurge: '25' } }, "rollout.maxSurge: must be a pod count or a percentage (write 25 (a number) or '25%')"],
    ["a surge of '25.5%'", { rollout: { maxSurge: '25.5%' } }, "rollout.maxSurge: must be a pod count or a whole percentage (write '26%')"],
    ['a liveness success threshold of 2', { liveness: Probe.http('/h', { successThreshold: 2 }) }, 'liveness.successThreshold: must be 1 for a liveness probe (leave it out, or set it on the readiness probe)'],
    ['a fractional grace period', { terminationGracePeriodSeconds: 1.5 }, 'terminationGracePeriodSeconds: must be a whole number of at least 0 (round it: 1 or 2)'],
    ['a NaN grace period', { terminationGracePeriodSeconds: NaN }, 'terminationGracePeriodSeconds: must be a whole number of at least 0 (write a whole number such as 1 (NaN often comes from Number() of an unset variable))'],
    ['an ExternalName service', { service: { type: 'ExternalName' } }, "service.type: is not one of the allowed values (an ExternalName Service selects no pods: it is not a WebApp)"],
    ['a number in nodeSelector', { nodeSelector: { k: 1 } }, "nodeSelector.k: must be a string, but is a number (write a string such as 'frontend')"],
    ['a number in envFromSecrets', { envFromSecrets: [1] }, "envFromSecrets[0]: must be the name of a Secret, or an ExternalSecret, but is a number (write the Secret's name as a string, e.g. 'app-secrets')"],
    ['a hostPath volume', { volumes: [{ name: 'h', hostPath: { path: '/x' } }] }, "volumes[0]: has no source timonel knows ('hostPath' is not supported) (a node's files are for a NodeAgent (its hostPaths, each with a reason); an app keeps files in an emptyDir or a persistentVolumeClaim)"],
    ['an interval without a unit', { metrics: { interval: '30' } }, "metrics.interval: is not a duration with a unit (write '30s' for seconds)"],
    ['a probe on a port the container does not have', { readiness: Probe.tcp({ port: 'nope' }) }, "readiness.port: names a port the container does not have, so the probe can never pass (use one of the names, e.g. { port: 'http' }, or declare a port named 'nope' in 'extraPorts')"],
    ['an extra port named like the main one', { extraPorts: [{ name: 'http', port: 9000 }] }, "extraPorts[0].name: is already the name of 'portName' (rename the port)"],
    ['a part-of that is no label value', { component: 'Shop Platform' }, "component: is not a valid label value (write 'Shop-Platform')"],
    ['a 70-character version', { version: 'v'.repeat(70) }, 'version: is too long for a label value (70 characters, at most 63) (shorten it to 63 characters)'],
    ['a moving tag', { image: 'redis:alpine' }, "image: uses the moving tag 'alpine' (pin a version such as 'redis:1.2.3' or 'redis@sha256:…', or set 'allowUnpinnedImage: true')"],
  ] as [string, object, ...string[]][])('fails on %s', (_what, props, ...expected) => {
    expect(problems(WEB_APP_PROPS, { image: IMAGE, ...props })).toEqual(expected);
  });
});

describe('BatchJob props', () => {
  test.each([
    ['a command as a string', { command: 'run.sh' }, "command: must be a list, but is a string (wrap it in brackets: ['run.sh'])"],
    ['a null command item', { command: [null] }, "command[0]: must be a string, but is null (write it as a string in quotes: '…')"],
    ["suspend: 'true'", { suspend: 'true' }, 'suspend: must be true or false, but is a string (write true without quotes)'],
    ['a cron-only prop without a schedule', { timeZone: 'Etc/UTC' }, "timeZone: only applies to a scheduled BatchJob (a CronJob), but there is no 'schedule' (set 'schedule', or remove 'timeZone')"],
  ])('fails on %s', (_what, props, problem) => {
    expect(problems(BATCH_JOB_PROPS, { image: IMAGE, ...props })).toEqual([problem]);
  });
});

describe('StatefulStore and preset props', () => {
  const credentials = StoreCredentials.fromSecret('db-credentials');

  test.each([
    ['storage as an object', { storage: { mountPath: '/data' } }, "storage: must be a list, but is an object (write a list of claims, each with the path it is mounted at: storage: [{ name: 'data', mountPath: '/data' }])"],
    ['credentials as a plain reference', { credentials: { secretName: 's', keys: { password: 'pw' } } }, "credentials: must be StoreCredentials.fromSecret(...), fromExternalSecret(...) or fromLiteralsINSECURE(...), but is an object (wrap the Secret's name: credentials: StoreCredentials.fromSecret('s', { keys: { password: 'pw' } }) (each role is read from the key of its own name unless keys maps it))"],
    // Trial R (R3): the fix named another Secret ('db-credentials'), so following it made a pod that reads a Secret nobody created.
    ['credentials as the Secret\'s name', { credentials: 'ml-db-auth' }, "credentials: must be StoreCredentials.fromSecret(...), fromExternalSecret(...) or fromLiteralsINSECURE(...), but is a string (wrap the Secret's name: credentials: StoreCredentials.fromSecret('ml-db-auth') (each role is read from the key of its own name unless keys maps it))"],
    ['credentials as something else', { credentials: true }, "credentials: must be StoreCredentials.fromSecret(...), fromExternalSecret(...) or fromLiteralsINSECURE(...), but is a boolean (wrap the name of the Secret that holds them: credentials: StoreCredentials.fromSecret('<secret name>') (each role is read from the key of its own name; { keys: { password: 'pw' } } maps one), or let an ExternalSecret fill it: StoreCredentials.fromExternalSecret({ … }))"],
  ])('fails on %s', (_what, props, problem) => {
    expect(problems(STATEFUL_STORE_PROPS, { image: IMAGE, port: 5432, ...props })).toEqual([problem]);
  });

  test("reports a preset's storage at the path the user wrote", () => {
    expect(problems(POSTGRES_PROPS, { credentials, storage: { accessModes: ['RWO'] } })).toEqual(["storage.accessModes[0]: is not one of the allowed values (write 'ReadWriteOnce' (kubectl shows it as RWO))"]);
    expect(problems(REDIS_PROPS, { credentials, image: 'redis:alpine' })).toEqual([
      "image: uses the moving tag 'alpine' (pin a version such as 'redis:1.2.3' or 'redis@sha256:…', or set 'allowUnpinnedImage: true')",
    ]);
  });

  test('fails when a preset has no credentials', () => {
    expect(problems(POSTGRES_PROPS, {})).toEqual(["credentials: is required: the image does not start without a password (pass 'credentials: StoreCredentials.fromSecret(...)' or 'StoreCredentials.fromExternalSecret(...)')"]);
  });
});

describe('StatefulStore storage in the presets\' shape', () => {
  test('fails when storage is one object, with a list of claims that has a mountPath as the fix (was "write a list in brackets", then mountPath is required)', () => {
    expect(problems(STATEFUL_STORE_PROPS, { image: 'ghcr.io/acme/kv:1.0.0', port: 7000, storage: { size: '20Gi' } })).toEqual([
      "storage: must be a list, but is an object (write a list of claims, each with the path it is mounted at: storage: [{ name: 'data', mountPath: '/data', size: '20Gi' }])",
    ]);
    expect(problems(STATEFUL_STORE_PROPS, { image: 'ghcr.io/acme/kv:1.0.0', port: 7000, storage: [{ name: 'data', mountPath: '/data', size: '20Gi' }] })).toEqual([]);
  });
});

describe('props that belong elsewhere', () => {
  const ns = "namespace: is not a known prop: a workload's namespace is its chart's (set it on the chart: new TimonelChart(app, 'shop', { namespace: 'shop' }))";
  test.each([
    ['WebApp', WEB_APP_PROPS], ['Worker', WORKER_PROPS], ['BatchJob', BATCH_JOB_PROPS], ['NodeAgent', NODE_AGENT_PROPS],
    ['StatefulStore', STATEFUL_STORE_PROPS], ['PostgreSQL', POSTGRES_PROPS], ['Redis', REDIS_PROPS], ['Migration', MIGRATION_PROPS],
  ])("fails when a %s is given a namespace, saying it is the chart's", (_name, spec) => {
    expect(problems(spec, { namespace: 'shop' })).toContain(ns);
  });

  test.each([
    ['WebApp', WEB_APP_PROPS], ['Worker', WORKER_PROPS], ['BatchJob', BATCH_JOB_PROPS], ['StatefulStore', STATEFUL_STORE_PROPS], ['Redis', REDIS_PROPS],
  ])('fails when a %s is given labels or annotations, with where they go (was sent to metrics.labels and service.annotations)', (_name, spec) => {
    expect(problems(spec, { labels: { team: 'payments' } })).toContain(
      "labels: is not a known prop: timonel writes the objects' recommended labels itself "
      + "(labels on every object of the chart: new TimonelChart(app, 'shop', { labels: { team: 'payments' } }); on the pods only: podLabels: { … })",
    );
    expect(problems(spec, { annotations: { a: 'b' } })).toContain(
      'annotations: is not a known prop: a workload makes several objects, and an annotation belongs to one of them '
      + '(on the pods: podAnnotations: { … }; on the Service: service: { annotations: { … } }; on another object: patchManifest(obj, JsonPatch.add(…)))',
    );
  });

  test('fails when a Worker or BatchJob is given a port, saying which construct serves one (a Worker: its metrics port)', () => {
    const fix = "for a server that others connect to, use a WebApp (or a StatefulStore); a probe's port goes in the probe";
    // A Worker's one port is its metrics port, declared as such.
    const metrics = 'for Prometheus metrics: metrics: { port: 9394 } (only the scraper is admitted to it); for a server others connect to, a WebApp';
    for (const k of ['port', 'ports', 'extraPorts']) {
      expect(problems(WORKER_PROPS, { image: 'nginx:1.27.2', [k]: 8080 })).toEqual([`${k}: is not a known prop: a Worker serves no port (it gets no Service) (${metrics})`]);
    }
    expect(problems(BATCH_JOB_PROPS, { image: 'nginx:1.27.2', port: 8080 })).toEqual([`port: is not a known prop: a BatchJob serves no port (it gets no Service) (${fix})`]);
  });
});
