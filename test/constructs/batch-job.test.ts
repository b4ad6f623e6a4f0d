import { createHash } from 'crypto';
import { ApiObject, JsonPatch, Testing } from 'cdk8s';
import { BatchJob, BatchJobProps } from '../../src/constructs/batch-job';
import { TimonelChart } from '../../src/app/chart';
import { EnvValue } from '../../src/core/env';
import { shortenName } from '../../src/core/names';
import { ConfigExposure } from '../../src/workload/workload';
import { reportsChart } from '../../src/examples/reports';
import { crdErrors } from '../support/crd-schema';
import { expectValidManifests } from '../support/schema';
import { all, one, podSpec, thrown } from '../support/util';
import { App } from '../../src/app/app';
import { PostgreSQL } from '../../src/constructs/presets/postgres';
import { StoreCredentials } from '../../src/constructs/stateful-store';

const IMAGE = 'ghcr.io/acme/report-builder:2.3.1';
const DAILY = '0 2 * * *';

function newChart(props = {}): TimonelChart {
  return new TimonelChart(Testing.app(), 'test', props);
}

function render(props: Partial<BatchJobProps> = {}, chartProps = {}): any[] {
  const chart = newChart(chartProps);
  new BatchJob(chart, 'nightly', { image: IMAGE, ...props });
  return Testing.synth(chart);
}

function build(props: Partial<BatchJobProps>): () => void {
  return () => new BatchJob(newChart(), 'nightly', { image: IMAGE, ...props });
}

/** The Job of a one-off BatchJob. */
function job(props: Partial<BatchJobProps> = {}): any {
  return one(render(props), 'Job');
}

/** The CronJob of a scheduled BatchJob. */
function cron(props: Partial<BatchJobProps> = {}): any {
  return one(render({ schedule: DAILY, ...props }), 'CronJob');
}

/** The Job spec inside a CronJob. */
function cronJobSpec(props: Partial<BatchJobProps> = {}): any {
  return cron(props).spec.jobTemplate.spec;
}

const RESTRICTED_POD = {
  runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001, seccompProfile: { type: 'RuntimeDefault' },
};
const RESTRICTED_CONTAINER = {
  allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ['ALL'] },
};

describe('BatchJob defaults: one-off Job', () => {
  test('matches the defaults snapshot', () => {
    expect(render()).toMatchSnapshot();
  });

  test('emits a ServiceAccount and a Job named <name>-<8 hex of the spec hash>', () => {
    const objs = render();
    expect(objs.map((o) => o.kind)).toEqual(['ServiceAccount', 'Job']);
    expect(one(objs, 'ServiceAccount').metadata.name).toBe('test-nightly');
    expect(one(objs, 'Job').metadata.name).toMatch(/^test-nightly-[0-9a-f]{8}$/);
  });

  test('fails fast and ends stuck runs; no TTL, so GitOps never re-creates (re-runs) a finished Job', () => {
    const spec = job().spec;
    expect(spec.backoffLimit).toBe(2);
    expect(spec.activeDeadlineSeconds).toBe(3600);
    expect(spec).not.toHaveProperty('ttlSecondsAfterFinished');
    expect(spec.parallelism).toBe(1);
    expect(spec.completions).toBeUndefined();
    expect(spec.completionMode).toBe('NonIndexed');
    expect(spec.suspend).toBe(false);
    expect(spec.podFailurePolicy).toBeUndefined();
    expect(spec.selector).toBeUndefined();
    expect(spec.template.spec.restartPolicy).toBe('Never');
  });

  test('pods meet Pod Security "restricted" and carry no service account token', () => {
    const pod = podSpec(job());
    expect(pod.securityContext).toEqual(RESTRICTED_POD);
    expect(pod.containers[0].securityContext).toEqual(RESTRICTED_CONTAINER);
    expect(pod.containers[0].resources).toEqual({ requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } });
    expect(pod.serviceAccountName).toBe('test-nightly');
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.containers[0].livenessProbe).toBeUndefined();
  });

  test('the Job, its pods and the ServiceAccount carry the recommended labels; instance is the base name', () => {
    const labels = {
      'app.kubernetes.io/name': 'nightly',
      'app.kubernetes.io/instance': 'test-nightly',
      'app.kubernetes.io/version': '2.3.1',
      'app.kubernetes.io/component': 'reports',
      'app.kubernetes.io/part-of': 'test',
      'app.kubernetes.io/managed-by': 'timonel',
    };
    const objs = render({ component: 'reports' });
    for (const o of objs) expect(o.metadata.labels).toEqual(labels);
    expect(one(objs, 'Job').spec.template.metadata.labels).toEqual(labels);
  });
});

