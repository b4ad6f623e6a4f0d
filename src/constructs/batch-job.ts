import { Lazy } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { DEFAULTS } from '../core/defaults';
import { checkConnectable, Connection, ConnectOptions, IConnectable } from '../workload/connections';
import { EnvMap } from '../core/env';
import { appContextOf } from '../core/chart-context';
import { fail } from '../core/errors';
import { NameRule } from '../core/names';
import { cronScheduleText } from '../core/schedule';
import { checksum, Workload, WorkloadNaming, WorkloadProps } from '../workload/workload';
import { checkedCopy, childPath, checkProps, isCheckedCopy } from '../core/validation';
import { BATCH_JOB_PROPS } from './props/batch-job';

/** When the Job's pods are restarted. `Always` is not allowed for Jobs. */
export type BatchJobRestartPolicy = 'Never' | 'OnFailure';

/** What a CronJob does when a run is due while the previous one is still going. */
export type BatchJobConcurrencyPolicy = 'Allow' | 'Forbid' | 'Replace';

/** How completions are counted. */
export type BatchJobCompletionMode = 'NonIndexed' | 'Indexed';

/**
 * A pod failure policy (Kubernetes 1.26+, beta and on by default in 1.28). Needs restartPolicy 'Never'.
 * @see https://kubernetes.io/docs/concepts/workloads/controllers/job/#pod-failure-policy
 */
export interface BatchJobFailurePolicy {
  /**
   * Exit codes of the main container that fail the whole Job at once, without retries
   * (rule `FailJob` on exit codes `In` these values). Use it for "bad input" codes a retry cannot fix.
   * @default - none
   */
  readonly failJobOnExitCodes?: number[];
  /**
   * Do not count pods stopped by a disruption (preemption, eviction, node drain: the
   * `DisruptionTarget` condition) against `backoffLimit` (rule `Ignore`).
   * @default true
   */
  readonly ignoreDisruptions?: boolean;
}

/**
 * Props of a BatchJob. Without `schedule` it is a one-off Job; with `schedule`, a CronJob.
 *
 * Names: a CronJob is named `<name>` (at most 52 characters); a one-off Job is named
 * `<name>-<hash>`, where `<hash>` is the first 8 hex characters of the sha256 of the canonical
 * JSON of its rendered spec without `suspend` and `ttlSecondsAfterFinished`: the pod template
 * (image, command, args, env, volumes, resources, the config checksum, `podLabels`,
 * `podAnnotations`, …) and the run fields (parallelism, completions, completionMode, backoffLimit,
 * activeDeadlineSeconds, podFailurePolicy). A Job's pod template cannot change in place, so such a
 * change gives a new Job (a new run) instead of an apply error. The Job's own labels and
 * annotations are not in it, nor are the chart's `labels` (they are on the Job, not on its pods),
 * `suspend` or the TTL: those change on the same Job, which does not run again. `<name>` is kept short enough that the Job name stays a 63-character label
 * (pods carry it in `job-name`) and, in Indexed mode, `<job name>-<last index>` stays a valid
 * pod hostname. Derived names are shortened to fit; an explicit `name` that does not fit is an error.
 *
 * Since its name is fixed when it is built, a one-off Job cannot change afterwards: `addEnv`
 * fails at once, and a change through `connectTo` or the pod builder fails at synth. JSON patches
 * (the escape hatch) are applied after hashing and are not part of the name.
 */
