// `npm run fuzz -- --n 10000 [--seed 1] [--show 5] [--show-nofix 20] [--show-noallowed 20]`: runs the props fuzzer and prints its counts.
// `npm run fuzz -- --validate-props --n 18000 [--seed 7] [--only WebApp]`: compares validateProps with the constructs instead.
import { runAgreement, runFuzz } from './fuzz';
import { FUZZ_TARGETS } from './targets';

function arg(name: string, def: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : def;
}

const n = arg('n', 2000);
const seed = arg('seed', 1);
const started = process.hrtime.bigint();
const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1].split(',') : undefined;
if (process.argv.includes('--validate-props')) {
  const a = runAgreement({ n, seed, targets: only });
  console.log(`validateProps vs the constructs: ${a.cases} cases (seed ${seed}) in ${(Number(process.hrtime.bigint() - started) / 1e9).toFixed(1)} s`);
  console.log(`  both accepted:                          ${a.accepted}`);
  console.log(`  judged otherwise (accepted vs refused): ${a.disagreements.length}`);
  console.log(`  both refused, other problems:           ${a.otherProblems.length}`);
  console.log(`  exceptions other than TimonelError:     ${a.exceptions.length}`);
  for (const [name, s] of Object.entries(a.byTarget)) console.log(`  ${name}: ${s.cases} cases, ${s.accepted} accepted, ${s.disagreements} judged otherwise`);
  for (const d of [...a.exceptions, ...a.disagreements, ...a.otherProblems].slice(0, arg('show', 5))) {
    console.log(`\ncase ${d.case} ${d.target}\n  props: ${d.props}\n  options: ${d.options}\n  validateProps: ${d.validateProps}\n  construct:     ${d.construct}`);
  }
  process.exitCode = a.exceptions.length + a.disagreements.length + a.otherProblems.length > 0 ? 1 : 0;
} else fuzz();

function fuzz(): void {
  const r = runFuzz({ n, seed, targets: only ? FUZZ_TARGETS.filter((t) => only.includes(t.name)) : undefined });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  console.log(`fuzz: ${r.cases} cases (seed ${seed}) in ${seconds.toFixed(1)} s`);
  console.log(`  rejected with a TimonelError when built: ${r.rejected}`);
  console.log(`  rejected with a TimonelError at synth:   ${r.rejectedAtSynth}`);
  console.log(`  accepted, valid (schema + API rules):    ${r.accepted}`);
  console.log(`  exceptions other than TimonelError:      ${r.exceptions}`);
  console.log(`  accepted but invalid outputs:            ${r.invalidOutputs}`);
  const noFix = Object.entries(r.withoutFix).sort((a, b) => b[1] - a[1]);
  const noFixCount = noFix.reduce((n, [, c]) => n + c, 0);
  console.log(`  problems reported without a fix:        ${noFixCount} of ${r.problems}`);
  for (const [m, c] of noFix.slice(0, arg('show-nofix', 0))) console.log(`    ${c}× ${m}`);
  const noAllowed = Object.entries(r.withoutAllowed).sort((a, b) => b[1] - a[1]);
  console.log(`  problems reported without \`allowed\`:    ${noAllowed.reduce((n, [, c]) => n + c, 0)} of ${r.problems}`);
  for (const [m, c] of noAllowed.slice(0, arg('show-noallowed', 0))) console.log(`    ${c}× ${m}`);
  for (const [name, s] of Object.entries(r.byTarget)) console.log(`  ${name}: ${s.cases} cases, ${s.accepted} accepted`);
  for (const f of r.failures.slice(0, arg('show', 5))) {
    console.log(`\ncase ${f.case} ${f.target} ${f.kind}\n  props: ${f.props}\n  ${f.detail.replace(/\n/g, '\n  ')}`);
  }
  process.exitCode = r.exceptions + r.invalidOutputs > 0 ? 1 : 0;
}
