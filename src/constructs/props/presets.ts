import { DEFAULTS } from '../../core/defaults';
import { parseQuantity, storageSizeProblem } from '../../core/quantity';
import { imageRef, portNumber, quantity } from '../../core/specs';
import { commandLineFix, literal, Reporter, v } from '../../core/validation';
import type { PostgreSQLProps } from '../presets/postgres';
import type { RedisEvictionPolicy, RedisMode, RedisProps } from '../presets/redis';
import type { PresetStorageOptions } from '../stateful-store';
import { checkStore, CREDENTIALS, PRESET_STORAGE, STORE_FIELDS } from './stateful-store';
import { uselessBudget } from '../../workload/scaling';
import { SERVED_REFUSED } from '../../workload/specs';

// Presets take the store's fields but their own image, port, storage, credentials and replicas.
const { image: _i, port: _p, storage: _s, credentials: _c, credentialRoles: _r, replicas: _n, ...shared } = STORE_FIELDS;
const preset = {
  ...shared,
  image: imageRef,
  port: portNumber,
  storage: PRESET_STORAGE,
  ephemeral: v.boolean(),
};

/** With `ephemeral` the data is on an emptyDir: claim options would be ignored, so they are errors. */
function checkEphemeral(p: { readonly storage?: PresetStorageOptions; readonly deleteVolumesOnDelete?: boolean; readonly deleteVolumesOnScaleDown?: boolean }, ephemeral: boolean, r: Reporter): void {
  // storage.size sizes the claim, or the emptyDir: a size that is a unit mistake for that one.
  const size = p.storage?.size;
  const small = typeof size === 'string' ? storageSizeProblem(size, ephemeral ? 'emptyDir' : 'claim') : undefined;
  if (small) r.issue('storage.size', { ...small, value: size, allowed: `bytes with a binary suffix: '10Gi', '512Mi'${ephemeral ? ' (without a unit: at least 1Mi)' : ', at least 1Mi'}` });
  if (!ephemeral) return;
  const why = 'has no effect: the data is on an emptyDir (ephemeral), not on a volume claim';
  const fix = "remove it (storage.size is the emptyDir's size limit), or set 'ephemeral: false' for a persistent volume";
  for (const k of ['storageClassName', 'accessModes'] as const) {
    if (p.storage?.[k] !== undefined) r.issue(`storage.${k}`, { message: why, value: p.storage[k], allowed: `storage.${k} with ephemeral: false only`, fix });
  }
  for (const k of ['deleteVolumesOnDelete', 'deleteVolumesOnScaleDown'] as const) {
    if (p[k] !== undefined) r.issue(k, { message: why, value: p[k], allowed: `${k} with ephemeral: false only`, fix });
  }
}

/** A preset runs one pod at most: a disruption budget over it would protect nothing. */
function checkBudget(p: { readonly disruptionBudget?: boolean; readonly replicas?: number }, server: string, r: Reporter): void {
  const problem = p.disruptionBudget === true ? uselessBudget(p.replicas ?? 1, { onePodOnly: `${server} runs one pod at most` }) : undefined;
  if (problem) r.issue('disruptionBudget', { value: true, ...problem });
}

const MIB = 1024 * 1024;

/** The container's memory limit in bytes, as the pod builder resolves it (the default, raised to a larger request). */
export function memoryLimitBytes(p: Pick<RedisProps, 'resources'>): number {
  const m = p.resources?.memory;
  if (m?.limit !== undefined) return parseQuantity(m.limit)!;
  const def = parseQuantity(DEFAULTS.resources.memoryLimit)!;
  const request = m?.request !== undefined ? parseQuantity(m.request) : undefined;
  return request !== undefined && request > def ? request : def;
}

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
  owner: 'PostgreSQL', docs: 'docs/stateful-store.md',
  refused: SERVED_REFUSED,
  check: (p, r) => {
    checkStore({ ...p, image: p.image ?? DEFAULTS.postgres.image }, DEFAULTS.postgres, r, new Map([
      [DEFAULTS.postgres.mountPath, 'the data volume'], [DEFAULTS.postgres.socketPath, 'the socket volume'],
    ]));
    checkEphemeral(p, p.ephemeral ?? false, r);
    checkBudget(p, 'PostgreSQL', r);
  },
});

