import * as fs from 'fs';
import { BUILTIN_RESOURCES } from '../../src/core/api-resources';
import { API_RESOURCES_FILE, pluralOf, renderApiResources } from '../support/api-resources.gen';

describe('BUILTIN_RESOURCES', () => {
  test('is what test/support/api-resources.gen.ts makes from the 1.28 definitions (regenerate: npx tsx test/support/api-resources.gen.ts)', () => {
    expect(fs.readFileSync(API_RESOURCES_FILE, 'utf8')).toBe(renderApiResources());
  });

  test('kinds become plurals as Kubernetes names them', () => {
    expect(['ConfigMap', 'Endpoints', 'Ingress', 'NetworkPolicy', 'PriorityClass', 'Deployment'].map(pluralOf))
      .toEqual(['configmaps', 'endpoints', 'ingresses', 'networkpolicies', 'priorityclasses', 'deployments']);
  });

  test('holds the groups, subresources and RBAC-only resources grants name', () => {
    expect(BUILTIN_RESOURCES['']).toMatchObject({ configmaps: [], secrets: [], endpoints: [], users: [], serviceaccounts: ['token'] });
    expect(BUILTIN_RESOURCES[''].pods).toEqual(expect.arrayContaining(['log', 'exec', 'portforward', 'eviction', 'status']));
    expect(BUILTIN_RESOURCES.apps.deployments).toEqual(['scale', 'status']);
    expect(BUILTIN_RESOURCES['networking.k8s.io']).toHaveProperty('ingresses');
    expect(BUILTIN_RESOURCES['coordination.k8s.io']).toHaveProperty('leases');
    expect(BUILTIN_RESOURCES['certificates.k8s.io']).toHaveProperty('signers');
    // Gone in 1.25; no meta types and no subresource-only kinds.
    expect(BUILTIN_RESOURCES.policy).not.toHaveProperty('podsecuritypolicies');
    expect(BUILTIN_RESOURCES.autoscaling).not.toHaveProperty('scales');
    expect(BUILTIN_RESOURCES).not.toHaveProperty('extensions');
    expect(BUILTIN_RESOURCES['']).not.toHaveProperty('statuses');
  });
});
