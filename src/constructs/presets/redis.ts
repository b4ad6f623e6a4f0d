import { Construct } from 'constructs';
import { DEFAULTS } from '../../core/defaults';
import { Probe } from '../../core/probes';
import { parseQuantity } from '../../core/quantity';
import { checkedCopy, childPath, checkProps } from '../../core/validation';
import { memoryLimitBytes, REDIS_PROPS } from '../props/presets';
import { annotateEphemeral, PresetStorageOptions, presetData, StatefulStore, StatefulStoreProps, StoreCredentials } from '../stateful-store';

/**
 * What a Redis holds: 'store' for data that must survive (queues, sessions, counters), 'cache'
 * for data that can be rebuilt from elsewhere.
 */
export type RedisMode = 'store' | 'cache';

/** What Redis evicts once `maxMemory` is reached. @see https://redis.io/docs/latest/develop/reference/eviction/ */
export type RedisEvictionPolicy =
  | 'noeviction' | 'allkeys-lru' | 'allkeys-lfu' | 'allkeys-random'
  | 'volatile-lru' | 'volatile-lfu' | 'volatile-random' | 'volatile-ttl';

/** Props of a Redis store. */
export interface RedisProps extends Omit<StatefulStoreProps, 'image' | 'port' | 'storage' | 'credentials' | 'credentialRoles' | 'replicas' | 'args'> {
  /**
   * 'store': a password is required, AOF and RDB snapshots on a persistent volume.
   * 'cache': no persistence (data on an emptyDir, no AOF, no snapshots), `--maxmemory` below the
   * memory limit with `allkeys-lru` eviction, and credentials optional; a cache without
   * credentials admits only its declared clients (`isolate` defaults to true).
   * @default 'store'
   */
  readonly mode?: RedisMode;
  /** The official image (or one built on it), pinned. @default 'redis:7.4.1' */
  readonly image?: string;
  /** @default 6379 */
  readonly port?: number;
  /**
   * The `password` key (the `default` user's password, `--requirepass`). Required in mode
   * 'store'. A cache without credentials runs without a password (`--protected-mode no`):
   * NetworkPolicies are then all that keeps other pods out.
   * @default - required in mode 'store'; none in mode 'cache'
   */
  readonly credentials?: StoreCredentials;
  /** Append-only file persistence (`--appendonly`). @default - true (mode 'store'), false (mode 'cache') */
  readonly appendOnly?: boolean;
  /** RDB snapshot rules (`--save`); '' disables snapshots. @default - '3600 1 300 100 60 10000' (mode 'store'), '' (mode 'cache') */
  readonly save?: string;
  /**
   * Memory for data (`--maxmemory`), a memory quantity such as '192Mi'; at most the memory limit.
   * @default - none (mode 'store'); 75% of the memory limit (mode 'cache')
   */
  readonly maxMemory?: string;
  /** What is evicted at `maxMemory` (`--maxmemory-policy`). @default - Redis' 'noeviction' (mode 'store'); 'allkeys-lru' (mode 'cache') */
  readonly maxMemoryPolicy?: RedisEvictionPolicy;
  /**
   * More redis-server arguments, after timonel's, e.g. ['--maxmemory-samples', '10']. The options
   * timonel writes from props (--maxmemory, --maxmemory-policy, --appendonly, --save, --port,
   * --dir, --requirepass, --protected-mode) are an error here: set the prop instead.
   * @default - none
   */
  readonly extraArgs?: string[];
  /**
   * The data volume, mounted at /data. With `ephemeral`, only `size` applies (the emptyDir's
   * size limit).
   * @default - 10Gi ReadWriteOnce (1Gi with `ephemeral`)
   */
  readonly storage?: PresetStorageOptions;
  /**
   * The data lives on an emptyDir (no PersistentVolumeClaim) and is LOST when the pod is
   * deleted, evicted or moved. For development, and for caches. The StatefulSet is annotated
   * `timonel.dev/data: ephemeral` (a store: the `practice-ephemeral-data` policy warns about it)
   * or `timonel.dev/data: cache`.
   * @default - false (mode 'store'), true (mode 'cache')
   */
  readonly ephemeral?: boolean;
  /**
   * Admit only declared clients from the start (see StatefulStore `isolate`). `false` keeps it open
   * to every pod: a client (which would isolate it) is then an error at synth.
   * @default - true for a cache without credentials, else false (isolated by its first client)
   */
  readonly isolate?: boolean;
  /** The scheme of `connectTo(cache, { envForm: 'url' })` ('rediss' for TLS). @default 'redis' */
  readonly scheme?: string;
  /**
   * 0 or 1. Several replicas of this image are independent servers behind one Service, not a
   * replicated primary.
   * @default 1
   */
  readonly replicas?: number;
}