const REDIS_MODES: readonly RedisMode[] = ['store', 'cache'];
const EVICTION: readonly RedisEvictionPolicy[] = [
  'noeviction', 'allkeys-lru', 'allkeys-lfu', 'allkeys-random', 'volatile-lru', 'volatile-lfu', 'volatile-random', 'volatile-ttl',
];
const REDIS_CREDENTIALS_FIX = "pass 'credentials: StoreCredentials.fromSecret(name, { keys: { password: 'password' } })' or 'StoreCredentials.fromExternalSecret(...)'";

// redis-server options timonel writes: in extraArgs they would override what the props check.
const REDIS_MANAGED_ARGS: Readonly<Record<string, { readonly prop: string; readonly why?: string; readonly fix: string }>> = {
  'maxmemory': { prop: "'maxMemory'", why: 'checked against the memory limit, so the pod is not killed before Redis evicts', fix: "use maxMemory: '1Gi' (and resources.memory.limit above it)" },
  'maxmemory-policy': { prop: "'maxMemoryPolicy'", fix: "use maxMemoryPolicy: 'allkeys-lru'" },
  'appendonly': { prop: "'appendOnly'", fix: 'use appendOnly: true or false' },
  'save': { prop: "'save'", fix: "use save: '3600 1 300 100' (or '' for none)" },
  'port': { prop: "'port'", why: 'the Service, probes and NetworkPolicies use it too', fix: 'use port: 6380' },
  'dir': { prop: 'the data volume', why: `mounted at ${DEFAULTS.redis.mountPath}`, fix: 'leave it out: the data volume is where Redis writes' },
  'requirepass': { prop: "'credentials'", why: 'a password in args is readable by anyone who can read the pod', fix: REDIS_CREDENTIALS_FIX },
  'protected-mode': { prop: "'credentials'", why: 'off without a password, as NetworkPolicies guard the cache', fix: 'leave it out' },
};

// redis-server's memory units (1k = 1000, 1kb = 1024, case-insensitive) as Kubernetes suffixes.
const REDIS_UNITS: Readonly<Record<string, string>> = { '': '', 'b': '', 'k': 'k', 'kb': 'Ki', 'm': 'M', 'mb': 'Mi', 'g': 'G', 'gb': 'Gi' };

/** The prop that does what `--<option> <value>` asks, with the user's value; undefined when it cannot be said. */
function redisArgFix(option: string, value: string): string | undefined {
  switch (option) {
    case 'maxmemory': {
      const m = /^([0-9]+(?:\.[0-9]+)?)\s*([a-z]*)$/i.exec(value);
      const suffix = m ? REDIS_UNITS[m[2].toLowerCase()] : undefined;
      return m && suffix !== undefined && Number(m[1]) > 0 ? `set maxMemory: '${m[1]}${suffix}' (and resources.memory.limit above it)` : undefined;
    }
    case 'maxmemory-policy':
      return (EVICTION as readonly string[]).includes(value) ? `set maxMemoryPolicy: '${value}'` : undefined;
    case 'appendonly':
      return value === 'yes' || value === 'no' ? `set appendOnly: ${value === 'yes'}` : undefined;
    case 'port':
      return /^[0-9]+$/.test(value) ? `set port: ${Number(value)}` : undefined;
    default:
      return undefined;
  }
}

