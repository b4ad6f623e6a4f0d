import { k8s } from 'cdk8s-plus-28';
import * as es from '../../../imports/external-secrets.io';
import { configKeyProblem, HELD_KEY_FIX } from '../../core/config-keys';
import { DEFAULTS } from '../../core/defaults';
import { fail } from '../../core/errors';
import { NameRule, validateName } from '../../core/names';
import { checkArgs, checkProps, closest, Spec, v } from '../../core/validation';
import { CredentialKeys, CredentialRole, CredentialsRef } from '../../workload/connections';
import { checkSecretStoreRef, REFRESH_INTERVAL_ALLOWED, REMOTE_KEY, renderExternalSecret, SecretStoreKind } from '../../workload/external-secret';
import { Workload } from '../../workload/workload';

/** Options of `StoreCredentials.fromSecret`. */
export interface SecretCredentialsOptions {
  /**
   * The Secret's keys, by role. A role the store needs that is not named here is read from the key
   * of its own name (`{ keys: { database: 'dbname' } }` still reads 'username' and 'password').
   * @default - each role the store needs under its own name: { username: 'username', password: 'password' }
   */
  readonly keys?: CredentialKeys;
}

/** Options of `StoreCredentials.fromExternalSecret`: an ExternalSecret (external-secrets.io/v1) fills `<name>-credentials`. */
export interface ExternalSecretCredentialsOptions {
  /** The name of the SecretStore or ClusterSecretStore to read from, e.g. 'vault'. */
  readonly store: string;
  /** @default 'SecretStore' */
  readonly storeKind?: SecretStoreKind;
  /** The secret's key (path) in the provider, e.g. 'db/prod'. */
  readonly remoteKey: string;
  /**
   * The remote secret's properties, by role; the Secret gets one key per role, named after the role.
   * Must name every role the store needs.
   * @default - each role the store needs, read from the property of the same name
   */
  readonly properties?: CredentialKeys;
  /**
   * How often the values are read again: a Go duration as External Secrets Operator reads it
   * ('15m', '1h', '24h'; not '1d'); '0s' reads them once.
   * @default '1h'
   */
  readonly refreshInterval?: string;
}

/** Literal credential values, for `StoreCredentials.fromLiteralsINSECURE` only. */
export interface LiteralCredentials {
  readonly username?: string;
  readonly password?: string;
  readonly database?: string;
}

/** The acknowledgement `fromLiteralsINSECURE` demands: the values end up readable in the YAML. */
export interface InsecureLiteralsAcknowledgement {
  readonly iUnderstandLiteralSecretsAreStoredInPlainText: true;
}

/** Credentials once bound to a store: the Secret to reference, and the objects created for it. */
export interface BoundCredentials extends CredentialsRef {
  /** The ExternalSecret that fills the Secret, for `fromExternalSecret`. */
  readonly externalSecret?: es.ExternalSecret;
  /** The Secret with literal values, for `fromLiteralsINSECURE` only. */
  readonly secret?: k8s.KubeSecret;
}

