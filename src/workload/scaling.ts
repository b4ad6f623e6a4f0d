import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { DEFAULTS } from '../core/defaults';
import { fail } from '../core/errors';
import { validateWholeNumber } from '../core/numbers';
import { isZeroIntOrPercent, percentFix } from '../core/specs';
import { intOrString } from '../core/probes';

/** Horizontal pod autoscaling (autoscaling/v2) on CPU and/or memory utilization. */
export interface AutoscalingOptions {
  /** @default 2 */
  readonly minReplicas?: number;
  /** @default 10 (or minReplicas, when higher) */
  readonly maxReplicas?: number;
  /** Target average CPU utilization, in percent of requests (1–100). @default 70 unless memory is set */
  readonly cpuUtilization?: number;
  /** Target average memory utilization, in percent of requests (1–100). @default - none */
  readonly memoryUtilization?: number;
}

/** Autoscaling with its defaults resolved and checked. */
export interface ResolvedAutoscaling {
  readonly minReplicas: number;
  readonly maxReplicas: number;
  readonly cpuUtilization?: number;
  readonly memoryUtilization?: number;
}

/** Rolling update settings of a Deployment. */
export interface DeploymentRolloutOptions {
  /** @default 0 */
  readonly maxUnavailable?: number | string;
  /** @default '25%' */
  readonly maxSurge?: number | string;
  /** Old ReplicaSets kept for rollbacks. @default 5 */
  readonly revisionHistoryLimit?: number;
  /** @default 5 */
  readonly minReadySeconds?: number;
  /** A rollout that makes no progress for this long is marked failed. @default 600 */
  readonly progressDeadlineSeconds?: number;
}

/** Resolves and checks autoscaling options; `prop` is the prop they came from (e.g. 'autoscaling'). */
export function resolveAutoscaling(scope: Construct, a: AutoscalingOptions, prop = 'autoscaling'): ResolvedAutoscaling {
  const d = DEFAULTS.autoscaling;
  const min = a.minReplicas ?? d.minReplicas;
  const max = a.maxReplicas ?? Math.max(d.maxReplicas, min);
  if (!Number.isInteger(min) || min < 1) {
    fail({ scope, prop: `${prop}.minReplicas`, message: 'must be at least 1', value: min, allowed: 'an integer of at least 1', fix: 'scale to zero is not supported by the HPA; use replicas: 0 without autoscaling' });
  }
  if (!Number.isInteger(max) || max < min) {
    fail({ scope, prop: `${prop}.maxReplicas`, message: `must be a whole number ≥ minReplicas (${min})`, value: max, allowed: `${min} or more (minReplicas)`, fix: 'raise maxReplicas or lower minReplicas' });
  }
  for (const k of ['cpuUtilization', 'memoryUtilization'] as const) {
    const v = a[k];
    if (v !== undefined && (!Number.isInteger(v) || v < 1 || v > 100)) {
      fail({ scope, prop: `${prop}.${k}`, message: 'must be a percentage of the requests', value: v, allowed: 'an integer from 1 to 100', fix: percentFix(v) ?? 'write a whole number from 1 to 100, e.g. 70' });
    }
  }
  const cpu = a.cpuUtilization ?? (a.memoryUtilization === undefined ? d.cpuUtilization : undefined);
  return { minReplicas: min, maxReplicas: max, cpuUtilization: cpu, memoryUtilization: a.memoryUtilization };
}

/** A HorizontalPodAutoscaler (id 'Autoscaler') scaling `target` on the resolved metrics. */
export function addAutoscaler(
  scope: Construct, metadata: k8s.ObjectMeta, target: { apiVersion: string; kind: string; name: string }, a: ResolvedAutoscaling,
): k8s.KubeHorizontalPodAutoscalerV2 {
  const metric = (name: string, averageUtilization: number): k8s.MetricSpecV2 => ({
    type: 'Resource', resource: { name, target: { type: 'Utilization', averageUtilization } },
  });
  const metrics: k8s.MetricSpecV2[] = [];
  if (a.cpuUtilization !== undefined) metrics.push(metric('cpu', a.cpuUtilization));
  if (a.memoryUtilization !== undefined) metrics.push(metric('memory', a.memoryUtilization));
  return new k8s.KubeHorizontalPodAutoscalerV2(scope, 'Autoscaler', {
    metadata,
    spec: { scaleTargetRef: target, minReplicas: a.minReplicas, maxReplicas: a.maxReplicas, metrics },
  });
}

/**
 * A PodDisruptionBudget (id 'DisruptionBudget') allowing `maxUnavailable` pods of `selector` down at
 * once; pods that are not Ready can always be evicted (DEFAULTS.disruptionBudget).
 */
export function addDisruptionBudget(scope: Construct, metadata: k8s.ObjectMeta, selector: Record<string, string>, maxUnavailable = 1): k8s.KubePodDisruptionBudget {
  return new k8s.KubePodDisruptionBudget(scope, 'DisruptionBudget', {
    metadata,
    spec: {
      maxUnavailable: intOrString(maxUnavailable),
      selector: { matchLabels: { ...selector } },
      unhealthyPodEvictionPolicy: DEFAULTS.disruptionBudget.unhealthyPodEvictionPolicy,
    },
  });
}

/** Why a requested budget is refused: what the error says, allows and advises. */
export interface BudgetProblem {
  readonly message: string;
  readonly allowed: string;
  readonly fix: string;
}

