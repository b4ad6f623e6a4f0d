import { Construct } from 'constructs';
import { BatchJob } from '../../src/constructs/batch-job';
import { Migration } from '../../src/constructs/migration';
import { PostgreSQL } from '../../src/constructs/presets/postgres';
import { Redis } from '../../src/constructs/presets/redis';
import { BATCH_JOB_PROPS } from '../../src/constructs/props/batch-job';
import { MIGRATION_PROPS } from '../../src/constructs/props/migration';
import { POSTGRES_PROPS, REDIS_PROPS } from '../../src/constructs/props/presets';
import { STATEFUL_STORE_PROPS } from '../../src/constructs/props/stateful-store';
import { WEB_APP_PROPS } from '../../src/constructs/props/web-app';
import { StatefulStore, StoreCredentials } from '../../src/constructs/stateful-store';
import { WebApp } from '../../src/constructs/web-app';
import { Worker } from '../../src/constructs/worker';
import { NodeAgent } from '../../src/constructs/node-agent';
import { NODE_AGENT_PROPS } from '../../src/constructs/props/node-agent';
import { WORKER_PROPS } from '../../src/constructs/props/worker';
import { AnySpec } from '../../src/core/validation';
import { generate, Rng } from './fuzz';

/** A construct the fuzzer builds. */
export interface FuzzTarget {
  readonly name: string;
  /** The construct id (sometimes replaced by an odd one). */
  readonly id: string;
  props(rng: Rng): unknown;
  /** Makes a generated prop set more plausible (e.g. a schedule for CronJob-only props). */
  adjust?(props: Record<string, unknown>, rng: Rng): void;
  build(scope: Construct, id: string, props: any): void;
}

/** Constructs whose props are checked (the others are on their way). */
export const CHECKED = new Set(['WebApp', 'BatchJob', 'StatefulStore', 'PostgreSQL', 'Redis', 'Worker', 'NodeAgent', 'Migration']);

/** Credentials come from factories the spec cannot generate. */
function credentials(p: number): FuzzTarget['adjust'] {
  return (props, rng) => {
    if (!rng.chance(p)) return;
    props.credentials = rng.pick([
      StoreCredentials.fromSecret('db-credentials'),
      StoreCredentials.fromSecret('db-admin', { keys: { username: 'user', password: 'pass', database: 'db' } }),
      StoreCredentials.fromSecret('cache', { keys: { password: 'password' } }),
      StoreCredentials.fromExternalSecret({ store: 'vault', remoteKey: 'db/prod' }),
      StoreCredentials.fromLiteralsINSECURE({ username: 'u', password: 'p' }, { iUnderstandLiteralSecretsAreStoredInPlainText: true }),
    ]);
  };
}

// Markers the Migration target's adjust leaves for its build (never passed as props).
const FUZZ_BEFORE = '__fuzzBefore';
const FUZZ_CONNECT = '__fuzzConnect';

function target(name: string, id: string, spec: AnySpec<unknown>, build: FuzzTarget['build']): FuzzTarget {
  return { name, id, props: (rng) => generate(spec, rng), build, spec } as FuzzTarget;
}

/** Every public construct, by its props spec. */
export const FUZZ_TARGETS: readonly FuzzTarget[] = [
  target('WebApp', 'web', WEB_APP_PROPS, (s, id, p) => new WebApp(s, id, p)),
  {
    ...target('BatchJob', 'job', BATCH_JOB_PROPS, (s, id, p) => new BatchJob(s, id, p)),
    adjust: (p, rng) => {
      const cron = ['timeZone', 'concurrencyPolicy', 'startingDeadlineSeconds', 'successfulJobsHistoryLimit', 'failedJobsHistoryLimit'];
      if (p.schedule === undefined && cron.some((k) => p[k] !== undefined) && rng.chance(0.9)) p.schedule = '0 2 * * *';
    },
  },
  { ...target('StatefulStore', 'store', STATEFUL_STORE_PROPS, (s, id, p) => new StatefulStore(s, id, p)), adjust: credentials(0.3) },
  { ...target('PostgreSQL', 'db', POSTGRES_PROPS, (s, id, p) => new PostgreSQL(s, id, p)), adjust: credentials(0.97) },
  { ...target('Redis', 'cache', REDIS_PROPS, (s, id, p) => new Redis(s, id, p)), adjust: credentials(0.97) },
  target('Worker', 'orders', WORKER_PROPS, (s, id, p) => new Worker(s, id, p)),
  target('NodeAgent', 'agent', NODE_AGENT_PROPS, (s, id, p) => new NodeAgent(s, id, p)),
  {
    // `before` takes constructs the spec cannot generate: mostly the API it runs before (and its
    // database), sometimes the chart itself (an error); half of them connect to the database.
    ...target('Migration', 'migrate', MIGRATION_PROPS, (s, id, p) => {
      const api = new WebApp(s, 'api', { image: 'ghcr.io/acme/api:1.4.2' });
      const db = new PostgreSQL(s, 'db', { credentials: StoreCredentials.fromSecret('db-credentials') });
      const befores: Record<string, unknown> = { api: [api], both: [api, db], chart: [s] };
      const { [FUZZ_BEFORE]: before, [FUZZ_CONNECT]: connect, ...rest } = p !== null && typeof p === 'object' && !Array.isArray(p) ? p : { [FUZZ_BEFORE]: undefined, [FUZZ_CONNECT]: false };
      const own = p !== null && typeof p === 'object' && !Array.isArray(p);
      // A one-off Job takes its connections as a prop (its name hashes its spec).
      const connections = connect && rest.connectTo === undefined ? { connectTo: [db] } : {};
      new Migration(s, id, own ? { ...rest, ...connections, ...(before ? { before: befores[before] } : {}) } : p);
    }),
    adjust: (p, rng) => {
      if ((p.before === undefined || (Array.isArray(p.before) && p.before.length === 0)) && rng.chance(0.95)) {
        p[FUZZ_BEFORE] = rng.chance(0.97) ? rng.pick(['api', 'api', 'both']) : 'chart';
      }
      if (rng.chance(0.5)) p[FUZZ_CONNECT] = true;
    },
  },
];
