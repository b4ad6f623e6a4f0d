import { fieldPath } from '../model';
import { defineRule } from '../rule';
import { arr, containerSecurity, obj, podSecurity, runnableContainers } from './util';

// The kernel's default first unprivileged port, and the (namespaced, Kubernetes-safe) sysctl that moves it.
const FIRST_UNPRIVILEGED = 1024;
const SYSCTL = 'net.ipv4.ip_unprivileged_port_start';

/**
 * A non-root container that listens below 1024. Whether it can bind depends on the node's
 * runtime: containerd 2.x's CRI plugin (enable_unprivileged_ports) and Docker/cri-dockerd set the
 * pod's net.ipv4.ip_unprivileged_port_start to 0; CRI-O and containerd 1.x keep the kernel's 1024.
 * The manifest cannot tell which, hence a warning (suppressible with the reason).
 */
export default defineRule({
  id: 'practice-privileged-port',
  severity: 'warning',
  category: 'practice',
  rationale: "A non-root container cannot listen below port 1024 where the runtime keeps the kernel's boundary (CRI-O, containerd 1.x; containerd 2.x and Docker lower it): the server fails to bind and the pod crash-loops.",
  pods: true,
  check(o, report) {
    const pod = o.pod!;
    if (pod.windows) return;
    const ps = podSecurity(pod).sc;
    const sysctl = arr(ps.sysctls).find((s) => s?.name === SYSCTL);
    const start = sysctl === undefined ? FIRST_UNPRIVILEGED : Number(sysctl.value);
    for (const c of runnableContainers(pod)) {
      const sc = containerSecurity(c).sc;
      const user = sc.runAsUser ?? ps.runAsUser;
      const nonRoot = typeof user === 'number' ? user !== 0 : (sc.runAsNonRoot ?? ps.runAsNonRoot) === true;
      if (!nonRoot) continue;
      // With privilege escalation allowed, the binary's file capability (setcap) can still grant it;
      // under allowPrivilegeEscalation: false (no_new_privs) an added NET_BIND_SERVICE reaches no non-root process.
      const adds = arr(obj(sc.capabilities).add).some((cap) => String(cap).replace(/^CAP_/, '') === 'NET_BIND_SERVICE');
      if (adds && sc.allowPrivilegeEscalation !== false) continue;
      arr(c.container.ports).forEach((p, i) => {
        const port = obj(p).containerPort;
        if (typeof port !== 'number' || port < 1 || !(port < start)) return;
        report({
          field: fieldPath(fieldPath(fieldPath(c.path, 'ports'), i), 'containerPort'),
          message: `is below ${FIRST_UNPRIVILEGED} for ${c.label}, which runs as a non-root user: on nodes whose runtime keeps the kernel's privileged ports `
            + `(CRI-O and containerd 1.x by default, ${SYSCTL}=${FIRST_UNPRIVILEGED}) it cannot listen there and the pod crash-loops; containerd 2.x and Docker set it to 0`,
          value: port,
          allowed: `a port from ${FIRST_UNPRIVILEGED}, or the pod sysctl ${SYSCTL} at most the port`,
          fix: `listen on ${port + 8000} and keep ${port} for clients on the Service (WebApp: port: ${port + 8000}, service: { port: ${port} }), `
            + `or set the pod sysctl ${SYSCTL}: '0' (safe since Kubernetes 1.22, allowed by Pod Security; on a timonel workload with patchManifest(obj, JsonPatch.add('/spec/template/spec/securityContext/sysctls', [{ name: '${SYSCTL}', value: '0' }]))); adding NET_BIND_SERVICE does not help a non-root process `
            + 'under allowPrivilegeEscalation: false; where every node runs containerd 2.x, suppress the rule with that reason',
        });
      });
    }
  },
});
