import { Testing } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { TimonelChart } from '../../../src/app/chart';
import { container, cronJob, deployment, edit, k8sPodSpec, lines, surroundings } from '../helpers';

const ok = [deployment(), ...surroundings(), cronJob()];
const pod = (change: (spec: any) => void) => edit(deployment(), (d) => change(d.spec.template.spec));

describe('pss-baseline-host-namespaces', () => {
  test('passes a pod without host namespaces', () => {
    expect(lines('pss-baseline-host-namespaces', [pod((s) => { s.hostNetwork = false; })])).toEqual([]);
  });
  test('fails hostNetwork, hostPID and hostIPC', () => {
    expect(lines('pss-baseline-host-namespaces', [pod((s) => { s.hostNetwork = true; s.hostPID = true; s.hostIPC = true; })])).toEqual([
      "error: [test.yaml] Deployment shop/web 'spec.template.spec.hostNetwork' must not be true (Pod Security 'baseline'), got true. Fix: remove hostNetwork",
      "error: [test.yaml] Deployment shop/web 'spec.template.spec.hostPID' must not be true (Pod Security 'baseline'), got true. Fix: remove hostPID",
      "error: [test.yaml] Deployment shop/web 'spec.template.spec.hostIPC' must not be true (Pod Security 'baseline'), got true. Fix: remove hostIPC",
    ]);
  });
});

describe('pss-baseline-privileged', () => {
  test('passes unprivileged containers', () => {
    expect(lines('pss-baseline-privileged', [pod((s) => { s.containers[0].securityContext.privileged = false; })])).toEqual([]);
  });
  test('fails a privileged init container and a HostProcess pod', () => {
    expect(lines('pss-baseline-privileged', [pod((s) => {
      s.initContainers = [edit(container('setup'), (c) => { c.securityContext.privileged = true; c.ports = []; })];
      s.securityContext.windowsOptions = { hostProcess: true };
    })])).toEqual([
      "error: [test.yaml] Deployment shop/web 'spec.template.spec.securityContext.windowsOptions.hostProcess' must not be true (Pod Security 'baseline'), got true. Fix: remove hostProcess",
      "error: [test.yaml] Deployment shop/web 'spec.template.spec.initContainers[0].securityContext.privileged' must not be true for init container 'setup' (Pod Security 'baseline'), got true. Fix: remove privileged; grant only the capabilities the process needs",
    ]);
  });
});

describe('pss-baseline-capabilities', () => {
  test('passes capabilities of the default set', () => {
    expect(lines('pss-baseline-capabilities', [pod((s) => { s.containers[0].securityContext.capabilities.add = ['CHOWN', 'NET_BIND_SERVICE']; })], { profile: 'baseline' })).toEqual([]);
  });
  test('fails SYS_ADMIN and NET_ADMIN, also in ephemeral containers', () => {
    expect(lines('pss-baseline-capabilities', [{
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'debug', namespace: 'shop' },
      spec: { containers: [container()], ephemeralContainers: [{ name: 'dbg', image: 'busybox:1.36', securityContext: { capabilities: { add: ['SYS_ADMIN', 'CAP_NET_ADMIN', 'KILL'] } } }] },
    }])).toEqual([
      "error: [test.yaml] Pod shop/debug 'spec.ephemeralContainers[0].securityContext.capabilities.add' adds 'SYS_ADMIN' and 'CAP_NET_ADMIN' to ephemeral container 'dbg', beyond the baseline set (Pod Security 'baseline'), got [\"SYS_ADMIN\",\"CAP_NET_ADMIN\",\"KILL\"]. Allowed: AUDIT_WRITE, CHOWN, DAC_OVERRIDE, FOWNER, FSETID, KILL, MKNOD, NET_BIND_SERVICE, SETFCAP, SETGID, SETPCAP, SETUID, SYS_CHROOT. Fix: remove 'SYS_ADMIN' and 'CAP_NET_ADMIN'",
    ]);
  });
});

