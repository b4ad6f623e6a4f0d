import { SUPPRESS_PREFIX } from './model';

export { SUPPRESS_PREFIX };

/** The shortest reason a suppression accepts (after trimming). */
export const MIN_REASON_LENGTH = 10;

/**
 * The annotation key that suppresses a rule on an object: `timonel.dev/suppress.<rule-id>`, or
 * with `container` only for the issues about that container: `timonel.dev/suppress.<rule-id>.<container>`.
 */
export function suppressionAnnotation(ruleId: string, container?: string): string {
  return container === undefined ? `${SUPPRESS_PREFIX}${ruleId}` : `${SUPPRESS_PREFIX}${ruleId}.${container}`;
}

/** The longest name part of an annotation key (after the `timonel.dev/` prefix). */
const MAX_KEY_NAME = 63;

/** Whether the container-scoped key of `ruleId` and `container` is a valid annotation key (its name part at most 63 characters). */
export function containerSuppressionFits(ruleId: string, container: string): boolean {
  return suppressionAnnotation(ruleId, container).split('/')[1].length <= MAX_KEY_NAME;
}

/** What is wrong with a suppression reason, or undefined when it is acceptable. */
export function checkSuppressionReason(reason: unknown): string | undefined {
  if (typeof reason !== 'string' || reason.trim() === '') return 'needs a written reason';
  if (reason.trim().length < MIN_REASON_LENGTH) return `needs a written reason of at least ${MIN_REASON_LENGTH} characters, but has ${reason.trim().length}`;
  return undefined;
}

/** For an id not among `knownIds`, a fix naming the closest known id; undefined when the id is known. */
export function suggestRule(ruleId: string, knownIds: readonly string[]): string | undefined {
  if (knownIds.includes(ruleId)) return undefined;
  const near = knownIds.map((id) => ({ id, d: distance(ruleId, id) })).sort((a, b) => a.d - b.d).filter((x) => x.d <= Math.max(3, ruleId.length / 3));
  return near.length ? `did you mean '${near[0].id}'?` : "use an id from 'timonel rules'";
}

function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length];
}
