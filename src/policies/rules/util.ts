import { formatValue, TimonelError } from '../../core/errors';
import { isValidLabelKey, isValidLabelValue } from '../../core/labels';
import { ContainerView, fieldPath, PodView } from '../model';
import { Issue } from '../types';

/** True for a plain object (not null, not an array). */
export function isObject(x: unknown): x is Record<string, any> {
  return x !== null && typeof x === 'object' && !Array.isArray(x);
}

/** The array at `x`, or an empty one. */
export function arr(x: unknown): any[] {
  return Array.isArray(x) ? x : [];
}

/** The object at `x`, or an empty one. */
export function obj(x: unknown): Record<string, any> {
  return isObject(x) ? x : {};
}

/** `isValidLabelKey` (label and annotation keys). */
export const validLabelKey = isValidLabelKey;

/** `isValidLabelValue`. */
export const validLabelValue = isValidLabelValue;

/**
 * Runs one of timonel's validators (`validateName`, `validatePortName`, ...) and turns the
 * TimonelError it throws into an issue, so the rules and the constructs share one definition
 * of what is valid (and the same wording). Returns undefined when the value is valid;
 * `defaultFix` is used when the validator gives no fix.
 */
export function fromValidator(field: string | undefined, validate: () => unknown, defaultFix?: string): Issue | undefined {
  try {
    validate();
    return undefined;
  } catch (e) {
    if (!(e instanceof TimonelError)) throw e;
    let text = e.message;
    if (e.path) text = text.slice(`[${e.path}] `.length);
    if (e.prop && text.startsWith(`'${e.prop}' `)) text = text.slice(e.prop.length + 3);
    const suffix = (e.hasValue ? `, got ${formatValue(e.value)}` : '')
      + (e.allowed ? `. Allowed: ${e.allowed}` : '')
      + (e.fix ? `. Fix: ${e.fix}` : '');
    if (suffix && text.endsWith(suffix)) text = text.slice(0, text.length - suffix.length);
    return {
      field,
      message: text,
      ...(e.hasValue ? { value: e.value } : {}),
      ...(e.allowed ? { allowed: e.allowed } : {}),
      ...(e.fix ?? defaultFix ? { fix: e.fix ?? defaultFix } : {}),
    };
  }
}

/**
 * A security context that Pod Security controls check: the pod's or a container's. One per pod
 * and container, shared by every rule; its path and label are built only when a rule reports.
 */
export interface SecurityScope {
  /** The security context (or `{}`). */
  readonly sc: Record<string, any>;
  /** e.g. `spec.template.spec.containers[0].securityContext` */
  readonly path: string;
  /** `the pod`, or the container's label (`container 'main'`), for messages. */
  readonly label: string;
}

class ContainerScope implements SecurityScope {
  public readonly sc: Record<string, any>;
  private cachedPath?: string;

  constructor(private readonly c: ContainerView) {
    this.sc = obj(c.container.securityContext);
  }

  public get path(): string {
    return (this.cachedPath ??= fieldPath(this.c.path, 'securityContext'));
  }

  public get label(): string {
    return this.c.label;
  }
}

class PodScope implements SecurityScope {
  public readonly sc: Record<string, any>;
  public readonly label = 'the pod';
  private cachedPath?: string;

  constructor(private readonly pod: PodView) {
    this.sc = obj(pod.spec.securityContext);
  }

  public get path(): string {
    return (this.cachedPath ??= fieldPath(this.pod.path, 'securityContext'));
  }
}

const SCOPES = new WeakMap<ContainerView | PodView, SecurityScope>();
const POD_SCOPES = new WeakMap<PodView, readonly SecurityScope[]>();

/** The container's security context (or `{}`), with its path and label. */
export function containerSecurity(c: ContainerView): SecurityScope {
  let scope = SCOPES.get(c);
  if (!scope) SCOPES.set(c, (scope = new ContainerScope(c)));
  return scope;
}

/** The pod's security context (or `{}`), with its path and label. */
export function podSecurity(pod: PodView): SecurityScope {
  let scope = SCOPES.get(pod);
  if (!scope) SCOPES.set(pod, (scope = new PodScope(pod)));
  return scope;
}

/** The pod's security context, then each container's (regular, init, ephemeral). */
export function securityScopes(pod: PodView): readonly SecurityScope[] {
  let scopes = POD_SCOPES.get(pod);
  if (!scopes) POD_SCOPES.set(pod, (scopes = [podSecurity(pod), ...pod.containers.map(containerSecurity)]));
  return scopes;
}

/** The regular and init containers (ephemeral containers have no resources, probes or ports). */
export function runnableContainers(pod: PodView): ContainerView[] {
  return pod.containers.filter((c) => c.list !== 'ephemeralContainers');
}

/** Port references of a probe or lifecycle handler: `httpGet.port`, `tcpSocket.port`, `grpc.port`. */
export function handlerPorts(handler: unknown, path: string): Array<{ port: unknown; path: string }> {
  const h = obj(handler);
  const out: Array<{ port: unknown; path: string }> = [];
  for (const k of ['httpGet', 'tcpSocket', 'grpc']) {
    if (isObject(h[k]) && h[k].port !== undefined) out.push({ port: h[k].port, path: fieldPath(fieldPath(path, k), 'port') });
  }
  return out;
}

/** The probes of a container, with their paths. */
export function probesOf(c: ContainerView): Array<{ probe: unknown; path: string }> {
  return ['livenessProbe', 'readinessProbe', 'startupProbe']
    .filter((k) => c.container[k] !== undefined)
    .map((k) => ({ probe: c.container[k], path: fieldPath(c.path, k) }));
}

/** The volumes of a pod, with their paths. */
export function volumesOf(pod: PodView): Array<{ volume: Record<string, any>; name: string; path: string }> {
  return arr(pod.spec.volumes).map((v, i) => ({
    volume: obj(v),
    name: typeof v?.name === 'string' ? v.name : '',
    path: `${fieldPath(pod.path, 'volumes')}[${i}]`,
  }));
}

/** `'a', 'b' and 'c'` for messages. */
export function list(items: readonly unknown[]): string {
  const q = items.map((x) => `'${String(x)}'`);
  return q.length <= 1 ? q.join('') : `${q.slice(0, -1).join(', ')} and ${q[q.length - 1]}`;
}

/**
 * The fix for a label, annotation or data value that must be a string and is not. In YAML the
 * value shown is what kubectl read (YAML 1.1), not what was written: an unquoted 1.10 is 1.1.
 */
export function quoteFix(v: unknown): string {
  if (typeof v === 'boolean') return "quote the value as written: unquoted yes, no, on, off, y, n, true and false are booleans to kubectl (YAML 1.1), e.g. FEATURE: 'yes'";
  if (typeof v === 'number') return "quote the value as written in the YAML, not the number shown: kubectl reads unquoted numbers as numbers (YAML 1.1: 1.10 is 1.1, 0777 and 0o777 are 511), e.g. VERSION: '1.10'";
  return 'quote the value';
}