describe('BatchJob defaults: CronJob', () => {
  test('matches the defaults snapshot', () => {
    expect(render({ schedule: DAILY })).toMatchSnapshot();
  });

  test('emits a ServiceAccount and a CronJob named after the ids, without a hash', () => {
    const objs = render({ schedule: DAILY });
    expect(objs.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(['ServiceAccount/test-nightly', 'CronJob/test-nightly']);
  });

  test('never overlaps runs, skips late ones, keeps a little history, names its time zone', () => {
    const spec = cron().spec;
    expect(spec.schedule).toBe(DAILY);
    expect(spec.timeZone).toBe('Etc/UTC');
    expect(spec.concurrencyPolicy).toBe('Forbid');
    expect(spec.startingDeadlineSeconds).toBe(300);
    expect(spec.successfulJobsHistoryLimit).toBe(3);
    expect(spec.failedJobsHistoryLimit).toBe(5);
    expect(spec.suspend).toBe(false);
  });

  test('its Jobs fail fast and end when stuck; history limits, not a TTL, remove them', () => {
    const spec = cronJobSpec();
    expect(spec.backoffLimit).toBe(2);
    expect(spec.activeDeadlineSeconds).toBe(3600);
    expect(spec.ttlSecondsAfterFinished).toBeUndefined();
    expect(spec.suspend).toBeUndefined();
    expect(spec.template.spec.restartPolicy).toBe('Never');
    expect(cron().spec.jobTemplate.metadata.labels['app.kubernetes.io/instance']).toBe('test-nightly');
  });

  test('pods meet Pod Security "restricted" and carry no service account token', () => {
    const pod = podSpec(cron());
    expect(pod.securityContext).toEqual(RESTRICTED_POD);
    expect(pod.containers[0].securityContext).toEqual(RESTRICTED_CONTAINER);
    expect(pod.automountServiceAccountToken).toBe(false);
  });
});

describe('BatchJob props', () => {
  test('command and args', () => {
    const c = podSpec(job({ command: ['/app/report'], args: ['--period', 'yesterday'] })).containers[0];
    expect(c.command).toEqual(['/app/report']);
    expect(c.args).toEqual(['--period', 'yesterday']);
  });

  test('env: literals, ConfigMap and Secret keys, whole Secrets', () => {
    const c = podSpec(cron({
      env: {
        LOG_LEVEL: 'info',
        REGION: EnvValue.fromConfigMap('platform', 'region'),
        DATABASE_URL: EnvValue.fromSecret('reports-db', 'url'),
      },
      envFromSecrets: ['reports-smtp'],
    })).containers[0];
    expect(c.env).toEqual([
      { name: 'LOG_LEVEL', value: 'info' },
      { name: 'REGION', valueFrom: { configMapKeyRef: { name: 'platform', key: 'region' } } },
      { name: 'DATABASE_URL', valueFrom: { secretKeyRef: { name: 'reports-db', key: 'url' } } },
    ]);
    expect(c.envFrom).toEqual([{ secretRef: { name: 'reports-smtp' } }]);
  });

  test('config becomes a ConfigMap exposed as env, with its checksum on the pod template', () => {
    const objs = render({ schedule: DAILY, config: { FORMAT: 'pdf' } });
    expect(one(objs, 'ConfigMap').metadata.name).toBe('test-nightly-config');
    const template = one(objs, 'CronJob').spec.jobTemplate.spec.template;
    expect(template.spec.containers[0].envFrom).toEqual([{ configMapRef: { name: 'test-nightly-config' } }]);
    expect(template.metadata.annotations['timonel.dev/config-checksum']).toMatch(/^[0-9a-f]{64}$/);
  });

  test('config as files is mounted read-only', () => {
    const c = podSpec(job({ config: { 'report.yaml': 'a: 1' }, configAs: ConfigExposure.FILES })).containers[0];
    expect(c.volumeMounts).toContainEqual({ name: 'config', mountPath: '/etc/config', readOnly: true });
  });

  test('resources', () => {
    const c = podSpec(job({ resources: { cpu: { request: '500m', limit: 2 }, memory: { request: '1Gi' } } })).containers[0];
    expect(c.resources).toEqual({ requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: 2, memory: '1Gi' } });
  });

  test('extended resources (GPUs): the same whole number as request and limit, valid against the 1.28 schema', () => {
    const c = podSpec(job({ resources: { extended: { 'nvidia.com/gpu': 2 } } })).containers[0];
    expect(c.resources.requests['nvidia.com/gpu']).toBe(2);
    expect(c.resources.limits['nvidia.com/gpu']).toBe(2);
    const chart = new TimonelChart(Testing.app(), 'ml');
    new BatchJob(chart, 'train', { image: 'ghcr.io/acme/train:1.0.0', resources: { extended: { 'amd.com/gpu': 1 } } });
    expectValidManifests(Testing.synth(chart));
  });

  test.each([
    ['resources.gpu', { gpu: 1 }, /'resources\.gpu' is not a known resource: a GPU is an extended resource, named by its device plugin.*Fix: write extended: \{ 'nvidia\.com\/gpu': 1 \} \(or 'amd\.com\/gpu'\)$/],
    ['a name without a domain', { extended: { gpu: 1 } }, /'resources\.extended' has no domain: .*got 'gpu'\..*Fix: write 'nvidia\.com\/gpu' \(NVIDIA's device plugin\) or 'amd\.com\/gpu' \(AMD's\)$/],
    ['a kubernetes.io name', { extended: { 'kubernetes.io/gpu': 1 } }, /'resources\.extended' is in the kubernetes\.io domain/],
    ['memory as an extended resource', { extended: { memory: 1 } }, /'resources\.extended' is Kubernetes' own 'memory'.*Fix: set it as memory: \{ request, limit \}$/],
    ['half a GPU', { extended: { 'nvidia.com/gpu': 0.5 } }, /'resources\.extended\["nvidia\.com\/gpu"\]' must be a whole number of at least 1, got 0\.5/],
  ])('fails when %s is given', (_what, resources, message) => {
    expect(thrown(() => job({ resources } as never)).message).toMatch(message);
  });

  test('security context user and group', () => {
    const pod = podSpec(job({ securityContext: { runAsUser: 2000, runAsGroup: 3000, fsGroup: 3000 } }));
    expect(pod.securityContext).toEqual({ ...RESTRICTED_POD, runAsUser: 2000, runAsGroup: 3000, fsGroup: 3000 });
  });

  test('node selection and tolerations', () => {
    const tolerations = [{ key: 'batch', operator: 'Exists', effect: 'NoSchedule' }];
    const pod = podSpec(cron({ nodeSelector: { pool: 'batch' }, tolerations }));
    expect(pod.nodeSelector).toEqual({ pool: 'batch' });
    expect(pod.tolerations).toEqual(tolerations);
  });

  test('a scratch emptyDir volume and its mount', () => {
    const pod = podSpec(job({
      volumes: [{ name: 'scratch', emptyDir: { sizeLimit: '2Gi' } }],
      mounts: [{ volume: 'scratch', mountPath: '/scratch' }],
    }));
    expect(pod.volumes).toContainEqual({ name: 'scratch', emptyDir: { sizeLimit: '2Gi' } });
    expect(pod.containers[0].volumeMounts).toContainEqual({ name: 'scratch', mountPath: '/scratch' });
  });

  test('restartPolicy OnFailure', () => {
    expect(podSpec(job({ restartPolicy: 'OnFailure' })).restartPolicy).toBe('OnFailure');
  });

  test('backoffLimit, activeDeadlineSeconds and ttlSecondsAfterFinished', () => {
    const spec = job({ backoffLimit: 0, activeDeadlineSeconds: 600, ttlSecondsAfterFinished: 0 }).spec;
    expect(spec.backoffLimit).toBe(0);
    expect(spec.activeDeadlineSeconds).toBe(600);
    expect(spec.ttlSecondsAfterFinished).toBe(0);
  });

  test('fails when a number of seconds is written as a duration; the fix gives the seconds', () => {
    expect(thrown(build({ activeDeadlineSeconds: '1h' as any })).message).toBe(
      "[test/nightly] 'activeDeadlineSeconds' must be a whole number, but is a string, got '1h'. Allowed: a whole number. Fix: write the seconds as a number: 3600");
    expect(thrown(build({ terminationGracePeriodSeconds: '2 minutes' as any })).fix).toBe('write the seconds as a number: 120');
    expect(thrown(build({ activeDeadlineSeconds: 'soon' as any })).fix).toBe('a deadline of 0 fails every run at once; give the longest time a run may take, e.g. 3600');
  });

  test('fails when a one-off Job has ttlSecondsAfterFinished and the app is delivered by Argo CD or Flux (it would run again after every TTL)', () => {
    const inApp = (delivery: 'kubectl' | 'argocd' | 'flux', props: Partial<BatchJobProps>) => () => {
      const chart = new TimonelChart(new App({ outdir: 'unused', delivery }), 'test');
      return new BatchJob(chart, 'once', { image: IMAGE, ...props });
    };
    expect(thrown(inApp('argocd', { ttlSecondsAfterFinished: 600 })).message).toBe(
      "[test/once] 'ttlSecondsAfterFinished' deletes the finished Job, but the app is delivered by Argo CD, which re-creates a deleted Job that is still in the manifests, "
      + "so it would run again after every TTL, got 600. Allowed: no TTL on a one-off Job delivered by Argo CD (a CronJob's Jobs may have one); a TTL with delivery 'kubectl'. "
      + 'Fix: remove ttlSecondsAfterFinished: the finished Job stays until its spec changes (a new name, a new run) and Argo CD prunes the old one; '
      + 'to remove it sooner, remove the BatchJob from the code and let Argo CD prune it');
    expect(thrown(inApp('flux', { ttlSecondsAfterFinished: 0 })).message).toMatch(/^\[test\/once\] 'ttlSecondsAfterFinished' deletes the finished Job, but the app is delivered by Flux, .* got 0\. .*let Flux prune it$/);
    // kubectl applies only when asked (docs/batch-job.md); a CronJob's Jobs are the controller's, not in the manifests.
    expect(one(Testing.synth(inApp('kubectl', { ttlSecondsAfterFinished: 600 })().node.scope as TimonelChart), 'Job').spec.ttlSecondsAfterFinished).toBe(600);
    expect(inApp('argocd', { schedule: DAILY, ttlSecondsAfterFinished: 600 })).not.toThrow();
  });

  test('ttlSecondsAfterFinished on a CronJob is set when asked', () => {
    expect(cronJobSpec({ ttlSecondsAfterFinished: 7200 }).ttlSecondsAfterFinished).toBe(7200);
  });

  test('suspend a one-off Job', () => {
    expect(job({ suspend: true }).spec.suspend).toBe(true);
  });

  test('suspend a CronJob stops scheduling, not its Jobs', () => {
    const c = cron({ suspend: true });
    expect(c.spec.suspend).toBe(true);
    expect(c.spec.jobTemplate.spec.suspend).toBeUndefined();
  });

  test('parallelism and completions', () => {
    const spec = job({ parallelism: 3, completions: 6 }).spec;
    expect(spec.parallelism).toBe(3);
    expect(spec.completions).toBe(6);
    expect(spec.completionMode).toBe('NonIndexed');
  });

  test('parallelism above completions is accepted (Kubernetes never runs more pods than completions remain)', () => {
    const spec = job({ parallelism: 4, completions: 2 }).spec;
    expect([spec.parallelism, spec.completions]).toEqual([4, 2]);
  });

  test('parallelism without completions is a work queue', () => {
    const spec = job({ parallelism: 5 }).spec;
    expect(spec.parallelism).toBe(5);
    expect(spec.completions).toBeUndefined();
  });

  test('Indexed completion mode', () => {
    const spec = job({ completionMode: 'Indexed', completions: 4, parallelism: 2 }).spec;
    expect(spec).toMatchObject({ completionMode: 'Indexed', completions: 4, parallelism: 2 });
  });

  test('fails when an Indexed Job runs more than 100000 pods at a time, with a fix (trial R: none)', () => {
    expect(() => job({ completionMode: 'Indexed', completions: 200000, parallelism: 200000 })).toThrow(
      "'parallelism' must be at most 100000 in Indexed mode, got 200000. Allowed: an integer from 1 to 100000. Fix: lower parallelism to 100000 or less: the Job still runs every index, that many at a time",
    );
  });

  test('podFailurePolicy fails the Job on given exit codes of the main container and ignores disruptions', () => {
    expect(job({ podFailurePolicy: { failJobOnExitCodes: [42, 3, 42] } }).spec.podFailurePolicy).toEqual({
      rules: [
        { action: 'FailJob', onExitCodes: { containerName: 'main', operator: 'In', values: [3, 42] }, onPodConditions: [] },
        { action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] },
      ],
    });
  });

  test('podFailurePolicy that only ignores disruptions, on a CronJob', () => {
    expect(cronJobSpec({ podFailurePolicy: {} }).podFailurePolicy).toEqual({
      rules: [{ action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] }],
    });
  });

  test('podFailurePolicy that counts disruptions', () => {
    const rules = job({ podFailurePolicy: { failJobOnExitCodes: [42], ignoreDisruptions: false } }).spec.podFailurePolicy.rules;
    expect(rules.map((r: any) => r.action)).toEqual(['FailJob']);
  });

  test('schedule: whitespace is normalized and macros are accepted', () => {
    expect(cron({ schedule: ' 0  2 * *   MON-FRI ' }).spec.schedule).toBe('0 2 * * MON-FRI');
    expect(cron({ schedule: '@daily' }).spec.schedule).toBe('@daily');
  });

  test('timeZone', () => {
    expect(cron({ timeZone: 'Europe/Madrid' }).spec.timeZone).toBe('Europe/Madrid');
  });

  test('concurrencyPolicy, startingDeadlineSeconds and history limits', () => {
    const spec = cron({ concurrencyPolicy: 'Replace', startingDeadlineSeconds: 60, successfulJobsHistoryLimit: 0, failedJobsHistoryLimit: 10 }).spec;
    expect(spec).toMatchObject({ concurrencyPolicy: 'Replace', startingDeadlineSeconds: 60, successfulJobsHistoryLimit: 0, failedJobsHistoryLimit: 10 });
  });

  test('addEnv on a CronJob reaches its pods after construction', () => {
    const chart = newChart();
    const b = new BatchJob(chart, 'nightly', { image: IMAGE, schedule: DAILY, env: { A: '1' } });
    b.addEnv({ B: '2' });
    expect(podSpec(one(Testing.synth(chart), 'CronJob')).containers[0].env).toEqual([{ name: 'A', value: '1' }, { name: 'B', value: '2' }]);
  });

  test('objects land in the chart namespace', () => {
    const objs = render({ schedule: DAILY }, { namespace: 'reports' });
    expect(one(objs, 'CronJob').metadata.namespace).toBe('reports');
  });

  test('resolved values are public', () => {
    const b = new BatchJob(newChart(), 'nightly', { image: IMAGE, schedule: '0  2 * * *', timeZone: 'Europe/Madrid' });
    expect([b.name, b.schedule, b.timeZone, b.specHash, b.job]).toEqual(['test-nightly', DAILY, 'Europe/Madrid', undefined, undefined]);
    const j = new BatchJob(newChart(), 'export', { image: IMAGE });
    expect(j.job!.name).toBe(`test-export-${j.specHash}`);
    expect(j.cronJob).toBeUndefined();
  });
});