// The factories' arguments, checked at the call for their types (so nothing fails later with a
// TypeError); names, keys and the acknowledgement are checked when a store binds them, naming the store.
const KEYS = v.object<CredentialKeys>()({ username: v.string(), password: v.string(), database: v.string() }, { what: 'credential role' });
const FROM_SECRET_ARGS = v.object<{ secretName: string; options?: SecretCredentialsOptions }>()({
  secretName: v.required(v.string({ nonEmpty: true, allowed: "the name of a Secret in the store's namespace, e.g. 'shop-db-admin'" })),
  options: v.object<SecretCredentialsOptions>()({ keys: KEYS }, { what: 'option' }),
}, { call: () => "StoreCredentials.fromSecret('shop-db-admin') (the name of the Secret; options: { keys: { password: 'password' } } when its keys differ)" });
const EXTERNAL_SECRET_OPTIONS = v.object<ExternalSecretCredentialsOptions>()({
  store: v.required(v.string({ nonEmpty: true, allowed: "the name of a SecretStore, e.g. 'vault'" })),
  storeKind: v.string() as Spec<NonNullable<ExternalSecretCredentialsOptions['storeKind']>>,
  remoteKey: v.required(v.string({ allowed: "the secret's key in the provider, e.g. 'db/prod'" })),
  properties: KEYS,
  refreshInterval: v.string({ nonEmpty: true, allowed: REFRESH_INTERVAL_ALLOWED, samples: ['1h', '15m'] }),
}, { what: 'option' });
const EXTERNAL_SECRET_ARGS = v.object<{ options: ExternalSecretCredentialsOptions }>()({ options: v.required(EXTERNAL_SECRET_OPTIONS) });
const LITERAL_ARGS = v.object<{ values: LiteralCredentials; acknowledgement: InsecureLiteralsAcknowledgement }>()({
  values: v.required(v.object<LiteralCredentials>()({ username: v.string(), password: v.string(), database: v.string() }, { what: 'credential role' })),
  acknowledgement: v.required(v.object<InsecureLiteralsAcknowledgement>()({
    iUnderstandLiteralSecretsAreStoredInPlainText: v.required(v.boolean() as unknown as Spec<true>),
  }, { what: 'field' }), { message: 'is required: literal values are readable by anyone with the YAML', fix: 'use StoreCredentials.fromSecret(...) or fromExternalSecret(...), or pass { iUnderstandLiteralSecretsAreStoredInPlainText: true }' }),
});

/**
 * A store's credentials, always by reference: an existing Secret, or an ExternalSecret that
 * creates one. Literal values need `fromLiteralsINSECURE` and an explicit acknowledgement.
 */
export abstract class StoreCredentials {
  /** An existing Secret in the store's namespace. */
  public static fromSecret(secretName: string, options: SecretCredentialsOptions = {}): StoreCredentials {
    checkProps(FROM_SECRET_ARGS, { secretName, options }, 'StoreCredentials.fromSecret');
    return new ExistingSecretCredentials(secretName, options);
  }

  /** An ExternalSecret (external-secrets.io/v1) that creates the Secret `<name>-credentials` from a secret manager. */
  public static fromExternalSecret(options: ExternalSecretCredentialsOptions): StoreCredentials {
    checkProps(EXTERNAL_SECRET_ARGS, { options }, 'StoreCredentials.fromExternalSecret');
    return new ExternalSecretCredentials(options);
  }

  /**
   * A Secret `<name>-credentials` with these values in `stringData`: anyone who can read the
   * YAML or the repository can read them. For throwaway environments only.
   */
  public static fromLiteralsINSECURE(values: LiteralCredentials, acknowledgement: InsecureLiteralsAcknowledgement): StoreCredentials {
    checkProps(LITERAL_ARGS, { values, acknowledgement }, 'StoreCredentials.fromLiteralsINSECURE');
    return new LiteralCredentialsImpl(values, acknowledgement);
  }

  /** Binds the credentials to `store`, creating any objects they need. `roles` are the ones the store requires. */
  public abstract bind(store: Workload, roles: readonly CredentialRole[]): BoundCredentials;
}

const ROLES: readonly CredentialRole[] = ['username', 'password', 'database'];

function checkKeys(store: Workload, prop: string, keys: CredentialKeys, roles: readonly CredentialRole[]): CredentialKeys {
  for (const role of Object.keys(keys)) {
    if (!ROLES.includes(role as CredentialRole)) {
      fail({ scope: store, prop, message: `has an unknown role '${role}'`, value: keys, allowed: ROLES.map((r) => `'${r}'`).join(', '), fix: closest(role, ROLES) !== undefined ? `write '${closest(role, ROLES)}'` : `map only the roles ${ROLES.join(', ')} to the Secret's keys` });
    }
  }
  for (const role of ROLES) {
    const key = keys[role];
    const invalid = key === undefined ? undefined : configKeyProblem(key, 'is not a valid Secret key', HELD_KEY_FIX);
    if (invalid) fail({ scope: store, prop: `${prop}.${role}`, value: key, ...invalid });
  }
  for (const role of roles) {
    if (keys[role] === undefined) {
      fail({
        scope: store, prop, message: `has no '${role}', which the store needs`, value: keys,
        allowed: `keys for ${roles.map((r) => `'${r}'`).join(', ')}`, fix: `add '${role}: <key>'`,
      });
    }
  }
  return Object.fromEntries(ROLES.filter((r) => keys[r] !== undefined).map((r) => [r, keys[r]]));
}

