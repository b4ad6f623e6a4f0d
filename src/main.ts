// The example platform: `npm run synth` / `cdk8s synth` run this and write dist/.
import { App } from './app/app';
import { TimonelError } from './core/errors';
import { flaskChart } from './examples/flask';
import { helloChart } from './examples/hello';
import { reportsChart } from './examples/reports';
import { shopChart } from './examples/shop';

/** Builds the example platform into `app`. */
export function buildPlatform(app: App): void {
  helloChart(app);
  flaskChart(app);
  shopChart(app);
  reportsChart(app);
}

if (require.main === module) {
  try {
    const app = new App();
    buildPlatform(app);
    app.synth();
  } catch (e) {
    // A TimonelError already says where, what and how to fix: no stack trace.
    console.error(e instanceof TimonelError ? `error: ${e.message}` : e);
    process.exit(1);
  }
}
