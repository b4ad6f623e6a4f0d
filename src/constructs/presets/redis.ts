import { Construct } from 'constructs';
import { DEFAULTS } from '../../core/defaults';
import { Probe } from '../../core/probes';
import { childPath, checkProps, markChecked } from '../../core/validation';
import { REDIS_PROPS } from '../props/presets';
import { PresetStorageOptions, StatefulStore, StatefulStoreProps, StoreCredentials } from '../stateful-store';

/** Props of a Redis store. */
export interface RedisProps extends Omit<StatefulStoreProps, 'image' | 'port' | 'storage' | 'credentials' | 'credentialRoles' | 'replicas' | 'args'> {
  /** The official image (or one built on it), pinned. @default 'redis:7.4.1' */
  readonly image?: string;
  /** @default 6379 */
  readonly port?: number;
  /**
   * The `password` key (the `default` user's password, `--requirepass`). Required: an
   * unauthenticated Redis is open to every pod that can reach it.
   */
  readonly credentials: StoreCredentials;
  /** Append-only file persistence (`--appendonly`). @default true */
  readonly appendOnly?: boolean;
  /** RDB snapshot rules (`--save`); '' disables snapshots. @default '3600 1 300 100 60 10000' */
  readonly save?: string;
  /** More redis-server arguments, after timonel's, e.g. ['--maxmemory', '200mb']. @default - none */
  readonly extraArgs?: string[];
  /** The data volume, mounted at /data. @default 10Gi ReadWriteOnce */
  readonly storage?: PresetStorageOptions;
  /** The scheme of `connectTo(cache, { envForm: 'url' })` ('rediss' for TLS). @default 'redis' */
  readonly scheme?: string;
  /**
   * 0 or 1. Several replicas of this image are independent caches behind one Service, not a
   * replicated primary.
   * @default 1
   */
  readonly replicas?: number;
}

/**
 * Redis on the official image as a StatefulStore: one pod as user 999 (the image's `redis`),
 * persistence under /data on a retained volume, a password from the credentials
 * (`--requirepass $(REDIS_PASSWORD)`), `redis-cli ping` startup and readiness probes and a TCP
 * liveness probe. Clients get `<PREFIX>_HOST`, `_PORT` and `_PASSWORD` from `connectTo`.
 */
export class Redis extends StatefulStore {
  constructor(scope: Construct, id: string, props: RedisProps) {
    checkProps(REDIS_PROPS, props, childPath(scope, id));
    const d = DEFAULTS.redis;
    const port = props.port ?? d.port;
    // redis-cli reads the password from REDISCLI_AUTH; a shell compares the reply (LOADING is not ready).
    const ping = Probe.exec(['sh', '-c', `redis-cli -h 127.0.0.1 -p ${port} ping | grep -q PONG`]);
    super(scope, id, markChecked({
      component: d.component,
      ...props,
      image: props.image ?? d.image,
      port,
      portName: props.portName ?? d.portName,
      scheme: props.scheme ?? d.scheme,
      replicas: props.replicas,
      storage: [{ name: DEFAULTS.statefulStore.storage.name, mountPath: d.mountPath, ...props.storage }],
      credentialRoles: ['password'],
      securityContext: { runAsUser: d.runAsUser, runAsGroup: d.runAsUser, fsGroup: d.runAsUser, ...props.securityContext },
      // Expanded by the kubelet from the env below; the image's entrypoint prepends redis-server.
      args: [
        '--port', String(port),
        '--dir', d.mountPath,
        '--appendonly', (props.appendOnly ?? d.appendOnly) ? 'yes' : 'no',
        '--save', props.save ?? d.save,
        '--requirepass', '$(REDIS_PASSWORD)',
        ...(props.extraArgs ?? []),
      ],
      startup: props.startup ?? ping,
      readiness: props.readiness ?? ping,
      liveness: props.liveness ?? Probe.tcp(),
    }));
    // Checked before building (POSTGRES_PROPS / REDIS_PROPS): credentials are given, replicas are 0 or 1.
    this.addEnv({ REDIS_PASSWORD: this.credentialEnv('password'), REDISCLI_AUTH: this.credentialEnv('password') });
  }
}