describe('pss-baseline-host-path', () => {
  test('passes emptyDir, configMap and PVC volumes', () => {
    expect(lines('pss-baseline-host-path', ok)).toEqual([]);
  });
  test('fails a hostPath volume', () => {
    expect(lines('pss-baseline-host-path', [pod((s) => { s.volumes.push({ name: 'docker', hostPath: { path: '/var/run/docker.sock' } }); })])).toEqual([
      "error: [test.yaml] Deployment shop/web 'spec.template.spec.volumes[1].hostPath' mounts the node's '/var/run/docker.sock' into volume 'docker' (Pod Security 'baseline'). Fix: use an emptyDir, a PersistentVolumeClaim or a CSI volume instead",
    ]);
  });
});

describe('pss-baseline-host-ports', () => {
  test('passes container ports without hostPort (or hostPort 0)', () => {
    expect(lines('pss-baseline-host-ports', [pod((s) => { s.containers[0].ports[0].hostPort = 0; })])).toEqual([]);
  });
  test('fails a hostPort', () => {
    expect(lines('pss-baseline-host-ports', [pod((s) => { s.containers[0].ports[0].hostPort = 80; })])).toEqual([
      "error: [test.yaml] Deployment shop/web 'spec.template.spec.containers[0].ports[0].hostPort' must not be set on container 'main' (Pod Security 'baseline'), got 80. Fix: remove hostPort and reach the pod through a Service",
    ]);
  });
});

describe('pss-baseline-apparmor', () => {
  test('passes runtime/default and localhost profiles', () => {
    expect(lines('pss-baseline-apparmor', [edit(deployment(), (d) => {
      d.spec.template.metadata.annotations = { 'container.apparmor.security.beta.kubernetes.io/main': 'runtime/default' };
      d.spec.template.spec.securityContext.appArmorProfile = { type: 'Localhost', localhostProfile: 'k8s-web' };
    })])).toEqual([]);
  });
  test('fails unconfined in the annotation and the field', () => {
    expect(lines('pss-baseline-apparmor', [edit(deployment(), (d) => {
      d.spec.template.metadata.annotations = { 'container.apparmor.security.beta.kubernetes.io/main': 'unconfined' };
      d.spec.template.spec.containers[0].securityContext.appArmorProfile = { type: 'Unconfined' };
    })])).toEqual([
      "error: [test.yaml] Deployment shop/web 'spec.template.metadata.annotations[\"container.apparmor.security.beta.kubernetes.io/main\"]' must not turn AppArmor off (Pod Security 'baseline'), got 'unconfined'. Allowed: 'runtime/default' or 'localhost/<profile>'. Fix: use 'runtime/default' or remove the annotation",
      "error: [test.yaml] Deployment shop/web 'spec.template.spec.containers[0].securityContext.appArmorProfile.type' must not turn AppArmor off for container 'main' (Pod Security 'baseline'), got 'Unconfined'. Allowed: 'RuntimeDefault' or 'Localhost'. Fix: use 'RuntimeDefault'",
    ]);
  });
});

describe('pss-baseline-selinux', () => {
  test('passes container_t and a level', () => {
    expect(lines('pss-baseline-selinux', [pod((s) => { s.securityContext.seLinuxOptions = { type: 'container_t', level: 's0:c123,c456' }; })])).toEqual([]);
  });
  test('fails another type and a custom user', () => {
    expect(lines('pss-baseline-selinux', [pod((s) => { s.containers[0].securityContext.seLinuxOptions = { type: 'spc_t', user: 'system_u' }; })])).toEqual([
      "error: [test.yaml] Deployment shop/web 'spec.template.spec.containers[0].securityContext.seLinuxOptions.type' is not an allowed SELinux type for container 'main' (Pod Security 'baseline'), got 'spc_t'. Allowed: 'container_t', 'container_init_t' or 'container_kvm_t'. Fix: remove seLinuxOptions.type (the runtime assigns container_t)",
      "error: [test.yaml] Deployment shop/web 'spec.template.spec.containers[0].securityContext.seLinuxOptions.user' must not be set for container 'main' (Pod Security 'baseline'), got 'system_u'. Fix: remove seLinuxOptions.user",
    ]);
  });
});