export interface BatchJobProps extends WorkloadProps {
  /**
   * A cron schedule, which makes this a CronJob: five fields (`'0 2 * * *'`) or a macro (`'@daily'`),
   * checked as the API server checks it.
   * @default - a one-off Job
   * @see https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/#schedule-syntax
   */
  readonly schedule?: string;
  /** The IANA time zone of the schedule (CronJob only). @default 'Etc/UTC' */
  readonly timeZone?: string;
  /** What happens when a run is due while the previous one is still going (CronJob only). @default 'Forbid' */
  readonly concurrencyPolicy?: BatchJobConcurrencyPolicy;
  /** A run that cannot start within this many seconds of its time is skipped (CronJob only; at least 10). @default 300 */
  readonly startingDeadlineSeconds?: number;
  /** Finished successful Jobs kept (CronJob only). @default 3 */
  readonly successfulJobsHistoryLimit?: number;
  /** Failed Jobs kept to inspect (CronJob only). @default 5 */
  readonly failedJobsHistoryLimit?: number;
  /** Suspend the Job (no pods start) or the CronJob (no runs are scheduled). @default false */
  readonly suspend?: boolean;
  /** 'Never' retries in a new pod (the failed one stays to inspect); 'OnFailure' restarts the container in place. @default 'Never' */
  readonly restartPolicy?: BatchJobRestartPolicy;
  /** Retries before the Job is marked failed (Kubernetes' default is 6). @default 2 */
  readonly backoffLimit?: number;
  /** Seconds a run may take in all; then it fails and its pods stop, so a stuck run ends. @default 3600 */
  readonly activeDeadlineSeconds?: number;
  /**
   * Seconds after it finishes that a Job is deleted with its pods. A one-off Job deleted by its TTL
   * is still in the manifests, so the next apply re-creates it and it runs again: in an App
   * delivered by Argo CD or Flux (which re-apply all the time) a one-off Job's TTL is an error.
   * @default - unset: a finished one-off Job stays; a changed spec is a new Job (a new name), and the
   *   old one is pruned by Argo CD, Flux or a kubectl ApplySet, never by plain `kubectl apply`; a
   *   CronJob's history limits remove its Jobs
   */
  readonly ttlSecondsAfterFinished?: number;
  /** Pods running at once. To pause a Job, use `suspend`. @default 1 */
  readonly parallelism?: number;
  /**
   * Successful pods needed to complete. Required in Indexed mode (indexes 0 to completions - 1).
   * A parallelism above it is allowed: Kubernetes never runs more pods than completions remain.
   * @default - unset: the Job is complete once any pod succeeds and the others have ended (a work queue)
   */
  readonly completions?: number;
  /**
   * 'Indexed' gives each pod an index from 0 to completions - 1 (env `JOB_COMPLETION_INDEX`).
   * @default 'NonIndexed'
   * @see https://kubernetes.io/docs/concepts/workloads/controllers/job/#completion-mode
   */
  readonly completionMode?: BatchJobCompletionMode;
  /** Fail fast on given exit codes, and do not count disruptions as failures. @default - none */
  readonly podFailurePolicy?: BatchJobFailurePolicy;
  /**
   * Stores or services this job connects to, as `connectTo` would (env, NetworkPolicies, order).
   * A one-off Job must get its connections here: its name carries a hash of its spec.
   * @default - none
   */
  readonly connectTo?: Array<IConnectable | BatchJobConnection>;
}

/** A connection given in BatchJob props, with options. */
export interface BatchJobConnection {
  readonly target: IConnectable;
  readonly options?: ConnectOptions;
}

/** Kubernetes refuses CronJob names over 52 characters (63 minus the suffix of its Jobs' names). */
const CRONJOB_NAME_MAX = 52;
/** Job names end up in the `job-name` pod label, and Indexed pod hostnames: both 63 characters at most. */
const LABEL_MAX = 63;
/** The CronJob controller names Jobs `<cronjob>-<minutes since 1970>` (8 digits until the year 2160). */
const CRON_JOB_SUFFIX = 9;

/**
 * A run-to-completion workload: a one-off Job, or a CronJob when `schedule` is given. Pods get
 * the same conventions as every workload (restricted security, resources, env, config with
 * checksum, a ServiceAccount without token) and defaults that protect the cluster: no overlapping
 * runs, few retries, a deadline, a little history, and cleanup of finished one-off Jobs.
 */