describe('BatchJob names', () => {
  const LONG = 'quarterly-financial-reporting-consolidated-ledger-export-builder';

  /** The rule, written out: 8 hex of the sha256 of the spec's canonical JSON, without `suspend` and the TTL. */
  function expectedHash(spec: any): string {
    const { suspend: _suspend, ttlSecondsAfterFinished: _ttl, ...rest } = spec;
    return createHash('sha256').update(canonical(rest)).digest('hex').slice(0, 8);
  }
  function canonical(v: any): string {
    if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
    if (v && typeof v === 'object') return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`).join(',')}}`;
    return JSON.stringify(v);
  }

  test('a one-off Job is named after the hash of its rendered spec', () => {
    const j = job({ env: { A: '1' }, config: { B: '2' } });
    expect(j.metadata.name).toBe(`test-nightly-${expectedHash(j.spec)}`);
  });

  test('the hash is stable across synths and apps', () => {
    expect(job({ env: { A: '1' } }).metadata.name).toBe(job({ env: { A: '1' } }).metadata.name);
  });

  test('any change to the spec gives a new name: image, env, config, deadline', () => {
    const names = new Set([
      job().metadata.name,
      job({ image: 'ghcr.io/acme/report-builder:2.3.2' }).metadata.name,
      job({ env: { A: '1' } }).metadata.name,
      job({ config: { A: '1' } }).metadata.name,
      job({ config: { A: '2' } }).metadata.name,
      job({ activeDeadlineSeconds: 60 }).metadata.name,
    ]);
    expect(names.size).toBe(6);
  });

  test('suspend does not change the name, so it can be toggled on the same Job', () => {
    expect(job({ suspend: true }).metadata.name).toBe(job().metadata.name);
  });

  test("a chart label keeps the name: it is on the Job, not on its pods, so the Job does not run again", () => {
    const plain = job();
    const labelled = one(render({}, { labels: { team: 'payments' } }), 'Job');
    expect(labelled.metadata.name).toBe(plain.metadata.name);
    expect(labelled.metadata.labels.team).toBe('payments');
    expect(labelled.spec.template).toEqual(plain.spec.template);
    // A CronJob's runs are new Jobs anyway: its pods keep the chart's labels.
    expect(one(render({ schedule: DAILY }, { labels: { team: 'payments' } }), 'CronJob').spec.jobTemplate.spec.template.metadata.labels.team).toBe('payments');
  });

  test("the Job's own annotations and labels, and its TTL, keep the name", () => {
    const chart = newChart();
    const b = new BatchJob(chart, 'nightly', { image: IMAGE, ttlSecondsAfterFinished: 600 });
    b.job!.metadata.addAnnotation('example.com/owner', 'payments');
    b.job!.metadata.addLabel('example.com/tier', 'batch');
    expect(one(Testing.synth(chart), 'Job').metadata.name).toBe(job().metadata.name);
    expect(job({ ttlSecondsAfterFinished: 60 }).metadata.name).toBe(job().metadata.name);
  });

  test('what is on the pods changes the name: image, env, pod labels and annotations (a pod template cannot change)', () => {
    const base = job({ env: { A: '1' } }).metadata.name;
    expect(job({ env: { A: '1' }, image: 'ghcr.io/acme/report-builder:2.3.2' }).metadata.name).not.toBe(base);
    expect(job({ env: { A: '2' } }).metadata.name).not.toBe(base);
    expect(job({ env: { A: '1' }, podAnnotations: { 'sidecar.istio.io/inject': 'false' } }).metadata.name).not.toBe(base);
    expect(job({ env: { A: '1' }, podLabels: { team: 'payments' } }).metadata.name).not.toBe(base);
  });

  test('an explicit name is the base of a one-off Job and the whole name of a CronJob', () => {
    expect(job({ name: 'export' }).metadata.name).toMatch(/^export-[0-9a-f]{8}$/);
    expect(cron({ name: 'nightly-report' }).metadata.name).toBe('nightly-report');
  });

  test('a long derived CronJob name is shortened to at most 52 characters by the shortenName rule', () => {
    const chart = new TimonelChart(Testing.app(), 'quarterly-financial-reporting');
    const b = new BatchJob(chart, 'consolidated-ledger-export-builder', { image: IMAGE, schedule: DAILY });
    expect(b.name).toBe(shortenName(LONG, 52));
    expect(b.name).toMatch(/^quarterly-financial-reporting-consolidated-[0-9a-f]{8}$/);
    expect(one(Testing.synth(chart), 'CronJob').metadata.name).toBe(b.name);
  });

  test('a long derived one-off Job name keeps the Job name within 63 characters', () => {
    const chart = new TimonelChart(Testing.app(), 'quarterly-financial-reporting');
    new BatchJob(chart, 'consolidated-ledger-export-builder', { image: IMAGE });
    const name = one(Testing.synth(chart), 'Job').metadata.name;
    expect(name).toMatch(new RegExp(`^${shortenName(LONG, 54)}-[0-9a-f]{8}$`));
    expect(name).toHaveLength(63);
  });

  test('an Indexed Job leaves room for its pods\' hostnames, <job name>-<last index>', () => {
    const chart = new TimonelChart(Testing.app(), 'quarterly-financial-reporting');
    new BatchJob(chart, 'consolidated-ledger-export-builder', { image: IMAGE, completionMode: 'Indexed', completions: 100 });
    const name = one(Testing.synth(chart), 'Job').metadata.name;
    expect(`${name}-99`).toHaveLength(63);
  });

  test('an explicit name that just fits is kept', () => {
    expect(cron({ name: 'a'.repeat(52) }).metadata.name).toBe('a'.repeat(52));
    expect(job({ name: 'a'.repeat(54) }).metadata.name).toHaveLength(63);
  });
});