describe('pss-baseline-proc-mount', () => {
  test('passes the Default proc mount', () => {
    expect(lines('pss-baseline-proc-mount', [pod((s) => { s.containers[0].securityContext.procMount = 'Default'; })])).toEqual([]);
  });
  test('fails Unmasked', () => {
    expect(lines('pss-baseline-proc-mount', [pod((s) => { s.containers[0].securityContext.procMount = 'Unmasked'; })])).toEqual([
      "error: [test.yaml] Deployment shop/web 'spec.template.spec.containers[0].securityContext.procMount' must be 'Default' for container 'main' (Pod Security 'baseline'), got 'Unmasked'. Fix: remove procMount",
    ]);
  });
});

describe('pss-baseline-seccomp', () => {
  test('passes RuntimeDefault', () => {
    expect(lines('pss-baseline-seccomp', ok)).toEqual([]);
  });
  test('fails Unconfined at pod and container level', () => {
    expect(lines('pss-baseline-seccomp', [pod((s) => {
      s.securityContext.seccompProfile.type = 'Unconfined';
      s.containers[0].securityContext.seccompProfile = { type: 'Unconfined' };
    })])).toEqual([
      "error: [test.yaml] Deployment shop/web 'spec.template.spec.securityContext.seccompProfile.type' must not be 'Unconfined' for the pod (Pod Security 'baseline'), got 'Unconfined'. Allowed: 'RuntimeDefault' or 'Localhost'. Fix: use 'RuntimeDefault'",
      "error: [test.yaml] Deployment shop/web 'spec.template.spec.containers[0].securityContext.seccompProfile.type' must not be 'Unconfined' for container 'main' (Pod Security 'baseline'), got 'Unconfined'. Allowed: 'RuntimeDefault' or 'Localhost'. Fix: use 'RuntimeDefault'",
    ]);
  });
});

describe('pss-baseline-sysctls', () => {
  test('passes safe sysctls', () => {
    expect(lines('pss-baseline-sysctls', [pod((s) => { s.securityContext.sysctls = [{ name: 'net.ipv4.ip_local_port_range', value: '1024 65535' }]; })])).toEqual([]);
  });
  test('fails unsafe sysctls', () => {
    expect(lines('pss-baseline-sysctls', [pod((s) => { s.securityContext.sysctls = [{ name: 'net.core.somaxconn', value: '1024' }]; })])).toEqual([
      "error: [test.yaml] Deployment shop/web 'spec.template.spec.securityContext.sysctls[0].name' is not a safe sysctl (Pod Security 'baseline'), got 'net.core.somaxconn'. Allowed: kernel.shm_rmid_forced, net.ipv4.ip_local_port_range, net.ipv4.ip_unprivileged_port_start, net.ipv4.tcp_syncookies, net.ipv4.ping_group_range, net.ipv4.ip_local_reserved_ports. Fix: remove it, or set it on the node",
    ]);
  });
});

describe('pss-restricted-volume-types', () => {
  test('passes the allowed volume types', () => {
    expect(lines('pss-restricted-volume-types', [pod((s) => {
      s.volumes.push({ name: 'cfg', configMap: { name: 'cfg' } }, { name: 'data', persistentVolumeClaim: { claimName: 'data' } }, { name: 'token', projected: { sources: [] } });
    })])).toEqual([]);
  });
  test('fails nfs (and leaves hostPath to the baseline rule)', () => {
    expect(lines('pss-restricted-volume-types', [pod((s) => {
      s.volumes.push({ name: 'share', nfs: { server: 'nfs.local', path: '/share' } }, { name: 'host', hostPath: { path: '/' } });
    })])).toEqual([
      "error: [test.yaml] Deployment shop/web 'spec.template.spec.volumes[1].nfs' uses the volume type 'nfs' for volume 'share' (Pod Security 'restricted'). Allowed: configMap, csi, downwardAPI, emptyDir, ephemeral, persistentVolumeClaim, projected, secret. Fix: use a PersistentVolumeClaim (or a CSI volume) instead",
    ]);
  });
  test('is off in the baseline profile', () => {
    expect(lines('pss-restricted-volume-types', [pod((s) => { s.volumes.push({ name: 'share', nfs: { server: 'nfs.local', path: '/share' } }); })], { profile: 'baseline' })).toEqual([]);
  });
});