/**
 * Redis on the official image as a StatefulStore: one pod as user 999 (the image's `redis`),
 * `redis-cli ping` startup and readiness probes and a TCP liveness probe.
 * Mode 'store' (default): persistence under /data on a retained volume, a password from the
 * credentials (`--requirepass $(REDIS_PASSWORD)`). Mode 'cache': no persistence, eviction before
 * the memory limit, a password only when credentials are given.
 * Clients get `<PREFIX>_HOST`, `_PORT` (and `_PASSWORD`) from `connectTo`.
 */
export class Redis extends StatefulStore {
  /** 'store' or 'cache'. */
  public readonly mode: RedisMode;

  constructor(scope: Construct, id: string, props: RedisProps) {
    // Every prop is optional: new Redis(chart, 'cache') from JavaScript means the defaults.
    props = checkProps(REDIS_PROPS, props, childPath(scope, id)) ?? {};
    const d = DEFAULTS.redis;
    const mode = props.mode ?? d.mode as RedisMode;
    const cache = mode === 'cache';
    const port = props.port ?? d.port;
    const ephemeral = props.ephemeral ?? cache;
    const data = presetData(d.mountPath, props.storage, ephemeral);
    const auth = props.credentials !== undefined;
    const maxMemory = props.maxMemory !== undefined ? redisBytes(props.maxMemory) : cache ? cacheMaxMemory(props) : undefined;
    const maxMemoryPolicy = props.maxMemoryPolicy ?? (cache ? d.cache.maxMemoryPolicy : undefined);
    // redis-cli reads the password from REDISCLI_AUTH; a shell compares the reply (LOADING is not ready).
    const ping = Probe.exec(['sh', '-c', `redis-cli -h 127.0.0.1 -p ${port} ping | grep -q PONG`]);
    super(scope, id, checkedCopy({
      component: cache ? d.cache.component : d.component,
      ...props,
      image: props.image ?? d.image,
      port,
      portName: props.portName ?? d.portName,
      scheme: props.scheme ?? d.scheme,
      replicas: props.replicas,
      storage: data.storage,
      volumes: [...data.volumes, ...(props.volumes ?? [])],
      mounts: [...data.mounts, ...(props.mounts ?? [])],
      // Only the user's own `false` is kept against a client (StatefulStore `isolate`).
      isolate: props.isolate ?? (cache && !auth ? true : undefined),
      credentialRoles: ['password'],
      securityContext: { runAsUser: d.runAsUser, runAsGroup: d.runAsUser, fsGroup: d.runAsUser, ...props.securityContext },
      // Expanded by the kubelet from the env below; the image's entrypoint prepends redis-server.
      args: [
        '--port', String(port),
        '--dir', d.mountPath,
        '--appendonly', (props.appendOnly ?? (cache ? d.cache.appendOnly : d.appendOnly)) ? 'yes' : 'no',
        '--save', props.save ?? (cache ? d.cache.save : d.save),
        ...(maxMemory !== undefined ? ['--maxmemory', maxMemory] : []),
        ...(maxMemoryPolicy !== undefined ? ['--maxmemory-policy', maxMemoryPolicy] : []),
        // Without a password Redis would refuse other hosts unless protected mode is off (the
        // official image builds it off; images built otherwise may not): NetworkPolicies guard it.
        ...(auth ? ['--requirepass', '$(REDIS_PASSWORD)'] : ['--protected-mode', 'no']),
        ...(props.extraArgs ?? []),
      ],
      startup: props.startup ?? ping,
      readiness: props.readiness ?? ping,
      liveness: props.liveness ?? Probe.tcp(),
    }));
    this.mode = mode;
    if (ephemeral) annotateEphemeral(this.statefulSet, cache ? 'cache' : 'store');
    // Checked before building (REDIS_PROPS): credentials are given in mode 'store', replicas are 0 or 1.
    if (auth) this.addEnv({ REDIS_PASSWORD: this.credentialEnv('password'), REDISCLI_AUTH: this.credentialEnv('password') });
  }
}

const MIB = 1024 * 1024;

/** A memory quantity as Redis reads it: whole mebibytes as 'mb' (Redis' 1mb is 1024²), else bytes. */
function redisBytes(quantity: string): string {
  const bytes = Math.floor(parseQuantity(quantity)!);
  return bytes % MIB === 0 ? `${bytes / MIB}mb` : String(bytes);
}

/** A share of the container's memory limit (the limit the pod renders: the given one, or the default raised to the request). */
function cacheMaxMemory(props: RedisProps): string {
  return `${Math.floor((memoryLimitBytes(props) * DEFAULTS.redis.cache.maxMemoryShareOfLimit) / MIB)}mb`;
}