describe('BatchJob one-off Jobs cannot change after they are built', () => {
  test('fails when addEnv is called on a one-off Job', () => {
    const b = new BatchJob(newChart(), 'export', { image: IMAGE });
    expect(() => b.addEnv({ A: '1' })).toThrow(
      "[test/export] 'addEnv' cannot change a one-off Job after it is built: its name carries a hash of its spec, got [\"A\"]. Allowed: addEnv on a scheduled BatchJob; a one-off Job's variables in 'env'. Fix: pass the variables in 'env' when creating the BatchJob",
    );
  });

  test('fails when the pod builder is changed after construction, at once', () => {
    const chart = newChart();
    const b = new BatchJob(chart, 'export', { image: IMAGE });
    expect(() => b.pod.addAnnotation('example.com/late', 'yes')).toThrow(
      "[test/export] 'podAnnotations' comes after the pod was built, and it cannot change after that. Allowed: the change in the props, before the pod is built. Fix: pass every variable, volume, annotation and permission when creating the BatchJob: a one-off Job's name carries a hash of its spec",
    );
    expect(() => b.grant({ rules: [{ resources: ['configmaps'], verbs: ['get'] }] })).toThrow(/'grant' comes after the pod was built/);
    expect(() => b.pod.addVolume({ name: 'late', emptyDir: {} })).toThrow(/'volumes' comes after the pod was built/);
    expect(Testing.synth(chart).filter((o) => o.kind === 'Role')).toEqual([]);
  });
});