describe('pss-restricted-privilege-escalation', () => {
  test('passes allowPrivilegeEscalation: false', () => {
    expect(lines('pss-restricted-privilege-escalation', ok)).toEqual([]);
  });
  test('fails unset or true, on every kind of container', () => {
    expect(lines('pss-restricted-privilege-escalation', [pod((s) => {
      delete s.containers[0].securityContext.allowPrivilegeEscalation;
      s.initContainers = [edit(container('init'), (c) => { c.securityContext.allowPrivilegeEscalation = true; c.ports = []; })];
    })])).toEqual([
      "error: [test.yaml] Deployment shop/web 'spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation' must be false for container 'main' (Pod Security 'restricted'). Fix: set securityContext.allowPrivilegeEscalation: false",
      "error: [test.yaml] Deployment shop/web 'spec.template.spec.initContainers[0].securityContext.allowPrivilegeEscalation' must be false for init container 'init' (Pod Security 'restricted'), got true. Fix: set securityContext.allowPrivilegeEscalation: false",
    ]);
  });
});

describe('pss-restricted-run-as-non-root', () => {
  test('passes runAsNonRoot at pod level with containers inheriting it', () => {
    expect(lines('pss-restricted-run-as-non-root', [pod((s) => { delete s.containers[0].securityContext.runAsNonRoot; })])).toEqual([]);
  });
  test('passes runAsNonRoot on every container when the pod does not set it', () => {
    expect(lines('pss-restricted-run-as-non-root', [pod((s) => { delete s.securityContext.runAsNonRoot; })])).toEqual([]);
  });
  test('fails a container overriding the pod with false, and containers without it when the pod does not set it', () => {
    expect(lines('pss-restricted-run-as-non-root', [
      pod((s) => { s.containers[0].securityContext.runAsNonRoot = false; }),
      edit(cronJob(), (c) => {
        const s = c.spec.jobTemplate.spec.template.spec;
        delete s.securityContext.runAsNonRoot;
        delete s.containers[0].securityContext.runAsNonRoot;
      }),
    ])).toEqual([
      "error: [test.yaml] Deployment shop/web 'spec.template.spec.containers[0].securityContext.runAsNonRoot' must not be false for container 'main' (Pod Security 'restricted'), got false. Fix: set spec.template.spec.securityContext.runAsNonRoot: true (and runAsUser to a non-zero id such as 10001)",
      "error: [test.yaml] CronJob shop/nightly 'spec.jobTemplate.spec.template.spec.containers[0].securityContext.runAsNonRoot' must be true for container 'main', since spec.jobTemplate.spec.template.spec.securityContext.runAsNonRoot is not true (Pod Security 'restricted'). Fix: set spec.jobTemplate.spec.template.spec.securityContext.runAsNonRoot: true (and runAsUser to a non-zero id such as 10001)",
    ]);
  });
  test('through Testing.synth: a k8s.KubeDeployment in a TimonelChart fails with its construct path', () => {
    const chart = new TimonelChart(Testing.app(), 'shop', { namespace: 'shop', createNamespace: false });
    const spec = k8sPodSpec({ runAsNonRoot: undefined }, { runAsNonRoot: undefined });
    new k8s.KubeDeployment(chart, 'web', { metadata: { name: 'web' }, spec: { selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec } } });
    expect(() => Testing.synth(chart)).toThrow([
      'Policy check failed with 1 error:',
      "  [shop/web] Deployment shop/web 'spec.template.spec.containers[0].securityContext.runAsNonRoot' must be true for container 'main', since spec.template.spec.securityContext.runAsNonRoot is not true (Pod Security 'restricted'). Fix: set spec.template.spec.securityContext.runAsNonRoot: true (and runAsUser to a non-zero id such as 10001) (pss-restricted-run-as-non-root)",
      "Fix each one, or suppress a rule where it does not apply with a written reason: Policy.suppress(construct, '<rule-id>', '<why>').",
    ].join('\n'));
  });
});

