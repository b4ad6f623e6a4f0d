import { Construct } from 'constructs';
import { DEFAULTS } from '../../core/defaults';
import { Probe } from '../../core/probes';
import { checkedCopy, childPath, checkProps } from '../../core/validation';
import { POSTGRES_PROPS } from '../props/presets';
import { annotateEphemeral, PresetStorageOptions, presetData, StatefulStore, StatefulStoreProps, StoreCredentials } from '../stateful-store';

/** Props of a PostgreSQL store. */
export interface PostgreSQLProps extends Omit<StatefulStoreProps, 'image' | 'port' | 'storage' | 'credentials' | 'credentialRoles' | 'replicas'> {
  /** The official image (or one built on it), pinned. @default 'postgres:16.4' */
  readonly image?: string;
  /** @default 5432 */
  readonly port?: number;
  /**
   * Credentials of the superuser: `username` and `password` (and optionally `database`) keys,
   * exposed as POSTGRES_USER, POSTGRES_PASSWORD (and POSTGRES_DB). Required: the image does not
   * start without a password. The image applies them only to an empty data directory: changing
   * them later changes the clients' Secret, not the database's password, so change the password in
   * the database first (docs/stateful-store.md#credentials).
   */
  readonly credentials: StoreCredentials;
  /** The database created on first start (POSTGRES_DB) when the credentials hold none. @default - the user's name */
  readonly database?: string;
  /**
   * The data volume, mounted at /var/lib/postgresql/data (PGDATA is its `pgdata` subdirectory).
   * With `ephemeral`, only `size` applies (the emptyDir's size limit).
   * @default - 10Gi ReadWriteOnce (1Gi with `ephemeral`)
   */
  readonly storage?: PresetStorageOptions;
  /**
   * Development only: the data lives on an emptyDir (no PersistentVolumeClaim) and is LOST when
   * the pod is deleted, evicted or moved to another node. The StatefulSet is annotated
   * `timonel.dev/data: ephemeral` and the `practice-ephemeral-data` policy warns about it.
   * @default false
   */
  readonly ephemeral?: boolean;
  /**
   * The scheme of `connectTo(db, { envForm: 'url' })`: 'postgresql' is the one every client
   * accepts (libpq, psycopg, node-postgres, pgx; SQLAlchemy ≥ 1.4 refuses 'postgres').
   * @default 'postgresql'
   */
  readonly scheme?: string;
  /**
   * 0 or 1. Several replicas of this image are independent databases behind one Service, not a
   * replicated cluster.
   * @default 1
   */
  readonly replicas?: number;
}

/**
 * PostgreSQL on the official image as a StatefulStore: one pod as user 999 (the image's
 * `postgres`), data under a retained volume, a writable socket directory on a read-only root
 * filesystem, `pg_isready` startup and readiness probes and a TCP liveness probe.
 * Clients get `<PREFIX>_HOST`, `_PORT`, `_USER`, `_PASSWORD` (and `_DATABASE`) from `connectTo`.
 */
export class PostgreSQL extends StatefulStore {
  constructor(scope: Construct, id: string, props: PostgreSQLProps) {
    checkProps(POSTGRES_PROPS, props, childPath(scope, id));
    const d = DEFAULTS.postgres;
    const port = props.port ?? d.port;
    // Probes run without env expansion of Secret values ($(VAR)), so a shell reads POSTGRES_USER.
    // Over TCP, so the init-time server (Unix socket only) does not count as ready.
    const ephemeral = props.ephemeral ?? false;
    const data = presetData(d.mountPath, props.storage, ephemeral);
    const ready = Probe.exec(['sh', '-c', `exec pg_isready -q -h 127.0.0.1 -p ${port} -U "$POSTGRES_USER"`]);
    super(scope, id, checkedCopy({
      component: d.component,
      ...props,
      image: props.image ?? d.image,
      port,
      portName: props.portName ?? d.portName,
      scheme: props.scheme ?? d.scheme,
      replicas: props.replicas,
      storage: data.storage,
      credentialRoles: ['username', 'password'],
      securityContext: { runAsUser: d.runAsUser, runAsGroup: d.runAsUser, fsGroup: d.runAsUser, ...props.securityContext },
      resources: props.resources ?? { memory: { request: d.memoryRequest, limit: d.memoryLimit } },
      volumes: [...data.volumes, { name: 'run', emptyDir: { sizeLimit: d.socketSizeLimit } }, ...(props.volumes ?? [])],
      mounts: [...data.mounts, { volume: 'run', mountPath: d.socketPath }, ...(props.mounts ?? [])],
      env: { PGDATA: `${d.mountPath}/${d.pgdataSubPath}`, ...props.env },
      startup: props.startup ?? ready,
      readiness: props.readiness ?? ready,
      // A restart only when the server no longer accepts TCP: pg_isready also fails during recovery.
      liveness: props.liveness ?? Probe.tcp(),
    }));
    if (ephemeral) annotateEphemeral(this.statefulSet);
    // Checked before building (POSTGRES_PROPS): credentials are given, replicas are 0 or 1.
    this.addEnv({
      POSTGRES_USER: this.credentialEnv('username'),
      POSTGRES_PASSWORD: this.credentialEnv('password'),
      ...(this.credentials!.keys.database !== undefined
        ? { POSTGRES_DB: this.credentialEnv('database') }
        : props.database !== undefined ? { POSTGRES_DB: props.database } : {}),
    });
  }
}
