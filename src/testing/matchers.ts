import { ApiObject, Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import { fail, formatValue } from '../core/errors';
import { protocol } from '../core/specs';
import { checkValue, v } from '../core/validation';
import { formatFinding, ProfileLike, runPolicies, TrafficEvaluator, TrafficPeer, TrafficProtocol } from '../policies';
import { findObjects, policySubjects, subjectOf, synth } from './synth';

/** What a jest matcher returns. */
export interface MatcherResult {
  readonly pass: boolean;
  readonly message: () => string;
}

/** Objects to assert on: manifests, or a chart, an App or a construct (synthesized first). */
export type Synthesizable = IConstruct | readonly any[];

/**
 * One end of `toAllowTraffic`: a workload construct (a WebApp, a Worker, ...: its pods), a
 * workload's Kubernetes name ('shop-web', looked up in the `defaultNamespace` option's namespace)
 * or 'namespace/name' ('shop/shop-web'), or a peer of the traffic evaluator
 * (`{ workload, namespace }`, `{ namespace, labels }`, `{ ip }`).
 */
export type TrafficEnd = IConstruct | string | TrafficPeer;

/** Options of `toAllowTraffic`. */
export interface TrafficMatcherOptions {
  /** @default 'TCP' */
  readonly protocol?: TrafficProtocol;
  /** The namespace of objects and peers that name none. @default 'default' */
  readonly defaultNamespace?: string;
}

// A misspelt option would answer another question ({ protcol: 'UDP' } asks about TCP).
const TRAFFIC_OPTIONS = v.object<TrafficMatcherOptions>()({
  protocol,
  defaultNamespace: v.string({ nonEmpty: true, samples: ['shop'] }),
}, { what: 'option', owner: 'toAllowTraffic' });

/**
 * timonel's jest matchers, for `expect.extend(timonelMatchers)` (or `import 'timonel/testing/jest'`,
 * which does it). Each takes manifests or a construct (a chart, an App, a WebApp, ...) as the
 * received value; constructs are synthesized first.
 */
export const timonelMatchers = {
  /**
   * Passes when exactly one object has `kind` (and `name`, when given) and it contains `partial`
   * (objects by their keys, arrays element by element with the same length; asymmetric matchers
   * such as `expect.stringMatching` work).
   */
  toHaveObject(received: Synthesizable, kind: string, name?: string, partial?: unknown): MatcherResult {
    const objects = toManifests(received, 'toHaveObject');
    const found = findObjects(objects, kind, name);
    const what = `${kind}${name === undefined ? '' : ` '${name}'`}`;
    if (found.length !== 1) {
      const known = objects.filter((o) => o?.kind === kind).map((o) => o?.metadata?.name);
      return {
        pass: false,
        message: () => `expected one ${what}, found ${found.length}`
          + (known.length ? `; the ${kind} objects are: ${known.join(', ')}` : `; there is no ${kind} (kinds: ${[...new Set(objects.map((o) => o?.kind))].join(', ')})`),
      };
    }
    const mismatch = partial === undefined ? undefined : firstMismatch(found[0], partial, '');
    const pass = mismatch === undefined;
    return {
      pass,
      message: () => (pass
        ? `expected no ${what}${partial === undefined ? '' : ` containing ${formatValue(partial)}`}, but there is one`
        : `expected ${what} to contain ${formatValue(partial)}, but ${mismatch}`),
    };
  },

  /**
   * Passes when the policies find no error (warnings do not fail). `profile` overrides each
   * chart's own profile; without it, the charts' profiles apply: also to manifests that `synth`
   * returned (a list of them, or some of them); other manifests (parsed YAML, copies) get 'restricted'.
   */
  toPassPolicies(received: Synthesizable, profile?: ProfileLike): MatcherResult {
    const subjects = Array.isArray(received)
      ? (received as any[]).map(subjectOf)
      : policySubjects(constructOf(received, 'toPassPolicies'));
    const report = runPolicies(subjects, profile === undefined ? {} : { profile });
    const pass = report.errors.length === 0;
    const profiles = report.profiles.join(', ');
    return {
      pass,
      message: () => (pass
        ? `expected policy errors (profile ${profiles}), but ${report.objects} objects passed`
        : `expected no policy errors (profile ${profiles}), got ${report.errors.length}:\n${report.errors.map((f) => `  ${formatFinding(f, { ruleId: true })}`).join('\n')}`),
    };
  },

  /**
   * Passes when the NetworkPolicies let `from` open a connection to `to` on `port` (a number or
   * a named container port of `to`): the source's egress and the destination's ingress both allow it.
   */
  toAllowTraffic(received: Synthesizable, from: TrafficEnd, to: TrafficEnd, port: number | string, options: TrafficMatcherOptions = {}): MatcherResult {
    checkValue(TRAFFIC_OPTIONS, options, 'toAllowTraffic', 'options');
    const objects = toManifests(received, 'toAllowTraffic');
    const evaluator = TrafficEvaluator.fromManifests(objects, { defaultNamespace: options.defaultNamespace });
    const verdict = evaluator.check({ from: toPeer(from, 'from'), to: toPeer(to, 'to'), port, protocol: options.protocol });
    return {
      pass: verdict.allowed,
      message: () => `expected traffic to be ${verdict.allowed ? 'denied' : 'allowed'}, but ${verdict.explanation}`,
    };
  },
};

/** The signatures the matchers add to `expect(...)`. */
export interface TimonelMatchers<R> {
  /** Exactly one object of `kind` (and `name`) exists, containing `partial` when given. */
  toHaveObject(kind: string, name?: string, partial?: unknown): R;
  /** The policies find no error (`profile` overrides the charts' own, which also apply to manifests from `synth`). */
  toPassPolicies(profile?: ProfileLike): R;
  /** The NetworkPolicies let `from` reach `to` on `port`. */
  toAllowTraffic(from: TrafficEnd, to: TrafficEnd, port: number | string, options?: TrafficMatcherOptions): R;
}

function toManifests(received: Synthesizable, matcher: string): any[] {
  return Array.isArray(received) ? (received as any[]) : synth(constructOf(received, matcher));
}

function constructOf(received: unknown, matcher: string): IConstruct {
  const c = received as Partial<IConstruct> | undefined;
  if (!c || typeof c !== 'object' || !c.node) {
    const manifest = received as { kind?: unknown; metadata?: { name?: unknown; namespace?: unknown } } | null | undefined;
    const one = manifest !== null && typeof manifest === 'object' && typeof manifest.kind === 'string';
    const name = one && typeof manifest.metadata?.name === 'string'
      ? ` ${typeof manifest.metadata.namespace === 'string' ? `${manifest.metadata.namespace}/` : ''}${manifest.metadata.name}` : '';
    fail({
      prop: matcher,
      message: one ? `needs manifests or a construct as the received value, but got one ${manifest.kind as string} manifest${name}, not a list` : 'needs manifests or a construct as the received value',
      ...(one ? {} : { value: received }),
      allowed: 'a list of manifests, a chart, an App, or a construct in a chart',
      fix: one ? `wrap it in a list: expect([manifest]).${matcher}(...), or pass all the manifests: expect(objs)` : `expect(chart).${matcher}(...)`,
    });
  }
  return c as IConstruct;
}

// A construct stands for the pods of its primary object (a WebApp's Deployment, a Worker's, ...).
function toPeer(end: TrafficEnd, prop: string): TrafficPeer {
  if (typeof end === 'string') return { workload: end };
  const c = end as Partial<IConstruct>;
  if (c && typeof c === 'object' && c.node) {
    const primary = c.node.defaultChild;
    if (!primary || !ApiObject.isApiObject(primary)) {
      fail({
        scope: c as IConstruct, prop, message: 'has no primary Kubernetes object whose pods could send or receive traffic', value: c.node.path,
        allowed: 'a workload construct (WebApp, Worker, StatefulStore, ...), a workload name, or a traffic peer',
      });
    }
    return { workload: primary.name, namespace: primary.metadata.namespace ?? Chart.of(primary).namespace };
  }
  return end as TrafficPeer;
}

// jest's own equality is not importable without jest; this is toMatchObject's subset rule.
function firstMismatch(actual: unknown, expected: unknown, path: string): string | undefined {
  const at = path || 'the object';
  if (isAsymmetric(expected)) {
    return expected.asymmetricMatch(actual) ? undefined : `${at} is ${formatValue(actual)}`;
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return `${at} is ${formatValue(actual)}, not a list`;
    if (actual.length !== expected.length) return `${at} has ${actual.length} items, not ${expected.length}: ${formatValue(actual)}`;
    for (let i = 0; i < expected.length; i++) {
      const m = firstMismatch(actual[i], expected[i], `${path}[${i}]`);
      if (m) return m;
    }
    return undefined;
  }
  if (expected !== null && typeof expected === 'object') {
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) return `${at} is ${formatValue(actual)}`;
    for (const [k, v] of Object.entries(expected)) {
      const m = firstMismatch((actual as Record<string, unknown>)[k], v, path ? `${path}.${k}` : k);
      if (m) return m;
    }
    return undefined;
  }
  return Object.is(actual, expected) ? undefined : `${at} is ${formatValue(actual)}`;
}

function isAsymmetric(x: unknown): x is { asymmetricMatch(other: unknown): boolean } {
  return !!x && typeof x === 'object' && typeof (x as { asymmetricMatch?: unknown }).asymmetricMatch === 'function';
}
