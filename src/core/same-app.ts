import { IConstruct } from 'constructs';
import { fail, TimonelErrorDetails } from './errors';

/**
 * One App per construct tree: an App synthesizes only the constructs under it. A verb that wires
 * two constructs (`connectTo`, `allowFrom`, `EgressTarget.app`, a Migration's `before`, a Secret
 * read by its ExternalSecret) checks here that both are in the same App, since across two Apps each
 * would write half of it, and a dependency across them overflows cdk8s's stack at synth.
 */

/** Whether `a` and `b` belong to the same App (the same construct tree). */
export function inSameApp(a: IConstruct, b: IConstruct): boolean {
  return a.node.root === b.node.root;
}

/** The problem of `other`, a construct of another App, given to `prop` of `scope`; `fix` says what to write instead. */
export function otherAppProblem(scope: IConstruct, prop: string, other: IConstruct, fix: string): TimonelErrorDetails {
  return {
    scope, prop,
    message: 'is given a construct of another App: an App synthesizes only its own constructs, so each App would write half of what this declares',
    value: other.node.path, allowed: 'a construct of the same App', fix,
  };
}

/** Fails unless `other` belongs to the App of `scope`; `fix` (made only then) says what to write instead. */
export function checkSameApp(scope: IConstruct, prop: string, other: IConstruct, fix: () => string): void {
  if (!inSameApp(scope, other)) fail(otherAppProblem(scope, prop, other, fix()));
}