describe('pss-restricted-run-as-user', () => {
  test('passes a non-zero user', () => {
    expect(lines('pss-restricted-run-as-user', ok)).toEqual([]);
  });
  test('fails user 0 at pod and container level', () => {
    expect(lines('pss-restricted-run-as-user', [pod((s) => { s.securityContext.runAsUser = 0; s.containers[0].securityContext.runAsUser = 0; })])).toEqual([
      "error: [test.yaml] Deployment shop/web 'spec.template.spec.securityContext.runAsUser' must not be 0 (root) for the pod (Pod Security 'restricted'), got 0. Fix: use a non-zero user id such as 10001",
      "error: [test.yaml] Deployment shop/web 'spec.template.spec.containers[0].securityContext.runAsUser' must not be 0 (root) for container 'main' (Pod Security 'restricted'), got 0. Fix: use a non-zero user id such as 10001",
    ]);
  });
});

describe('pss-restricted-seccomp', () => {
  test('passes RuntimeDefault at pod level, or Localhost on every container', () => {
    expect(lines('pss-restricted-seccomp', [
      ...ok,
      pod((s) => { delete s.securityContext.seccompProfile; s.containers[0].securityContext.seccompProfile = { type: 'Localhost', localhostProfile: 'web.json' }; }),
    ])).toEqual([]);
  });
  test('fails no profile for the pod nor its containers', () => {
    expect(lines('pss-restricted-seccomp', [pod((s) => { delete s.securityContext.seccompProfile; })])).toEqual([
      "error: [test.yaml] Deployment shop/web 'spec.template.spec.containers[0].securityContext.seccompProfile.type' must be 'RuntimeDefault' or 'Localhost' for container 'main', since spec.template.spec.securityContext.seccompProfile.type is not set (Pod Security 'restricted'). Fix: set spec.template.spec.securityContext.seccompProfile.type: RuntimeDefault",
    ]);
  });
  test('does not apply to Windows pods', () => {
    expect(lines('pss-restricted-seccomp', [pod((s) => { delete s.securityContext.seccompProfile; s.os = { name: 'windows' }; })])).toEqual([]);
  });
});

describe('pss-restricted-capabilities', () => {
  test('passes drop ALL with NET_BIND_SERVICE added back', () => {
    expect(lines('pss-restricted-capabilities', [pod((s) => { s.containers[0].securityContext.capabilities.add = ['NET_BIND_SERVICE']; })])).toEqual([]);
  });
  test('fails without drop ALL, and adding a default capability', () => {
    expect(lines('pss-restricted-capabilities', [pod((s) => { s.containers[0].securityContext.capabilities = { drop: ['NET_RAW'], add: ['CHOWN'] }; })])).toEqual([
      "error: [test.yaml] Deployment shop/web 'spec.template.spec.containers[0].securityContext.capabilities.drop' must include 'ALL' for container 'main' (Pod Security 'restricted'), got [\"NET_RAW\"]. Fix: set capabilities.drop: ['ALL']",
      "error: [test.yaml] Deployment shop/web 'spec.template.spec.containers[0].securityContext.capabilities.add' adds 'CHOWN' to container 'main'; only 'NET_BIND_SERVICE' may be added (Pod Security 'restricted'), got [\"CHOWN\"]. Allowed: 'NET_BIND_SERVICE'. Fix: remove 'CHOWN'",
    ]);
  });
});