/**
 * The problem of `disruptionBudget: true` over fewer than 2 pods (undefined from 2 on): a budget of
 * maxUnavailable 1 lets every drain evict a single pod, so it would protect nothing. `scaling` says
 * how the workload runs more pods (`replicas: 2`, `autoscaling: { minReplicas: 2, … }`), or, for a
 * store that runs one pod at most, why it cannot.
 */
export function uselessBudget(
  pods: number, scaling: { readonly autoscaled?: boolean } | { readonly onePodOnly: string } = {},
): BudgetProblem | undefined {
  if (pods >= 2) return undefined;
  const autoscaled = 'autoscaled' in scaling && scaling.autoscaled === true;
  const count = autoscaled ? `autoscaling.minReplicas ${pods}` : `${pods} replica${pods === 1 ? '' : 's'}`;
  const why = pods === 0 ? 'there are no pods' : 'a budget of maxUnavailable 1 lets a node drain evict the only pod';
  const message = `is requested with ${count}: ${why}, so it would protect nothing`;
  if ('onePodOnly' in scaling) {
    return { message, allowed: `no disruptionBudget (${scaling.onePodOnly})`, fix: "remove 'disruptionBudget': a single pod is down while a drain moves it, whatever the budget" };
  }
  const prop = autoscaled ? 'autoscaling.minReplicas' : 'replicas';
  return {
    message, allowed: `true with ${prop} ≥ 2 (the default already adds the budget there)`,
    fix: `run 2 or more: ${autoscaled ? 'autoscaling: { minReplicas: 2, … }' : 'replicas: 2'}; or remove 'disruptionBudget' (a single pod is down while it is moved)`,
  };
}

/**
 * The PodDisruptionBudget of a Deployment-backed workload: from 2 replicas on (the least of an
 * autoscaler's range), unless `requested` is false. An explicit `true` with fewer replicas is an
 * error (`uselessBudget`).
 */
export function deploymentDisruptionBudget(
  scope: Construct, requested: boolean | undefined, minReplicas: number, autoscaled: boolean, metadata: k8s.ObjectMeta, selector: Record<string, string>,
): k8s.KubePodDisruptionBudget | undefined {
  const problem = requested === true ? uselessBudget(minReplicas, { autoscaled }) : undefined;
  if (problem) fail({ scope, prop: 'disruptionBudget', value: true, ...problem });
  return (requested ?? true) && minReplicas >= 2 ? addDisruptionBudget(scope, metadata, selector) : undefined;
}

/** Topology spread (ScheduleAnyway) over `topologyKeys`: zones and hosts unless told, as DEFAULTS.spread says. */
export function spreadConstraints(
  selector: Record<string, string>, topologyKeys: readonly string[] = [DEFAULTS.spread.zoneKey, DEFAULTS.spread.hostKey],
): k8s.TopologySpreadConstraint[] {
  const s = DEFAULTS.spread;
  return topologyKeys.map((topologyKey) => ({
    maxSkew: s.maxSkew,
    topologyKey,
    whenUnsatisfiable: s.whenUnsatisfiable,
    labelSelector: { matchLabels: { ...selector } },
  }));
}

/**
 * The Deployment strategy and history fields for rollout options, with DEFAULTS.rollout, checked:
 * counts are whole numbers, surge and unavailability are counts or percentages, not both zero.
 */
export function deploymentRollout(
  scope: Construct, r: DeploymentRolloutOptions = {}, prop = 'rollout',
): Pick<k8s.DeploymentSpec, 'revisionHistoryLimit' | 'minReadySeconds' | 'progressDeadlineSeconds' | 'strategy'> {
  const v = { ...DEFAULTS.rollout, ...stripUndefined(r) };
  for (const k of ['revisionHistoryLimit', 'minReadySeconds'] as const) validateWholeNumber(v[k], { scope, prop: `${prop}.${k}` });
  validateWholeNumber(v.progressDeadlineSeconds, { scope, prop: `${prop}.progressDeadlineSeconds`, min: 1 });
  for (const k of ['maxUnavailable', 'maxSurge'] as const) {
    const x = v[k];
    const ok = typeof x === 'number' ? Number.isInteger(x) && x >= 0 : typeof x === 'string' && /^(100|[1-9]?[0-9])%$/.test(x);
    if (!ok) fail({ scope, prop: `${prop}.${k}`, message: 'must be a pod count or a percentage', value: x, allowed: "a whole number of at least 0, or a percentage such as '25%'", fix: "write a count such as 1, or a percentage such as '25%'" });
  }
  if (isZeroIntOrPercent(v.maxUnavailable) && isZeroIntOrPercent(v.maxSurge)) {
    fail({
      scope, prop: `${prop}.maxSurge`, message: 'and maxUnavailable cannot both be 0: the rollout could never replace a pod', value: v.maxSurge,
      allowed: 'maxSurge or maxUnavailable above 0', fix: "allow a surge (e.g. maxSurge: '25%') or one unavailable pod (maxUnavailable: 1)",
    });
  }
  return {
    revisionHistoryLimit: v.revisionHistoryLimit,
    minReadySeconds: v.minReadySeconds,
    progressDeadlineSeconds: v.progressDeadlineSeconds,
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: intOrString(v.maxUnavailable), maxSurge: intOrString(v.maxSurge) } },
  };
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
