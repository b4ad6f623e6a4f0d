import { ApiObject, Chart } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { addDependency, contains, dependencyChain, dependencyOrigin, describeEdges, formatCycle, podObjectIn } from '../core/dependencies';
import { DEFAULTS } from '../core/defaults';
import { fail } from '../core/errors';
import { checkSameApp } from '../core/same-app';
import { checkedCopy, childPath, checkProps } from '../core/validation';
import { connectionsOf } from '../workload/connections';
import { BatchJob, BatchJobProps } from './batch-job';
import { StatefulStore } from './stateful-store/store';
import { MIGRATION_PROPS } from './props/migration';

/**
 * Props of a Migration: a one-off BatchJob (no schedule, no CronJob props, no `suspend`, no TTL)
 * and the workloads that wait for it.
 */
export interface MigrationProps extends Omit<BatchJobProps,
'schedule' | 'timeZone' | 'concurrencyPolicy' | 'startingDeadlineSeconds' | 'successfulJobsHistoryLimit' | 'failedJobsHistoryLimit' | 'suspend'
| 'ttlSecondsAfterFinished'> {
  /**
   * The workloads whose new version rolls out only after the migration succeeded (e.g. the API):
   * workloads that run pods (a WebApp, Worker, StatefulStore, NodeAgent, BatchJob, or a cdk8s
   * Deployment, StatefulSet, DaemonSet, Job, CronJob or Pod), or constructs that contain some, of
   * the same App. Not what the migration connects to (it runs after those), nor the chart or app holding it.
   */
  readonly before: readonly IConstruct[];
  /**
   * How Argo CD runs it: 'sync-wave' (a Job in its own sync wave, after the stores it connects to
   * and before `before`; Argo CD waits for it to complete) or 'pre-sync' (a PreSync hook, deleted
   * before the next run's hook is created; for a database delivered elsewhere, since a PreSync hook
   * runs before anything of the same Application, also on the first install). Under `delivery:
   * 'argocd'`, 'pre-sync' with a `connectTo` or `node.addDependency` on anything of the same app is
   * an error at synth: the app is one Application, so the hook would run before that exists.
   * @default 'sync-wave' (DEFAULTS.migration.argocd)
   */
  readonly argocd?: 'sync-wave' | 'pre-sync';
}

// Symbol.for: a second copy of timonel in the same process still recognizes a migration.
const MIGRATION = Symbol.for('timonel.Migration');

/**
 * A database (or any) migration that runs before the new version of the workloads in `before`
 * rolls out: a one-off Job named by a hash of its spec and kept after it finished, so it runs
 * once per change of its spec — not again after drift, a re-sync or a TTL. With `connectTo` it
 * gets the env and NetworkPolicies of any workload and comes after the stores it connects to.
 * How "before" is delivered: see docs/delivery.md (kubectl stages, Argo CD sync wave or PreSync
 * hook, a Flux Kustomization of its own).
 */
export class Migration extends BatchJob {
  /** Whether `c` is a Migration (or the Job of one). */
  public static isMigration(c: IConstruct | undefined): boolean {
    for (let x = c; x !== null && typeof x === 'object'; x = x.node?.scope) if (MIGRATION in x) return true;
    return false;
  }

  /** Argo CD: 'sync-wave' or 'pre-sync'. */
  public readonly argocd: 'sync-wave' | 'pre-sync';
  /** The workloads that roll out only after the migration succeeded (the `before` prop). */
  public readonly before: readonly IConstruct[];

  constructor(scope: Construct, id: string, props: MigrationProps) {
    const checked = checkProps(MIGRATION_PROPS, props, childPath(scope, id));
    super(scope, id, checkedCopy(jobProps(checked)));
    Object.defineProperty(this, MIGRATION, { value: true });
    this.argocd = checked.argocd ?? DEFAULTS.migration.argocd;
    this.before = [...checked.before];
    checked.before.forEach((w, i) => this.addBefore(w, `before[${i}]`));
  }

  /**
   * The objects the Job needs to start and to reach its targets: its own objects (ServiceAccount,
   * ConfigMap, RBAC, NetworkPolicies) and the ingress policies of its targets that admit it
   * (`<target>-from-<migration>`). With `argocd: 'pre-sync'` they are PreSync hooks before the Job.
   */
  public jobPrerequisites(): ApiObject[] {
    const own = this.node.findAll().filter((c): c is ApiObject => ApiObject.isApiObject(c) && c !== this.job);
    const admitting = connectionsOf(this).map((c) => c.ingressPolicy).filter((p) => !contains(this, p));
    return [...own, ...admitting];
  }

