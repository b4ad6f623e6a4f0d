import { BATCH_JOB_PROPS } from '../constructs/props/batch-job';
import { POSTGRES_PROPS, REDIS_PROPS } from '../constructs/props/presets';
import { STATEFUL_STORE_PROPS } from '../constructs/props/stateful-store';
import { WEB_APP_PROPS } from '../constructs/props/web-app';
import { WORKER_PROPS } from '../constructs/props/worker';
import { NODE_AGENT_PROPS } from '../constructs/props/node-agent';
import { fail } from '../core/errors';
import { AnySpec, checkProps, closest } from '../core/validation';
import { APP_PROPS, CHART_PROPS } from './specs';

const SPECS = {
  WebApp: WEB_APP_PROPS,
  BatchJob: BATCH_JOB_PROPS,
  Worker: WORKER_PROPS,
  NodeAgent: NODE_AGENT_PROPS,
  StatefulStore: STATEFUL_STORE_PROPS,
  PostgreSQL: POSTGRES_PROPS,
  Redis: REDIS_PROPS,
  TimonelChart: CHART_PROPS,
  App: APP_PROPS,
} satisfies Record<string, AnySpec<unknown>>;

/** The constructs whose props `validateProps` checks. */
export type ValidatedConstruct = keyof typeof SPECS;

/**
 * Checks props loaded from JSON or YAML (or built by JavaScript) against the construct's props,
 * as its constructor does, without building anything: throws one TimonelError listing every
 * problem (`error.problems`), each naming its prop as written (`extraPorts[0].name`). Returns
 * the props, typed. `path` is shown in the messages (e.g. the file the props came from).
 */
export function validateProps<K extends ValidatedConstruct>(construct: K, props: unknown, path: string = construct): NonNullable<(typeof SPECS)[K]['__type']> {
  const spec = SPECS[construct] as AnySpec<unknown> | undefined;
  if (spec === undefined) {
    const names = Object.keys(SPECS);
    const near = typeof construct === 'string' ? closest(construct, names) : undefined;
    fail({ path: 'validateProps', prop: 'construct', message: 'is not a construct with props to check', value: construct, allowed: names.join(', '), fix: near ? `did you mean '${near}'?` : undefined });
  }
  return checkProps(spec, props, path) as NonNullable<(typeof SPECS)[K]['__type']>;
}