export class BatchJob extends Workload {
  /** The Job (one-off mode; the primary child, id 'Resource'). */
  public readonly job?: k8s.KubeJob;
  /** The CronJob (scheduled mode; the primary child, id 'Resource'). */
  public readonly cronJob?: k8s.KubeCronJob;
  /** The hash suffix of a one-off Job's name (8 hex characters). */
  public readonly specHash?: string;
  /** The validated schedule, when scheduled. */
  public readonly schedule?: string;
  /** The time zone of the schedule, when scheduled. */
  public readonly timeZone?: string;

  private readonly settings: JobSettings;

  constructor(scope: Construct, id: string, props: BatchJobProps) {
    super(scope, id, isCheckedCopy(props) ? props : checkedCopy(checkProps(BATCH_JOB_PROPS, props, childPath(scope, id))), naming(scope, id, props));
    // The props were checked against BATCH_JOB_PROPS (or a Migration's spec); what is left
    // depends on the app (delivery) or the name.
    const d = DEFAULTS.batchJob;
    const scheduled = props.schedule !== undefined;
    const restartPolicy = props.restartPolicy ?? d.restartPolicy;
    const ttl = props.ttlSecondsAfterFinished;
    if (!scheduled && ttl !== undefined) this.refuseTtlUnderGitOps(ttl);

    this.settings = {
      restartPolicy,
      completionMode: props.completionMode ?? d.completionMode,
      parallelism: props.parallelism ?? d.parallelism,
      completions: props.completions,
      backoffLimit: props.backoffLimit ?? d.backoffLimit,
      activeDeadlineSeconds: props.activeDeadlineSeconds ?? d.activeDeadlineSeconds,
      ttlSecondsAfterFinished: ttl,
      podFailurePolicy: props.podFailurePolicy ? this.failurePolicy(props.podFailurePolicy) : undefined,
    };
    const suspend = props.suspend ?? d.suspend;
    // Connections first: they add env, so they must be in the spec before a one-off Job hashes it.
    this.connectToEach(props.connectTo);

    if (scheduled) {
      const schedule = cronScheduleText(props.schedule!);
      const timeZone = props.timeZone ?? d.timeZone;
      this.schedule = schedule;
      this.timeZone = timeZone;
      this.cronJob = new k8s.KubeCronJob(this, 'Resource', {
        metadata: this.metadata(),
        spec: {
          schedule,
          timeZone,
          concurrencyPolicy: props.concurrencyPolicy ?? d.concurrencyPolicy,
          startingDeadlineSeconds: props.startingDeadlineSeconds ?? d.startingDeadlineSeconds,
          successfulJobsHistoryLimit: props.successfulJobsHistoryLimit ?? d.successfulJobsHistoryLimit,
          failedJobsHistoryLimit: props.failedJobsHistoryLimit ?? d.failedJobsHistoryLimit,
          suspend,
          jobTemplate: {
            // The Jobs it creates: labelled as the chart's objects are.
            metadata: { labels: { ...this.chart.labels, ...this.labels } },
            // Lazy, so addEnv and other pod additions still reach future runs.
            spec: this.renderJobSpec(this.podTemplate({ restartPolicy: this.settings.restartPolicy })),
          },
        },
      });
    } else {
      // The name carries a hash of the spec, so the spec is rendered now; at synth it is rendered
      // again and must hash the same, so a later change to the pod cannot go out under a stale name.
      this.specHash = hashOf(this.renderJobSpec(this.renderTemplate(), suspend));
      this.pod.seal("pass every variable, volume, annotation and permission when creating the BatchJob: a one-off Job's name carries a hash of its spec");
      this.job = new k8s.KubeJob(this, 'Resource', {
        metadata: this.metadata(this.specHash),
        spec: Lazy.any({ produce: () => this.frozenJobSpec(suspend) }),
      });
    }
  }