  /** Makes `w` wait for the migration, unless it cannot: not a workload, or a cycle. */
  private addBefore(w: IConstruct, prop: string): void {
    const path = (c: IConstruct) => c.node.path || 'the app';
    const examples = () => this.exampleBefore(w);
    checkSameApp(this, prop, w, () => `create the Migration in the App of the workloads that wait for it (an App orders only what it writes), or list workloads of this App: before: [${examples()}]`);
    if (contains(w, this)) {
      const what = w.node.scope === undefined ? 'app' : Chart.isChart(w) ? 'chart' : 'construct';
      fail({
        scope: this, prop,
        message: `would make a dependency cycle: ${path(w)} => ${this.node.path} => ${path(w)}: the ${what} holds this Migration, which would wait for itself`,
        value: path(w), allowed: 'workloads that do not hold the Migration',
        fix: `list the workloads, not the ${what}${what === 'construct' ? ' that holds the Migration' : ''}: before: [${examples()}]`,
      });
    }
    if (!podObjectIn(w)) {
      const owner = owningWorkload(w);
      fail({
        scope: this, prop,
        message: `${ApiObject.isApiObject(w) ? `is a ${w.kind}, which runs no pods` : 'runs no pods and holds no workload'}, so nothing would wait for the migration`,
        value: w.node.path,
        allowed: 'a workload that runs pods (a WebApp, Worker, StatefulStore, NodeAgent, BatchJob, or a cdk8s Deployment, StatefulSet, DaemonSet, Job, CronJob or Pod), or a construct that contains one',
        fix: owner
          ? `'${w.node.path}' belongs to the workload '${owner.node.path}': write before: [${owner.node.id}]`
          : `list the workloads that need the migrated schema, e.g. before: [${examples()}]; a construct that groups workloads works once they are created in it, before the Migration`,
      });
    }
    const chain = dependencyChain(this, w);
    if (chain) {
      const connects = chain.length === 1 && dependencyOrigin(chain[0].via ?? chain[0])?.prop === 'connectTo' && dependencyOrigin(chain[0].via ?? chain[0])?.scope === this;
      fail({
        scope: this, prop,
        message: `would make a dependency cycle: ${formatCycle([{ source: w, target: this }, ...chain])}`,
        value: w.node.path, allowed: 'workloads the Migration does not depend on',
        fix: connects
          ? `a Migration runs after what it connects to; list in before only the workloads that need the migrated schema, e.g. before: [${examples()}]`
          : `the Migration already comes after '${w.node.path}' (${describeEdges(chain)}); list in before only the workloads that need the migrated schema`,
      });
    }
    addDependency(w, this, { scope: this, prop });
  }

  // Ids of workloads that could wait for the migration: in the chart, not the migration's own, not what it depends on,
  // not a store (a database or cache serves the schema, it does not read it: waiting would only delay it).
  private exampleBefore(given: IConstruct): string {
    const chart = Chart.of(this);
    const within = given.node.scope !== undefined && contains(given, this) && !Chart.isChart(given) ? given : chart;
    const ids: string[] = [];
    for (const c of within.node.findAll()) {
      if (ids.length === 3) break;
      if (!ApiObject.isApiObject(c) || !podObjectIn(c) || contains(this, c)) continue;
      const owner = c.node.id === 'Resource' && c.node.scope ? c.node.scope : c;
      if (Chart.isChart(owner) || owner instanceof StatefulStore || dependencyChain(this, owner) !== undefined) continue;
      if (!ids.includes(owner.node.id)) ids.push(owner.node.id);
    }
    return ids.length ? ids.join(', ') : 'api';
  }
}

/** The workload that `c` (a Service, a policy, …) is part of, below its chart. */
function owningWorkload(c: IConstruct): IConstruct | undefined {
  for (let x = c.node.scope; x && !Chart.isChart(x); x = x.node.scope) if (podObjectIn(x)) return x;
  return undefined;
}

function jobProps(props: MigrationProps): BatchJobProps {
  const { before: _before, argocd: _argocd, ...job } = props;
  return job;
}
