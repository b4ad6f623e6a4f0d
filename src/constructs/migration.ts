import { Construct, IConstruct } from 'constructs';
import { fail } from '../core/errors';
import { BatchJob, BatchJobProps } from './batch-job';

/** Props of a Migration: a one-off BatchJob (no schedule) and the workloads that wait for it. */
export interface MigrationProps extends Omit<BatchJobProps,
'schedule' | 'timeZone' | 'concurrencyPolicy' | 'startingDeadlineSeconds' | 'successfulJobsHistoryLimit' | 'failedJobsHistoryLimit' | 'suspend'> {
  /** The workloads whose new version rolls out only after the migration succeeded (e.g. the API). */
  readonly before: readonly IConstruct[];
  /**
   * How Argo CD runs it: 'sync-wave' (a Job in its own sync wave, after the stores it connects to
   * and before `before`; Argo CD waits for it to complete) or 'pre-sync' (a PreSync hook, deleted
   * before the next run's hook is created; for a database delivered elsewhere, since a PreSync hook
   * runs before anything of the same Application, also on the first install).
   * @default 'sync-wave'
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
    for (let x = c; x; x = x.node.scope) if (MIGRATION in x) return true;
    return false;
  }

  /** Argo CD: 'sync-wave' or 'pre-sync'. */
  public readonly argocd: 'sync-wave' | 'pre-sync';

  constructor(scope: Construct, id: string, props: MigrationProps) {
    super(scope, id, jobProps(props));
    Object.defineProperty(this, MIGRATION, { value: true });
    this.argocd = props.argocd ?? 'sync-wave';
    if (this.argocd !== 'sync-wave' && this.argocd !== 'pre-sync') {
      fail({ scope: this, prop: 'argocd', message: 'is not a way to run a migration', value: this.argocd, allowed: "'sync-wave' or 'pre-sync'" });
    }
    if (!Array.isArray(props.before) || props.before.length === 0) {
      fail({ scope: this, prop: 'before', message: 'must name the workloads that wait for the migration', value: props.before, fix: 'before: [api]' });
    }
    for (const w of props.before) {
      if (!w || typeof (w as IConstruct).node?.addDependency !== 'function') {
        fail({ scope: this, prop: 'before', message: 'must hold constructs (workloads)', value: String(w) });
      }
      w.node.addDependency(this);
    }
  }
}

function jobProps(props: MigrationProps): BatchJobProps {
  const { before: _before, argocd: _argocd, ...job } = props;
  return job;
}
