import { Disagreement, runAgreement, runFuzz } from './fuzz';
import { CHECKED, FUZZ_TARGETS } from './targets';

// Seeded, so a failure here reproduces with `npm run fuzz -- --n <cases> --seed 7 --only <Construct>`.
describe('props fuzzing', () => {
  test('nothing but TimonelError is thrown, and every accepted output passes the 1.28 schema and the API rules', () => {
    const r = runFuzz({ n: 3000, seed: 7, targets: FUZZ_TARGETS.filter((t) => CHECKED.has(t.name)) });
    const failures = r.failures.slice(0, 3).map((f) => `case ${f.case} ${f.target} ${f.kind}: ${f.props}\n${f.detail}`).join('\n\n');
    expect({ exceptions: r.exceptions, invalidOutputs: r.invalidOutputs, failures }).toEqual({ exceptions: 0, invalidOutputs: 0, failures: '' });
    // The generator must reach both sides: prop sets that are accepted and ones that are rejected.
    for (const [name, s] of Object.entries(r.byTarget)) expect({ name, accepted: s.accepted > s.cases / 20 }).toEqual({ name, accepted: true });
    expect(r.rejected).toBeGreaterThan(r.cases / 10);
  }, 60000);

  test('every problem a TimonelError reports says what is allowed and how to fix it', () => {
    const r = runFuzz({ n: 3000, seed: 7, targets: FUZZ_TARGETS.filter((t) => CHECKED.has(t.name)) });
    expect(r.problems).toBeGreaterThan(r.cases);
    expect(r.withoutFix).toEqual({});
    expect(r.withoutAllowed).toEqual({});
  }, 60000);
});

// validateProps must judge a prop set as the construct does: built in the same chart and App, its
// validations run and its objects rendered with the chart's policies (trial R, R2: the props spec
// alone accepted 1,391 of these 18,000 prop sets, about 8%, that the constructor refused).
describe('validateProps agrees with the construct', () => {
  test('for 1,000 generated prop sets per construct, validateProps accepts exactly those the construct accepts, with the same problems', () => {
    const r = runAgreement({ n: 9000, seed: 7 });
    const show = (ds: readonly Disagreement[]) => ds.slice(0, 3).map((d) => `case ${d.case} ${d.target} ${d.props} ${d.options}\n  validateProps: ${d.validateProps}\n  construct:     ${d.construct}`).join('\n');
    expect({ exceptions: show(r.exceptions), disagreements: show(r.disagreements), otherProblems: show(r.otherProblems) }).toEqual({ exceptions: '', disagreements: '', otherProblems: '' });
    // Both sides are reached for every construct.
    for (const [name, s] of Object.entries(r.byTarget)) expect({ name, cases: s.cases, someAccepted: s.accepted > s.cases / 20 }).toEqual({ name, cases: 1000, someAccepted: true });
  }, 120000);
});