describe('BatchJob schema', () => {
  test('everything a fully-featured BatchJob emits validates against the Kubernetes 1.28 schema', () => {
    const chart = newChart({ namespace: 'reports' });
    const full: Partial<BatchJobProps> = {
      command: ['/app/run'], args: ['--all'],
      env: { A: '1', B: EnvValue.fromSecret('s', 'k'), C: EnvValue.fromConfigMap('c', 'k') },
      envFromSecrets: ['s'], config: { D: '4' },
      resources: { cpu: { request: '250m', limit: 1 }, memory: { request: '256Mi', limit: '512Mi' } },
      nodeSelector: { pool: 'batch' }, tolerations: [{ key: 'batch', operator: 'Exists', effect: 'NoSchedule' }],
      volumes: [{ name: 'scratch', emptyDir: { sizeLimit: '1Gi' } }], mounts: [{ volume: 'scratch', mountPath: '/scratch' }],
      sidecars: [{ name: 'proxy', image: 'envoyproxy/envoy:v1.31.2' }],
      initContainers: [{ name: 'init', image: 'busybox:1.36.1' }],
      completionMode: 'Indexed', completions: 4, parallelism: 2,
      podFailurePolicy: { failJobOnExitCodes: [42] },
    };
    new BatchJob(chart, 'export', { image: IMAGE, ...full, suspend: true });
    new BatchJob(chart, 'nightly', {
      image: IMAGE, ...full, schedule: DAILY, timeZone: 'Europe/Madrid', concurrencyPolicy: 'Replace', ttlSecondsAfterFinished: 60,
    });
    new BatchJob(chart, 'hourly', { image: IMAGE, schedule: '@hourly', restartPolicy: 'OnFailure' });
    const objs = Testing.synth(chart);
    expect(objs.map((o) => o.kind)).toEqual([
      'Namespace', 'ServiceAccount', 'ServiceAccount', 'ServiceAccount', 'ConfigMap', 'ConfigMap', 'Job', 'CronJob', 'CronJob',
    ]);
    expectValidManifests(objs);
  });

  test('the reports example validates against the Kubernetes 1.28 schema', () => {
    const objs = Testing.synth(reportsChart(Testing.app()));
    expect(objs.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'Namespace/reports', 'ServiceAccount/reports-nightly', 'ServiceAccount/reports-export', 'ExternalSecret/reports-db',
      // Nothing depends on them: last, in construct order.
      'CronJob/reports-nightly', `Job/${one(objs, 'Job').metadata.name}`,
    ]);
    expect(one(objs, 'Job').metadata.name).toMatch(/^reports-export-[0-9a-f]{8}$/);
    expect(all(objs, 'CronJob')[0].spec).toMatchObject({ schedule: DAILY, timeZone: 'Europe/Madrid' });
    expectValidManifests(objs, { skipCustomResources: true });
    expect(crdErrors(one(objs, 'ExternalSecret'))).toEqual([]);
  });
});

