import { ApiObjectMetadata } from 'cdk8s';
import { IConstruct } from 'constructs';
import * as es from '../../imports/external-secrets.io';
import { DEFAULTS } from '../core/defaults';
import { durationProblem, DURATION_FORM } from '../core/duration';
import { NameRule } from '../core/names';
import { nameSpec } from '../core/specs';
import { checkArgs, v } from '../core/validation';

// What every ExternalSecret timonel writes shares (a store's credentials, an app's ExternalSecret):
// the store reference, the refresh interval and their checks, and the object itself.

/** The kinds of secret store an ExternalSecret reads from. */
export type SecretStoreKind = 'SecretStore' | 'ClusterSecretStore';

/** What a refresh interval may be, for "Allowed:". */
export const REFRESH_INTERVAL_ALLOWED = `a Go duration: ${DURATION_FORM}; '0s' reads the values once`;

/** The name of a SecretStore or ClusterSecretStore. */
export const STORE_NAME = nameSpec(NameRule.DNS_1123_SUBDOMAIN);

/** `storeKind`. */
export const STORE_KIND = v.oneOf<SecretStoreKind>(['SecretStore', 'ClusterSecretStore']);

/** A refresh interval as External Secrets Operator reads it: with '1d' it never creates the Secret the pods need. */
export const REFRESH_INTERVAL = v.string({
  nonEmpty: true, allowed: REFRESH_INTERVAL_ALLOWED, samples: ['1h', '15m'],
  check: (s) => durationProblem(s, 'a Go duration, as External Secrets Operator reads it'),
});

/** The key (path) of a secret in the provider, e.g. 'db/prod'. */
export const REMOTE_KEY = v.string({
  nonEmpty: true, allowed: "the secret's key (path) in the provider, e.g. 'shop/db'", samples: ['shop/db'], fix: "name the secret in the provider, e.g. 'shop/db'",
});

/** Where an ExternalSecret reads from. */
export interface SecretStoreRef {
  readonly store: string;
  /** @default DEFAULTS.externalSecret.storeKind */
  readonly storeKind?: SecretStoreKind;
  /** @default DEFAULTS.externalSecret.refreshInterval */
  readonly refreshInterval?: string;
}

/**
 * Checks `store`, `storeKind` and `refreshInterval` of `ref` as the specs above do, reported as
 * `<prefix>.store` etc. of `scope` (for options checked once they are bound to a construct).
 */
export function checkSecretStoreRef(scope: IConstruct, prefix: string, ref: SecretStoreRef): void {
  checkArgs(scope, [
    [v.required(STORE_NAME), ref.store, `${prefix}.store`],
    [STORE_KIND, ref.storeKind, `${prefix}.storeKind`],
    [REFRESH_INTERVAL, ref.refreshInterval, `${prefix}.refreshInterval`],
  ]);
}

/** One key of the target Secret: a remote secret, or one property of it. */
export interface ExternalSecretEntry {
  /** The key in the Secret. */
  readonly secretKey: string;
  readonly remoteKey: string;
  /** @default - the whole remote value */
  readonly property?: string;
}

/** What an ExternalSecret object is made of; the props were checked. */
export interface ExternalSecretSource extends SecretStoreRef {
  readonly metadata: ApiObjectMetadata;
  /** The Secret External Secrets Operator creates (and owns: `creationPolicy: Owner`). */
  readonly targetName: string;
  /** @default - none */
  readonly data?: readonly ExternalSecretEntry[];
  /** Remote secrets whose every property becomes a key. @default - none */
  readonly dataFrom?: readonly string[];
}

/**
 * An external-secrets.io/v1 ExternalSecret `id` under `scope` that makes the Secret `targetName`,
 * owned by it (deleted with it), from the store's remote secrets.
 */
export function renderExternalSecret(scope: IConstruct, id: string, s: ExternalSecretSource): es.ExternalSecret {
  const d = DEFAULTS.externalSecret;
  return new es.ExternalSecret(scope, id, {
    metadata: s.metadata,
    spec: {
      refreshInterval: s.refreshInterval ?? d.refreshInterval,
      secretStoreRef: { name: s.store, kind: (s.storeKind ?? d.storeKind) as es.ExternalSecretSpecSecretStoreRefKind },
      target: { name: s.targetName, creationPolicy: es.ExternalSecretSpecTargetCreationPolicy.OWNER },
      data: s.data?.length ? s.data.map((e) => ({ secretKey: e.secretKey, remoteRef: { key: e.remoteKey, property: e.property } })) : undefined,
      dataFrom: s.dataFrom?.length ? s.dataFrom.map((key) => ({ extract: { key } })) : undefined,
    },
  });
}