/** The spec of RedisProps. */
export const REDIS_PROPS = v.object<RedisProps>()({
  ...(({ args: _a, credentials: _c2, ...rest }) => rest)(presetFields(
    'Redis without a password is open to every pod that reaches it', REDIS_CREDENTIALS_FIX,
    'Redis server', 'for replication or failover use a Redis operator or Sentinel; to spread keys over several servers, Redis Cluster',
  )),
  // Required in mode 'store' only (checked below).
  credentials: CREDENTIALS,
  mode: v.oneOf(REDIS_MODES),
  appendOnly: v.boolean(),
  save: v.string({
    allowed: "pairs of '<seconds> <changes>', e.g. '3600 1 300 100', or '' for no snapshots",
    samples: ['3600 1 300 100', ''],
    check: (s) => (s === '' || /^\d+ \d+( \d+ \d+)*$/.test(s.trim()) ? undefined : { message: "is not a list of '<seconds> <changes>' pairs", fix: "write pairs such as '3600 1 300 100' (after 3600 s and 1 change, or 300 s and 100 changes), or '' for no snapshots" }),
  }),
  maxMemory: quantity('memory'),
  maxMemoryPolicy: v.oneOf(EVICTION),
  extraArgs: v.array(v.string(), { typeFix: commandLineFix('extraArgs') }),
}, {
  owner: 'Redis', docs: 'docs/stateful-store.md',
  refused: SERVED_REFUSED,
  check: (p, r) => {
    checkStore({ ...p, image: p.image ?? DEFAULTS.redis.image }, DEFAULTS.redis, r, new Map([[DEFAULTS.redis.mountPath, 'the data volume']]));
    checkBudget(p, 'Redis', r);
    const cache = (p.mode ?? DEFAULTS.redis.mode) === 'cache';
    if (!cache && p.credentials === undefined) {
      r.issue('credentials', {
        message: "is required: Redis without a password is open to every pod that reaches it (mode 'store')",
        allowed: "credentials in mode 'store'; none needed in mode 'cache'", fix: `${REDIS_CREDENTIALS_FIX}; for a cache of data you can rebuild, mode 'cache' makes them optional`,
      });
    }
    checkEphemeral(p, p.ephemeral ?? cache, r);
    const args = p.extraArgs ?? [];
    args.forEach((arg, i) => {
      const m = /^--([a-z-]+)(?:[ =](.*)|$)/i.exec(arg);
      const option = m?.[1].toLowerCase();
      const home = option !== undefined ? REDIS_MANAGED_ARGS[option] : undefined;
      if (home) {
        // The option's value: in the same item ('--maxmemory 100mb'), or the next one.
        const next = m![2] === undefined && i + 1 < args.length && !args[i + 1].startsWith('--') ? args[i + 1] : undefined;
        const value = (m![2] ?? next)?.trim();
        const own = value !== undefined ? redisArgFix(option!, value) : undefined;
        const remove = next !== undefined ? `remove ${literal(arg)}, ${literal(next)} from extraArgs and ` : 'remove it and ';
        r.issue(`extraArgs[${i}]`, {
          message: `sets --${option}, which timonel sets from ${home.prop}${home.why ? ` (${home.why})` : ''}`, value: arg,
          allowed: 'redis-server options timonel does not manage, e.g. --maxmemory-samples', fix: own ? remove + own : home.fix,
        });
      }
    });
    const limit = memoryLimitBytes(p);
    if (p.maxMemory !== undefined && parseQuantity(p.maxMemory)! > limit) {
      r.issue('maxMemory', {
        message: 'is above the memory limit: the pod would be killed before Redis evicts a key', value: p.maxMemory,
        allowed: `at most the memory limit (${p.resources?.memory?.limit ?? `${limit / MIB}Mi`}), better about 75% of it`, fix: "lower it, or raise 'resources.memory.limit'",
      });
    }
    if (cache && p.maxMemory === undefined && limit * DEFAULTS.redis.cache.maxMemoryShareOfLimit < MIB) {
      r.issue('resources.memory.limit', {
        message: "leaves less than 1Mi for a cache's data (--maxmemory is 75% of the limit)", value: p.resources?.memory?.limit,
        allowed: "a limit of a few Mi or more, e.g. '256Mi'", fix: "raise it, or set 'maxMemory'",
      });
    }
  },
});