  /**
   * Adds environment variables to the main container (CronJobs only). A one-off Job's name
   * carries a hash of its spec, fixed when it is built: pass its variables in `env`.
   */
  public addEnv(env: EnvMap): this {
    if (this.job) {
      fail({
        scope: this, prop: 'addEnv', message: "cannot change a one-off Job after it is built: its name carries a hash of its spec",
        value: env !== null && typeof env === 'object' ? Object.keys(env) : env, allowed: "addEnv on a scheduled BatchJob; a one-off Job's variables in 'env'", fix: "pass the variables in 'env' when creating the BatchJob",
      });
    }
    return super.addEnv(env);
  }

  /**
   * Connects to a store or service (see `Workload.connectTo`). A one-off Job's name carries a
   * hash of its spec, fixed when it is built: give it its connections in the `connectTo` prop.
   */
  public connectTo(target: IConnectable, options: ConnectOptions = {}): Connection {
    checkConnectable(this, target, 'connectTo');
    if (this.job) {
      fail({
        scope: this, prop: 'connectTo', message: "cannot change a one-off Job after it is built: its name carries a hash of its spec",
        value: target.node.path, allowed: "connectTo on a scheduled BatchJob; a one-off Job's connections in the 'connectTo' prop", fix: "pass the target in the 'connectTo' prop when creating the BatchJob",
      });
    }
    return super.connectTo(target, options);
  }

  private renderPodSpec(): k8s.PodSpec {
    return this.pod.renderSpec({ serviceAccountName: this.serviceAccount.name, main: {}, restartPolicy: this.settings.restartPolicy });
  }

  private renderTemplate(): k8s.PodTemplateSpec {
    // The chart's labels stay on the Job: on the pods they would be in the hash, and a team label would run it again.
    return { metadata: { labels: this.pod.renderLabels(this.labels, { chartLabels: false }), annotations: this.pod.renderAnnotations() }, spec: this.renderPodSpec() };
  }

  private renderJobSpec(template: k8s.PodTemplateSpec, suspend?: boolean): k8s.JobSpec {
    const s = this.settings;
    return {
      parallelism: s.parallelism,
      completions: s.completions,
      completionMode: s.completionMode,
      backoffLimit: s.backoffLimit,
      activeDeadlineSeconds: s.activeDeadlineSeconds,
      ttlSecondsAfterFinished: s.ttlSecondsAfterFinished,
      suspend,
      podFailurePolicy: s.podFailurePolicy,
      template,
    };
  }

  private frozenJobSpec(suspend: boolean): k8s.JobSpec {
    const spec = this.renderJobSpec(this.renderTemplate(), suspend);
    const now = hashOf(spec);
    if (now !== this.specHash) {
      fail({
        scope: this, message: `changed after it was built (by addEnv, connectTo or its pod builder): its spec now hashes to '${now}', but its name ends in '${this.specHash}'`,
        fix: "give a one-off Job its env, volumes and mounts in its props; for a connection, set the env in 'env' and call 'target.allowFrom(job)' for the network policies",
      });
    }
    return spec;
  }

  private failurePolicy(p: BatchJobFailurePolicy): k8s.PodFailurePolicy {
    const rules: k8s.PodFailurePolicyRule[] = [];
    const codes = p.failJobOnExitCodes ?? [];
    if (codes.length) {
      rules.push({
        action: 'FailJob',
        // Kubernetes wants the values unique and ascending.
        onExitCodes: { containerName: this.mainContainerName(), operator: 'In', values: [...new Set(codes)].sort((a, b) => a - b) },
        // Required by the 1.28 schema; empty means "no condition".
        onPodConditions: [],
      });
    }
    if (p.ignoreDisruptions ?? true) {
      rules.push({ action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] });
    }
    return { rules };
  }

  private mainContainerName(): string {
    return this.pod.containerNames.main;
  }

  /**
   * Argo CD and Flux re-create a deleted object that is still in the manifests: a one-off Job
   * deleted by its TTL would run again after every TTL.
   */
  private refuseTtlUnderGitOps(ttl: number): void {
    const delivery = appContextOf(this).delivery;
    if (delivery !== 'argocd' && delivery !== 'flux') return;
    const tool = delivery === 'argocd' ? 'Argo CD' : 'Flux';
    fail({
      scope: this, prop: 'ttlSecondsAfterFinished',
      message: `deletes the finished Job, but the app is delivered by ${tool}, which re-creates a deleted Job that is still in the manifests, so it would run again after every TTL`,
      value: ttl, allowed: `no TTL on a one-off Job delivered by ${tool} (a CronJob's Jobs may have one); a TTL with delivery 'kubectl'`,
      fix: `remove ttlSecondsAfterFinished: the finished Job stays until its spec changes (a new name, a new run) and ${tool} prunes the old one; `
        + `to remove it sooner, remove the BatchJob from the code and let ${tool} prune it`,
    });
  }
}

