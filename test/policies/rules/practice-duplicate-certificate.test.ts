import { WebApp } from '../../../src/constructs/web-app';
import { lines } from '../helpers';
import { newChart, quiet, synth } from '../../support/util';

const RULE = 'practice-duplicate-certificate';
const image = 'ghcr.io/acme/web:1.0.0';
const tls = { clusterIssuer: 'letsencrypt-prod' };

describe('practice-duplicate-certificate', () => {
  test('warns when two apps on one host each have cert-manager issue a certificate (trial M: web and streaming)', () => {
    const chart = newChart('masto', { namespace: 'masto' });
    new WebApp(chart, 'web', { image, ingress: { host: 'social.example.com', className: 'nginx', tls } });
    new WebApp(chart, 'streaming', { image, ingress: { host: 'social.example.com', path: '/api/v1/streaming', className: 'nginx', tls } });
    expect(quiet(() => lines(RULE, synth(chart)))).toEqual([
      "warning: [test.yaml] Ingress masto/masto-streaming 'spec.tls[0].secretName' has cert-manager issue a second certificate for 'social.example.com', which Ingress masto-web already has issued into the Secret 'masto-web-tls', got 'masto-streaming-tls'. "
      + "Fix: let that Ingress issue it, and name its Secret here without an issuer (WebApp: ingress: { host: 'social.example.com', tls: { secretName: 'masto-web-tls' } }, no clusterIssuer)",
    ]);
  });

  test('passes when the second app names the first one\'s Secret without an issuer, or the hosts or namespaces differ', () => {
    const chart = newChart('masto', { namespace: 'masto' });
    new WebApp(chart, 'web', { image, ingress: { host: 'social.example.com', className: 'nginx', tls } });
    new WebApp(chart, 'streaming', { image, ingress: { host: 'social.example.com', path: '/api/v1/streaming', className: 'nginx', tls: { secretName: 'masto-web-tls' } } });
    new WebApp(chart, 'admin', { image, ingress: { host: 'admin.example.com', className: 'nginx', tls } });
    const other = newChart('other', { namespace: 'other' });
    new WebApp(other, 'web', { image, ingress: { host: 'social.example.com', className: 'nginx', tls } });
    expect(quiet(() => lines(RULE, [...synth(chart), ...synth(other)]))).toEqual([]);
  });
});
