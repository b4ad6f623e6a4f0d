import { IConstruct } from 'constructs';
import { nearestChart } from './chart-context';
import { addDependency } from './dependencies';
import { fail, isConstruct } from './errors';
import { checkSameApp } from './same-app';

/**
 * A Secret that a construct of the app creates (an `ExternalSecret`'s target), for workloads to
 * read by the construct instead of by name (`envFromSecrets`, `EnvValue.fromSecret`): the workload
 * then depends on it (its objects are applied first), and a key it does not have is an error.
 */
export interface ISecretSource extends IConstruct {
  /** The name of the Secret the construct creates. */
  readonly secretName: string;
  /** The Secret's namespace (its chart's). @default - the namespace kubectl applies to */
  readonly namespace?: string;
  /** The keys the Secret will hold; undefined when they are only known in the cluster (any key is accepted). */
  readonly secretKeys?: readonly string[];
}

/** True for a construct that defines a Secret (`secretName`), duck-typed as `isConnectable` is. */
export function isSecretSource(x: unknown): x is ISecretSource {
  return isConstruct(x) && typeof (x as Partial<ISecretSource>).secretName === 'string';
}

/** The name of a Secret given by name or by its construct. */
export function secretNameOf(secret: string | ISecretSource): string {
  return typeof secret === 'string' ? secret : secret.secretName;
}

/**
 * Records that `consumer` (a workload) reads the Secret of `source`, given as `prop`: `consumer`
 * depends on `source`, whose objects are then applied first (within the chart, and across charts).
 * Fails as `checkSecretNamespace` does.
 */
export function useSecretSource(consumer: IConstruct, source: ISecretSource, prop: string): void {
  checkSecretNamespace(consumer, source, prop);
  addDependency(consumer, source, { scope: consumer, prop });
}

/**
 * Fails unless `source` belongs to the App of `consumer` (which orders the workload after it) and
 * its Secret is in the namespace of `consumer`'s pods: a pod reads Secrets of its own namespace only.
 */
export function checkSecretNamespace(consumer: IConstruct, source: ISecretSource, prop: string): void {
  checkSameApp(consumer, prop, source, () => `create both in one App; for a Secret another App delivers, name it instead of passing its ExternalSecret: '${source.secretName}' (then nothing waits for it)`);
  const from = nearestChart(consumer)?.namespace;
  const to = source.namespace;
  if (from !== to) {
    const ns = (n: string | undefined) => (n === undefined ? '(none)' : `'${n}'`);
    fail({
      scope: consumer, prop,
      message: `reads the Secret '${source.secretName}' of '${source.node.path}' in namespace ${ns(to)}, but its pods run in namespace ${ns(from)}: a pod reads Secrets of its own namespace only`,
      value: source.node.path, allowed: "a Secret of the workload's own namespace",
      fix: `declare an ExternalSecret in a chart of namespace ${ns(from)} (e.g. the chart '${nearestChart(consumer)?.node.path ?? ''}' of the workload), reading the same remote keys, and pass that one`,
    });
  }
}