describe('BatchJob escape hatches', () => {
  test('children are public and JSON patches apply, on a Job and a CronJob', () => {
    const chart = newChart();
    const once = new BatchJob(chart, 'export', { image: IMAGE });
    const nightly = new BatchJob(chart, 'nightly', { image: IMAGE, schedule: DAILY });
    expect(once.node.defaultChild).toBe(once.job);
    expect(nightly.node.defaultChild).toBe(nightly.cronJob);
    ApiObject.of(once.job!).addJsonPatch(JsonPatch.add('/spec/template/spec/hostNetwork', false));
    ApiObject.of(nightly.cronJob!).addJsonPatch(JsonPatch.add('/spec/jobTemplate/spec/template/spec/hostNetwork', false));
    const objs = Testing.synth(chart);
    expect(podSpec(one(objs, 'Job')).hostNetwork).toBe(false);
    expect(podSpec(one(objs, 'CronJob')).hostNetwork).toBe(false);
  });
});

describe('BatchJob bad input', () => {
  test.each([
    ["schedule has a minute of 61 ('61 * * * *')", { schedule: '61 * * * *' },
      "[test/nightly] 'schedule' field 1 (minute) '61' is out of range, got '61 * * * *'"],
    ["schedule has four fields ('* * * *')", { schedule: '* * * *' },
      "[test/nightly] 'schedule' has 4 fields; exactly five are required, got '* * * *'"],
    ["schedule has a seconds field ('0 0 * * * *')", { schedule: '0 0 * * * *' },
      "[test/nightly] 'schedule' has 6 fields; a seconds field is not supported (Kubernetes schedules start at the minute), got '0 0 * * * *'"],
    ["schedule uses '@every 5m'", { schedule: '@every 5m' },
      "[test/nightly] 'schedule' uses '@every', which timonel does not accept for CronJobs, got '@every 5m'"],
    ["timeZone is 'Mars/Base'", { schedule: DAILY, timeZone: 'Mars/Base' },
      "[test/nightly] 'timeZone' is not a known IANA time zone, got 'Mars/Base'"],
    ['timeZone is set without a schedule', { timeZone: 'Europe/Madrid' },
      "[test/nightly] 'timeZone' only applies to a scheduled BatchJob (a CronJob), but there is no 'schedule', got 'Europe/Madrid'. Allowed: timeZone with 'schedule' only. Fix: set 'schedule', or remove 'timeZone'"],
    ['concurrencyPolicy is set without a schedule', { concurrencyPolicy: 'Allow' },
      "[test/nightly] 'concurrencyPolicy' only applies to a scheduled BatchJob (a CronJob)"],
    ['concurrencyPolicy is unknown', { schedule: DAILY, concurrencyPolicy: 'Sometimes' },
      "[test/nightly] 'concurrencyPolicy' is not one of the allowed values, got 'Sometimes'. Allowed: 'Allow', 'Forbid', 'Replace'. "
      + "Fix: leave it out for 'Forbid' (a run is skipped while the last one runs), or write 'Replace' or 'Allow'"],
    ['startingDeadlineSeconds is below 10', { schedule: DAILY, startingDeadlineSeconds: 5 },
      "[test/nightly] 'startingDeadlineSeconds' must be a whole number of at least 10, got 5"],
    ['failedJobsHistoryLimit is negative', { schedule: DAILY, failedJobsHistoryLimit: -1 },
      "[test/nightly] 'failedJobsHistoryLimit' must be a whole number of at least 0, got -1"],
    ['parallelism is 0', { parallelism: 0 },
      "[test/nightly] 'parallelism' must be a whole number of at least 1, got 0. Allowed: an integer from 1 to 2147483647. Fix: to pause a Job, set 'suspend: true'"],
    ['parallelism is not a whole number', { parallelism: 1.5 },
      "[test/nightly] 'parallelism' must be a whole number of at least 1, got 1.5"],
    ['completions is 0', { completions: 0 },
      "[test/nightly] 'completions' must be a whole number of at least 1, got 0"],
    ["completionMode is 'Indexed' without completions", { completionMode: 'Indexed', parallelism: 4 },
      "[test/nightly] 'completions' is required when completionMode is 'Indexed', got undefined. Allowed: an integer of at least 1"],
    ['an Indexed parallelism is above 100000', { completionMode: 'Indexed', completions: 200000, parallelism: 100001 },
      "[test/nightly] 'parallelism' must be at most 100000 in Indexed mode, got 100001"],
    ['completionMode is unknown', { completionMode: 'Sharded' },
      "[test/nightly] 'completionMode' is not one of the allowed values, got 'Sharded'. Allowed: 'NonIndexed', 'Indexed'. "
      + "Fix: leave it out for 'NonIndexed', or write 'Indexed' to give each pod an index"],
    ['backoffLimit is -1', { backoffLimit: -1 },
      "[test/nightly] 'backoffLimit' must be a whole number of at least 0, got -1. Allowed: an integer from 0 to 2147483647. Fix: use 0 for no retries"],
    // Trial R (R8): a field's own fix ('use 0 for no retries', 'a deadline of 0 …') answered another mistake.
    ['backoffLimit is Infinity (retry forever)', { backoffLimit: Infinity },
      "[test/nightly] 'backoffLimit' must be a whole number of at least 0, got Infinity. Allowed: an integer from 0 to 2147483647. Fix: there is no unlimited: write the largest number you mean, at most 2147483647"],
    ['activeDeadlineSeconds is NaN (Number() of an unset variable)', { activeDeadlineSeconds: NaN },
      "[test/nightly] 'activeDeadlineSeconds' must be a whole number of at least 1, got NaN. Allowed: an integer from 1 to 2147483647. Fix: write a whole number such as 1 (NaN often comes from Number() of an unset variable)"],
    ['activeDeadlineSeconds is 0', { activeDeadlineSeconds: 0 },
      "[test/nightly] 'activeDeadlineSeconds' must be a whole number of at least 1, got 0. Allowed: an integer from 1 to 2147483647. Fix: a deadline of 0 fails every run at once"],
    ['ttlSecondsAfterFinished is negative', { ttlSecondsAfterFinished: -1 },
      "[test/nightly] 'ttlSecondsAfterFinished' must be a whole number of at least 0, got -1"],
    ["restartPolicy is 'Always'", { restartPolicy: 'Always' },
      "[test/nightly] 'restartPolicy' is not one of the allowed values, got 'Always'. Allowed: 'Never' (a retry is a new pod) or 'OnFailure' (the container restarts in its pod). Fix: a process that should run forever belongs in a WebApp (a Deployment)"],
    ["podFailurePolicy is used with restartPolicy 'OnFailure'", { restartPolicy: 'OnFailure', podFailurePolicy: { failJobOnExitCodes: [42] } },
      "[test/nightly] 'podFailurePolicy' needs restartPolicy 'Never', got 'OnFailure'"],
    ['podFailurePolicy has exit code 0', { podFailurePolicy: { failJobOnExitCodes: [0] } },
      "[test/nightly] 'podFailurePolicy.failJobOnExitCodes[0]' must hold exit codes from 1 to 255, got 0"],
    ['podFailurePolicy has exit code 256', { podFailurePolicy: { failJobOnExitCodes: [256] } },
      "[test/nightly] 'podFailurePolicy.failJobOnExitCodes[0]' must hold exit codes from 1 to 255, got 256. Allowed: integers from 1 to 255 (0 is success; a process exit code never exceeds 255). "
      + 'Fix: list the exit codes that mean the run cannot succeed, e.g. [2, 3]; a code above 255 reaches the Job as itself modulo 256'],
    ['podFailurePolicy has no rules', { podFailurePolicy: { ignoreDisruptions: false } },
      "[test/nightly] 'podFailurePolicy' has no rules, got {\"ignoreDisruptions\":false}. Allowed: failJobOnExitCodes, ignoreDisruptions or both. Fix: remove podFailurePolicy, or give it failJobOnExitCodes"],
    ['an explicit CronJob name is over 52 characters', { schedule: DAILY, name: `nightly-${'report'.repeat(8)}` },
      "[test/nightly] 'name' must be at most 52 characters for a CronJob (a Kubernetes limit that leaves room for the time suffix of its Jobs' names), but is 56"],
    ['an explicit Indexed CronJob name leaves no room for its pod hostnames', { schedule: DAILY, name: 'a'.repeat(52), completionMode: 'Indexed', completions: 100 },
      "[test/nightly] 'name' must be at most 51 characters for a CronJob: Kubernetes names its Jobs '<name>-<8-digit time>' and its Indexed pods '<job>-99', within 63 characters, but is 52"],
    ['an explicit one-off Job name is over 54 characters', { name: 'a'.repeat(55) },
      "[test/nightly] 'name' must be at most 54 characters for a one-off Job: it is named '<name>-<8-character spec hash>', within 63 characters, but is 55"],
    ['an explicit name is not a DNS label', { name: 'Nightly_Report' },
      "[test/nightly] 'name' is not a valid DNS-1123 label, got 'Nightly_Report'"],
    ['the image is not pinned', { image: 'ghcr.io/acme/report-builder' }, "[test/nightly] 'image'"],
  ])('fails when %s', (_what, props, message) => {
    expect(build(props as Partial<BatchJobProps>)).toThrow(message);
  });

  test('fails when a derived name is not a valid DNS label', () => {
    expect(() => new BatchJob(newChart(), 'Bad_Name', { image: IMAGE })).toThrow(/\[test\/Bad_Name\] 'id' is not a valid DNS-1123 label/);
  });

  test('fails when the same env var is defined twice on a CronJob', () => {
    const b = new BatchJob(newChart(), 'nightly', { image: IMAGE, schedule: DAILY, env: { A: '1' } });
    expect(() => b.addEnv({ A: '2' })).toThrow(/'addEnv' defines the variable 'A' twice/);
  });

  test('fails when a mount names no volume, in the constructor of a CronJob', () => {
    expect(build({ schedule: DAILY, mounts: [{ volume: 'scratch', mountPath: '/scratch' }] })).toThrow(
      /\[test\/nightly\] 'mounts' mounts the volume 'scratch' in container 'main', but the pod has no such volume/,
    );
  });
});