function defaultKeys(roles: readonly CredentialRole[]): CredentialKeys {
  const names = DEFAULTS.statefulStore.credentials.keys;
  return Object.fromEntries(roles.map((r) => [r, names[r]]));
}

function credentialsSecretName(store: Workload): string {
  return `${store.name}-${DEFAULTS.statefulStore.credentials.secretSuffix}`;
}

class ExistingSecretCredentials extends StoreCredentials {
  constructor(private readonly secretName: string, private readonly options: SecretCredentialsOptions) {
    super();
  }

  public bind(store: Workload, roles: readonly CredentialRole[]): BoundCredentials {
    const secretName = validateName(this.secretName, NameRule.DNS_1123_SUBDOMAIN, { scope: store, prop: 'credentials.secretName' });
    const keys = checkKeys(store, 'credentials.keys', { ...defaultKeys(roles), ...this.options.keys }, roles);
    return { secretName, keys };
  }
}

class ExternalSecretCredentials extends StoreCredentials {
  constructor(private readonly options: ExternalSecretCredentialsOptions) {
    super();
  }

  public bind(store: Workload, roles: readonly CredentialRole[]): BoundCredentials {
    const o = this.options;
    // Checked here, not in the factory, so that the error names the store.
    checkSecretStoreRef(store, 'credentials', o);
    checkArgs(store, [[v.required(REMOTE_KEY), o.remoteKey, 'credentials.remoteKey']]);
    const properties = checkKeys(store, 'credentials.properties', o.properties ?? defaultKeys(roles), roles);
    const secretName = credentialsSecretName(store);
    const present = ROLES.filter((r) => properties[r] !== undefined);
    const externalSecret = renderExternalSecret(store, 'ExternalSecret', {
      store: o.store, storeKind: o.storeKind, refreshInterval: o.refreshInterval,
      metadata: store.metadata(DEFAULTS.statefulStore.credentials.secretSuffix), targetName: secretName,
      data: present.map((role) => ({ secretKey: role, remoteKey: o.remoteKey, property: properties[role] })),
    });
    return { secretName, keys: Object.fromEntries(present.map((r) => [r, r])), externalSecret };
  }
}

class LiteralCredentialsImpl extends StoreCredentials {
  constructor(private readonly values: LiteralCredentials, private readonly ack: InsecureLiteralsAcknowledgement) {
    super();
  }

  public bind(store: Workload, roles: readonly CredentialRole[]): BoundCredentials {
    // Checked at run time too: JavaScript callers and casts get past the type.
    if (this.ack?.iUnderstandLiteralSecretsAreStoredInPlainText !== true) {
      fail({
        scope: store, prop: 'credentials', message: 'holds literal secret values without the acknowledgement', value: this.ack ?? null,
        allowed: '{ iUnderstandLiteralSecretsAreStoredInPlainText: true }',
        fix: 'use StoreCredentials.fromSecret(...) or fromExternalSecret(...); literals are readable by anyone with the YAML',
      });
    }
    for (const role of ROLES) {
      const v = this.values[role];
      if (v !== undefined && (typeof v !== 'string' || v === '')) {
        fail({ scope: store, prop: `credentials.${role}`, message: 'must be a non-empty string', value: typeof v === 'string' ? v : typeof v, allowed: 'a non-empty string', fix: `give the ${role} as a string, or leave it out` });
      }
    }
    const present = ROLES.filter((r) => this.values[r] !== undefined);
    const keys = checkKeys(store, 'credentials', Object.fromEntries(present.map((r) => [r, r])), roles);
    const secretName = credentialsSecretName(store);
    const secret = new k8s.KubeSecret(store, 'Credentials', {
      metadata: store.metadata(DEFAULTS.statefulStore.credentials.secretSuffix),
      type: 'Opaque',
      stringData: Object.fromEntries(present.map((r) => [r, this.values[r]!])),
    });
    return { secretName, keys, secret };
  }
}
