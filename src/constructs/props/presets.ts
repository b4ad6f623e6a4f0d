import { DEFAULTS } from '../../core/defaults';
import { imageRef, portNumber } from '../../core/specs';
import { v } from '../../core/validation';
import type { PostgreSQLProps } from '../presets/postgres';
import type { RedisProps } from '../presets/redis';
import { checkStore, CREDENTIALS, PRESET_STORAGE, STORE_FIELDS } from './stateful-store';

// Presets take the store's fields but their own image, port, storage, credentials and replicas.
const { image: _i, port: _p, storage: _s, credentials: _c, credentialRoles: _r, replicas: _n, ...shared } = STORE_FIELDS;
const preset = {
  ...shared,
  image: imageRef,
  port: portNumber,
  storage: PRESET_STORAGE,
};

function presetFields(missingCredentials: string, credentialsFix: string, server: string, replicationFix: string) {
  return {
    ...preset,
    credentials: v.required(CREDENTIALS, { message: `is required: ${missingCredentials}`, fix: credentialsFix }),
    replicas: v.int({
      min: 0, max: 1, allowed: '0 (stopped) or 1',
      message: `must be 0 or 1: a second pod would be another ${server} with its own data behind the same Service (not a replica), so clients would see different data`,
      fix: `use 1 (0 stops it); ${replicationFix}`,
    }),
  };
}

/** The spec of PostgreSQLProps. */
export const POSTGRES_PROPS = v.object<PostgreSQLProps>()(presetFields(
  'the image does not start without a password', "pass 'credentials: StoreCredentials.fromSecret(...)' or 'StoreCredentials.fromExternalSecret(...)'",
  'PostgreSQL server', 'for replication or failover use a PostgreSQL operator such as CloudNativePG',
), {
  check: (p, r) => checkStore({ ...p, image: p.image ?? DEFAULTS.postgres.image }, DEFAULTS.postgres, r, new Map([
    [DEFAULTS.postgres.mountPath, 'the data volume'], [DEFAULTS.postgres.socketPath, 'the socket volume'],
  ])),
});

/** The spec of RedisProps. */
export const REDIS_PROPS = v.object<RedisProps>()({
  ...(({ args: _a, ...rest }) => rest)(presetFields(
    'Redis without a password is open to every pod that reaches it',
    "pass 'credentials: StoreCredentials.fromSecret(name, { keys: { password: 'password' } })' or 'StoreCredentials.fromExternalSecret(...)'",
    'Redis server', 'for replication or failover use a Redis operator or Sentinel; to spread keys over several servers, Redis Cluster',
  )),
  appendOnly: v.boolean(),
  save: v.string({
    allowed: "pairs of '<seconds> <changes>', e.g. '3600 1 300 100', or '' for no snapshots",
    samples: ['3600 1 300 100', ''],
    check: (s) => (s === '' || /^\d+ \d+( \d+ \d+)*$/.test(s.trim()) ? undefined : { message: "is not a list of '<seconds> <changes>' pairs" }),
  }),
  extraArgs: v.array(v.string()),
}, {
  check: (p, r) => checkStore({ ...p, image: p.image ?? DEFAULTS.redis.image }, DEFAULTS.redis, r, new Map([[DEFAULTS.redis.mountPath, 'the data volume']])),
});