describe('BatchJob connections', () => {
  function withDb() {
    const chart = new TimonelChart(Testing.app(), 'data', { namespace: 'data' });
    const db = new PostgreSQL(chart, 'db', { credentials: StoreCredentials.fromSecret('db-credentials') });
    return { chart, db };
  }

  test('a one-off Job takes its connections as a prop: env, policies and order before hashing', () => {
    const { chart, db } = withDb();
    const job = new BatchJob(chart, 'migrate', { image: 'ghcr.io/acme/migrate:1.0.0', connectTo: [db] });
    const objs = Testing.synth(chart);
    const rendered = objs.find((o: any) => o.kind === 'Job');
    expect(rendered.metadata.name).toBe(`data-migrate-${job.specHash}`);
    expect(rendered.spec.template.spec.containers[0].env.map((e: any) => e.name)).toEqual(['DB_HOST', 'DB_PORT', 'DB_USER', 'DB_PASSWORD']);
    const policies = objs.filter((o: any) => o.kind === 'NetworkPolicy').map((o: any) => o.metadata.name);
    expect(policies).toEqual(expect.arrayContaining(['data-migrate-to-data-db', 'data-db-from-data-migrate']));
  });

  test('fails when connectTo is called on a one-off Job after it is built', () => {
    const { chart, db } = withDb();
    const job = new BatchJob(chart, 'migrate', { image: 'ghcr.io/acme/migrate:1.0.0' });
    expect(() => job.connectTo(db)).toThrow(/\[data\/migrate\] 'connectTo' cannot change a one-off Job after it is built.*Fix: pass the target in the 'connectTo' prop/);
  });

  test('a CronJob can connect after it is built', () => {
    const { chart, db } = withDb();
    const cron = new BatchJob(chart, 'nightly', { image: 'ghcr.io/acme/report:1.0.0', schedule: '@daily' });
    cron.connectTo(db);
    const c = Testing.synth(chart).find((o: any) => o.kind === 'CronJob');
    expect(c.spec.jobTemplate.spec.template.spec.containers[0].env[0]).toEqual({ name: 'DB_HOST', value: 'data-db.data.svc' });
  });
});
