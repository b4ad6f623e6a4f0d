import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import * as es from '../../imports/external-secrets.io';
import { timonelChartOf } from '../core/chart-context';
import { fail } from '../core/errors';
import { standardLabels } from '../core/labels';
import { deriveName, explicitName, NameRule } from '../core/names';
import { ISecretSource } from '../core/secret-source';
import { checkNewChild, checkProps, childPath } from '../core/validation';
import { renderExternalSecret, SecretStoreKind } from '../workload/external-secret';
import { labelName } from '../workload/workload';
import { EXTERNAL_SECRET_PROPS } from './props/external-secret';

/** One key of the Secret, read from the provider. */
export interface ExternalSecretKey {
  /** The secret's key (path) in the provider, e.g. 'mastodon/app'. */
  readonly remoteKey: string;
  /**
   * The property of the remote secret (a field of a JSON secret, a key of a Vault KV secret), e.g. 'secret_key_base'.
   * @default - the whole remote value
   */
  readonly property?: string;
}

/** A remote secret whose every property becomes a key of the Secret (`dataFrom`). */
export interface ExternalSecretExtract {
  /** The secret's key (path) in the provider, e.g. 'mastodon/smtp'. */
  readonly remoteKey: string;
}

/** Props of an ExternalSecret. */
export interface ExternalSecretProps {
  /** The name of the SecretStore (in the chart's namespace) or ClusterSecretStore to read from, e.g. 'vault'. */
  readonly store: string;
  /** @default 'SecretStore' (DEFAULTS.externalSecret.storeKind) */
  readonly storeKind?: SecretStoreKind;
  /**
   * How often External Secrets Operator reads the values again: a Go duration ('15m', '1h', '24h';
   * not '1d'); '0s' reads them once. A new value updates the Secret, but running pods keep the
   * values they started with (docs/web-app.md#app-secrets-from-a-secret-manager).
   * @default '1h' (DEFAULTS.externalSecret.refreshInterval)
   */
  readonly refreshInterval?: string;
  /**
   * The Secret's keys, each read from a remote secret (or one property of it):
   * `{ SECRET_KEY_BASE: { remoteKey: 'mastodon/app', property: 'secret_key_base' } }`. Only these
   * keys may be read with `EnvValue.fromSecret(secret, key)`, unless `dataFrom` is given.
   * @default - none (then `dataFrom` is required)
   */
  readonly data?: Record<string, ExternalSecretKey>;
  /**
   * Remote secrets whose every property becomes a key of the Secret (`dataFrom.extract`): the keys
   * are known only in the cluster, so `EnvValue.fromSecret(secret, key)` accepts any key.
   * @default - none (then `data` is required)
   */
  readonly dataFrom?: ExternalSecretExtract[];
  /**
   * The name of the ExternalSecret and of the Secret it creates. Never shortened: too long is an error.
   * @default - the construct ids from the chart down, joined with '-' (`masto-app-secrets`)
   */
  readonly name?: string;
}

/**
 * A Secret of the app filled by External Secrets Operator from a secret manager (Vault, AWS
 * Secrets Manager, GCP Secret Manager, ...): an external-secrets.io/v1 ExternalSecret whose target
 * Secret has the same name (`secretName`, `<chart>-<id>` by default) and is owned by it
 * (`creationPolicy: Owner`: deleted with it).
 *
 * Workloads of the same namespace read it by the construct: `envFromSecrets: [secret]` or
 * `EnvValue.fromSecret(secret, 'KEY')` (a key that `data` does not declare is an error). They then
 * depend on it, so the ExternalSecret is applied before their pods. Pods do not restart when the
 * values change in the provider: see docs/web-app.md#app-secrets-from-a-secret-manager.
 */
export class ExternalSecret extends Construct implements ISecretSource {
  /** The ExternalSecret object (the primary child, id 'Resource'). */
  public readonly resource: es.ExternalSecret;
  /** The name of the Secret External Secrets Operator creates (and of the ExternalSecret). */
  public readonly secretName: string;
  /** The namespace (the chart's), if any. */
  public readonly namespace?: string;
  /** The keys `data` declares; undefined with `dataFrom`, whose keys are known only in the cluster. */
  public readonly secretKeys?: readonly string[];
  /** The recommended labels of the ExternalSecret. */
  public readonly labels: Record<string, string>;

  constructor(scope: Construct, id: string, props: ExternalSecretProps) {
    super(scope, checkArgs(scope, id, props));
    const { chart, context } = timonelChartOf(this);
    this.secretName = props.name !== undefined
      ? explicitName(this, 'name', props.name, NameRule.DNS_1123_SUBDOMAIN)
      : deriveName(this, { rule: NameRule.DNS_1123_SUBDOMAIN });
    this.namespace = chart.namespace;
    const data = Object.entries(props.data ?? {});
    this.secretKeys = props.dataFrom?.length ? undefined : data.map(([k]) => k);
    const inputs = { name: labelName(this, id), instance: this.secretName, partOf: context.partOf };
    this.labels = standardLabels(inputs);
    this.resource = renderExternalSecret(this, 'Resource', {
      store: props.store, storeKind: props.storeKind, refreshInterval: props.refreshInterval,
      metadata: { name: this.secretName, labels: { ...this.labels } },
      targetName: this.secretName,
      data: data.map(([secretKey, k]) => ({ secretKey, remoteKey: k.remoteKey, property: k.property })),
      dataFrom: props.dataFrom?.map((e) => e.remoteKey),
    });
  }
}

// The scope, id and props, checked before the constructs library adds the construct to the tree.
function checkArgs(scope: Construct, id: string, props: unknown): string {
  checkNewChild(scope, id);
  if (!scope.node.scopes.some((s) => Chart.isChart(s))) {
    fail({
      path: childPath(scope, id), message: `must be created inside a TimonelChart, but its scope ${scope.node.path === '' ? 'is the app' : `'${scope.node.path}' is in no chart`}`,
      allowed: 'a scope inside a TimonelChart', fix: `create it in the chart of the workloads that read it: new ExternalSecret(chart, '${id}', { ... })`,
    });
  }
  checkProps(EXTERNAL_SECRET_PROPS, props, childPath(scope, id));
  return id;
}
