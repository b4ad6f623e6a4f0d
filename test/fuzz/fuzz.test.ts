import { runFuzz } from './fuzz';
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
