// `import 'timonel/testing/jest'` (in a test file, or in jest's `setupFilesAfterEnv`) adds timonel's
// matchers to jest's `expect`. It needs no jest configuration of timonel's.
import { fail } from '../core/errors';
import { TimonelMatchers, timonelMatchers } from './matchers';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace jest {
    // eslint-disable-next-line @typescript-eslint/no-empty-interface
    interface Matchers<R> extends TimonelMatchers<R> {}
  }
}

const runner = globalThis as { expect?: { extend(matchers: Record<string, unknown>): void } };
if (typeof runner.expect?.extend !== 'function') {
  fail({
    path: 'timonel/testing/jest', message: "must be imported inside a jest test run: jest's global 'expect' is missing",
    fix: "import { timonelMatchers } from 'timonel/testing' and pass them to your runner's expect.extend",
  });
}
runner.expect.extend(timonelMatchers);
