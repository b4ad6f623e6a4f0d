import * as path from 'path';
import { App } from '../app/app';
import { Environments, EnvironmentsProps } from '../app/environments';
import { Policy } from '../policies/policy';
import { Profile } from '../policies/profiles';
import { flaskChart } from './flask';
import { helloChart } from './hello';
import { loggingChart } from './logging';
import { requirePartOf } from './part-of-rule';
import { reportsChart } from './reports';
import { SHOP_DEFAULTS, shopChart, ShopValues } from './shop';

/** What may differ between the example platform's environments. */
export interface PlatformValues {
  /** The policy profile of every chart. */
  readonly profile: 'restricted' | 'baseline';
  readonly shop: ShopValues;
}

/** The values every environment starts from. */
export const PLATFORM_DEFAULTS: PlatformValues = { profile: 'restricted', shop: SHOP_DEFAULTS };

/** Builds the example platform into `app`, with `values`. */
export function buildPlatform(app: App, values: PlatformValues = PLATFORM_DEFAULTS): void {
  // The built-in profile, plus a rule of the platform's own.
  Policy.setDefault(app, Profile.custom({ name: values.profile, extends: values.profile, rules: [requirePartOf] }));
  helloChart(app);
  flaskChart(app);
  shopChart(app, values.shop);
  reportsChart(app);
  loggingChart(app);
}

/**
 * The example platform in two environments: `dev` (overrides in code: one small pod per app, a
 * staging host and certificate issuer, the API's release candidate, ephemeral stores) and `prod`
 * (overrides in src/examples/values/prod.yaml: more replicas and resources, wider autoscaling,
 * persistent stores), delivered by Argo CD from the repository's `dist/` folder.
 */
export function platform(props: Pick<EnvironmentsProps<PlatformValues>, 'outdir' | 'only' | 'appProps' | 'delivery'> = {}): Environments<PlatformValues> {
  return new Environments<PlatformValues>({
    // Argo CD: sync waves on every object, and an app of apps per environment in dist/delivery/<env>/.
    delivery: { tool: 'argocd', repository: { url: 'https://github.com/acme/platform.git', path: 'dist' } },
    ...props,
    defaults: PLATFORM_DEFAULTS,
    environments: {
      dev: {
        values: {
          shop: {
            web: { host: 'shop.dev.example.com', clusterIssuer: 'letsencrypt-staging', replicas: 1, autoscaling: null },
            api: { tag: '3.3.0-rc.1', replicas: 1, cpu: '50m', memoryRequest: '128Mi', memoryLimit: '256Mi' },
            // Throwaway data: no volumes to provision or clean up (practice-ephemeral-data suppressed, with reasons).
            db: { storage: '2Gi', ephemeral: true },
            cache: { ephemeral: true },
          },
        },
      },
      prod: { valuesFile: path.join(__dirname, 'values', 'prod.yaml') },
    },
    build: (app, env) => buildPlatform(app, env.values),
  });
}
