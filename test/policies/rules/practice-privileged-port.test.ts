import { WebApp } from '../../../src/constructs/web-app';
import { Policy } from '../../../src/policies/policy';
import { deployment, edit, lines } from '../helpers';
import { newChart } from '../../support/util';
import { synth } from '../../../src/testing';

const RULE = 'practice-privileged-port';
const onPort = (port: number, change: (spec: any) => void = () => undefined) => edit(deployment(), (d) => {
  d.spec.template.spec.containers[0].ports = [{ name: 'http', containerPort: port }];
  change(d.spec.template.spec);
});

describe('practice-privileged-port', () => {
  test('warns about a port below 1024 in a non-root container (restricted defaults), naming the runtimes and the fixes', () => {
    expect(lines(RULE, [onPort(80)])).toEqual([
      "warning: [test.yaml] Deployment shop/web 'spec.template.spec.containers[0].ports[0].containerPort' is below 1024 for container 'main', which runs as a non-root user: "
      + "on nodes whose runtime keeps the kernel's privileged ports (CRI-O and containerd 1.x by default, net.ipv4.ip_unprivileged_port_start=1024) it cannot listen there "
      + 'and the pod crash-loops; containerd 2.x and Docker set it to 0, got 80. '
      + 'Allowed: a port from 1024, or the pod sysctl net.ipv4.ip_unprivileged_port_start at most the port. '
      + 'Fix: listen on 8080 and keep 80 for clients on the Service (WebApp: port: 8080, service: { port: 80 }), '
      + "or set the pod sysctl net.ipv4.ip_unprivileged_port_start: '0' (safe since Kubernetes 1.22, allowed by Pod Security; on a timonel workload with "
      + "patchManifest(obj, JsonPatch.add('/spec/template/spec/securityContext/sysctls', [{ name: 'net.ipv4.ip_unprivileged_port_start', value: '0' }]))); "
      + 'adding NET_BIND_SERVICE does not help a non-root process under allowPrivilegeEscalation: false; where every node runs containerd 2.x, suppress the rule with that reason',
    ]);
    // NET_BIND_SERVICE under allowPrivilegeEscalation: false (no_new_privs) does not reach a non-root process.
    expect(lines(RULE, [onPort(443, (s) => { s.containers[0].securityContext.capabilities.add = ['NET_BIND_SERVICE']; })])).toHaveLength(1);
  });

  test('passes ports from 1024, root containers, a pod sysctl that lowers the boundary, and NET_BIND_SERVICE with escalation allowed', () => {
    expect(lines(RULE, [onPort(1024), onPort(8080)])).toEqual([]);
    expect(lines(RULE, [onPort(80, (s) => { s.securityContext.runAsUser = 0; s.securityContext.runAsNonRoot = false; s.containers[0].securityContext.runAsNonRoot = false; })])).toEqual([]);
    expect(lines(RULE, [onPort(80, (s) => { s.securityContext.sysctls = [{ name: 'net.ipv4.ip_unprivileged_port_start', value: '0' }]; })])).toEqual([]);
    expect(lines(RULE, [onPort(80, (s) => { s.securityContext.sysctls = [{ name: 'net.ipv4.ip_unprivileged_port_start', value: '100' }]; })])).toHaveLength(1);
    expect(lines(RULE, [onPort(80, (s) => {
      Object.assign(s.containers[0].securityContext, { allowPrivilegeEscalation: true, capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] } });
    })])).toEqual([]);
    // The image's user is unknown without runAsUser or runAsNonRoot.
    expect(lines(RULE, [onPort(80, (s) => { delete s.securityContext.runAsUser; delete s.securityContext.runAsNonRoot; delete s.containers[0].securityContext.runAsNonRoot; })])).toEqual([]);
  });

  test('a WebApp on port 80 with the defaults warns at synth; a reasoned suppression silences it', () => {
    const chart = newChart('shop', { namespace: 'shop' });
    const web = new WebApp(chart, 'web', { image: 'nginxinc/nginx-unprivileged:1.27.2', port: 80, isolate: true });
    expect(lines(RULE, synth(chart))).toHaveLength(1);
    Policy.suppress(web, RULE, 'every node pool runs containerd 2.x, which lowers ip_unprivileged_port_start to 0');
    expect(lines(RULE, synth(chart))).toEqual([]);
  });
});
