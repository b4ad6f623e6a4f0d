import { k8s } from 'cdk8s-plus-28';
import { Construct, IConstruct } from 'constructs';
import { DEFAULTS } from '../core/defaults';
import { fail } from '../core/errors';

/**
 * A pause between a pod starting to terminate and its SIGTERM, so that Services, kube-proxy,
 * ingress controllers and load balancers stop sending it new requests before it stops taking
 * them. Kubernetes removes a terminating pod from the endpoints and sends SIGTERM at the same
 * time; without a pause (or a server that keeps serving for a few seconds after SIGTERM), some
 * requests hit a closed port during every rollout. See docs/web-app.md#draining.
 */
export interface DrainOptions {
  /** Seconds before SIGTERM. Must be shorter than `terminationGracePeriodSeconds`, which the pause counts against. */
  readonly delaySeconds: number;
  /**
   * How the pod waits:
   * - 'exec': a preStop hook runs `sleep <delay>` in the main container. The image needs a
   *   `sleep` binary (a shell image: debian, alpine, python, node…); distroless and chiseled
   *   images have none, and the hook then fails at once: no pause.
   * - 'sleep-action': the kubelet waits (the preStop `sleep` action), whatever the image. Needs
   *   Kubernetes 1.30 or later, while timonel's output targets 1.28: the PodLifecycleSleepAction
   *   feature gate is alpha (off by default) in 1.29, beta and on by default from 1.30, GA in 1.34.
   *   A 1.28 API server does not know the field (`kubectl apply` refuses the Deployment: unknown
   *   field "sleep"); a 1.29 one without the gate drops it silently, so the pods get no pause.
   * @default 'exec'
   * @see https://kubernetes.io/docs/concepts/containers/container-lifecycle-hooks/#hook-handler-implementations
   * @see https://kubernetes.io/docs/reference/command-line-tools-reference/feature-gates/ (PodLifecycleSleepAction)
   * @see docs/web-app.md#draining
   */
  readonly using?: 'exec' | 'sleep-action';
}

/** A drain with its defaults applied. */
export interface ResolvedDrain {
  readonly delaySeconds: number;
  readonly using: 'exec' | 'sleep-action';
}

/**
 * The drain of a workload: `undefined` or `false` is none, else the options with defaults, checked
 * against the pod's grace period (a pause as long as the grace period would leave no time to
 * stop, and the kubelet would kill the container mid-request).
 */
export function resolveDrain(scope: IConstruct, drain: DrainOptions | false | undefined, gracePeriodSeconds: number | undefined, prop = 'drain'): ResolvedDrain | undefined {
  if (drain === undefined || drain === false || drain.delaySeconds === 0) return undefined;
  const grace = gracePeriodSeconds ?? DEFAULTS.shutdown.terminationGracePeriodSeconds;
  const delay = drain.delaySeconds;
  if (delay >= grace) {
    fail({
      scope, prop: `${prop}.delaySeconds`,
      message: `is ${delay} s, but the whole stop must fit in terminationGracePeriodSeconds (${grace} s): the pause would leave ${grace === delay ? 'no' : 'less than no'} time to finish requests before the kubelet kills the container`,
      value: delay, allowed: `fewer seconds than terminationGracePeriodSeconds (${grace})`,
      fix: `lower the delay (5 s is usual), or raise terminationGracePeriodSeconds above ${delay} (${delay + DEFAULTS.shutdown.minStopSeconds} leaves the app ${DEFAULTS.shutdown.minStopSeconds} s to stop)`,
    });
  }
  return { delaySeconds: delay, using: drain.using ?? 'exec' };
}

/** The preStop handler of an 'exec' drain (none for 'sleep-action': see `SleepActionDeployment`). */
export function preStopHandler(d: ResolvedDrain): k8s.LifecycleHandler | undefined {
  return d.using === 'exec' ? { exec: { command: ['sleep', String(d.delaySeconds)] } } : undefined;
}

/**
 * A Deployment whose main container gets the kubelet's preStop `sleep` action. The action
 * (Kubernetes ≥ 1.30) is newer than the 1.28 types of cdk8s-plus-28, whose converter drops
 * unknown fields even from JSON patches, so it is added to the rendered JSON here.
 */
export class SleepActionDeployment extends k8s.KubeDeployment {
  constructor(scope: Construct, id: string, props: k8s.KubeDeploymentProps, private readonly sleepSeconds: number) {
    super(scope, id, props);
  }

  public toJson(): any {
    const json = super.toJson();
    const containers = json.spec?.template?.spec?.containers;
    if (Array.isArray(containers) && containers.length) {
      const c = { ...containers[0], lifecycle: { ...containers[0].lifecycle, preStop: { sleep: { seconds: this.sleepSeconds } } } };
      // cdk8s sorts keys; keep the container's keys in the same order.
      containers[0] = Object.fromEntries(Object.keys(c).sort().map((k) => [k, c[k]]));
    }
    return json;
  }
}
