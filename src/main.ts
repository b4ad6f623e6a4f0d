// The example platform: `npm run synth` / `cdk8s synth` run this and write dist/<env>/ for every
// environment; `TIMONEL_ENV=dev` or `npm run synth -- --env dev` writes only dist/dev/.
import { formatAppError } from './cli/synth';
import { platform } from './examples/platform';

export { buildPlatform } from './examples/platform';

/** The value of `--env <name>` or `--env=<name>` in `argv`, if any. */
export function envFlag(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--env') return argv[i + 1];
    if (argv[i].startsWith('--env=')) return argv[i].slice('--env='.length);
  }
  return undefined;
}

if (require.main === module) {
  try {
    platform({ only: envFlag(process.argv.slice(2)) }).synth();
  } catch (e) {
    // As `timonel synth` prints it: `error: …` lines (TIMONEL_DEBUG=1 adds the stack of an unexpected error).
    process.stderr.write(formatAppError(e));
    process.exit(1);
  }
}