interface JobSettings {
  readonly restartPolicy: BatchJobRestartPolicy;
  readonly completionMode: BatchJobCompletionMode;
  readonly parallelism: number;
  readonly completions?: number;
  readonly backoffLimit: number;
  readonly activeDeadlineSeconds: number;
  readonly ttlSecondsAfterFinished?: number;
  readonly podFailurePolicy?: k8s.PodFailurePolicy;
}

/**
 * The name rule of a BatchJob: a DNS-1123 label short enough for the suffixes Kubernetes
 * (CronJob runs, Indexed pod hostnames) and timonel (the spec hash) append. Runs before the
 * Workload base names the construct, so an explicit name gets an error that says why.
 */
function naming(scope: Construct, id: string, props: BatchJobProps): WorkloadNaming {
  const c = props.completions;
  const lastIndex = props.completionMode === 'Indexed' && Number.isInteger(c) && c! >= 1 ? c! - 1 : undefined;
  const indexSuffix = lastIndex === undefined ? 0 : `-${lastIndex}`.length;
  const hashSuffix = 1 + DEFAULTS.names.hashLength;
  const scheduled = props.schedule !== undefined;
  const maxLength = scheduled
    ? Math.min(CRONJOB_NAME_MAX, LABEL_MAX - CRON_JOB_SUFFIX - indexSuffix)
    : LABEL_MAX - hashSuffix - indexSuffix;
  if (props.name !== undefined && props.name.length > maxLength) {
    const pods = lastIndex === undefined ? '' : ` and its Indexed pods '<job>-${lastIndex}'`;
    const why = scheduled
      ? maxLength === CRONJOB_NAME_MAX
        ? "for a CronJob (a Kubernetes limit that leaves room for the time suffix of its Jobs' names)"
        : `for a CronJob: Kubernetes names its Jobs '<name>-<8-digit time>'${pods}, within ${LABEL_MAX} characters`
      : `for a one-off Job: it is named '<name>-<${DEFAULTS.names.hashLength}-character spec hash>'${pods}, within ${LABEL_MAX} characters`;
    fail({
      path: [scope.node.path, id].filter((p) => p !== '').join('/'),
      prop: 'name', message: `must be at most ${maxLength} characters ${why}, but is ${props.name.length}`, value: props.name,
      allowed: `lowercase letters, digits and '-', at most ${maxLength} characters`,
      fix: 'choose a shorter name (explicit names are never shortened)',
    });
  }
  return { rule: NameRule.DNS_1123_LABEL, maxLength };
}

/**
 * The name suffix of a one-off Job: 8 hex of the sha256 of its spec's canonical JSON, without
 * `suspend` and `ttlSecondsAfterFinished`, which Kubernetes lets change on the same Job and which
 * do not change its run. The pod template is all in: Kubernetes refuses any change to it (labels
 * and annotations included), so whatever is on it must give a new name.
 */
function hashOf(spec: k8s.JobSpec): string {
  const { suspend: _suspend, ttlSecondsAfterFinished: _ttl, ...run } = k8s.toJson_JobSpec(spec) as Record<string, unknown>;
  return checksum(run).slice(0, DEFAULTS.names.hashLength);
}
