/**
 * The Pod Security Standards (Kubernetes 1.28) as checks on one pod template: "baseline" for
 * everything rendered, "restricted" on top for our own workloads. hostPath volumes, forbidden by
 * baseline, are reported by the separate `no-host-path` check so a waiver names that one need.
 */
import type { PodTemplate } from '../kube-object';

type SecurityContext = {
  privileged?: boolean;
  allowPrivilegeEscalation?: boolean;
  runAsNonRoot?: boolean;
  runAsUser?: number;
  procMount?: string;
  capabilities?: { add?: string[]; drop?: string[] };
  seccompProfile?: { type?: string };
  seLinuxOptions?: { type?: string; user?: string; role?: string };
  windowsOptions?: { hostProcess?: boolean };
};
type Container = { name: string; ports?: { hostPort?: number }[]; securityContext?: SecurityContext };
type PodSecurityContext = SecurityContext & { sysctls?: { name: string }[] };

const BASELINE_CAPABILITIES = new Set(['AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT']);
const SAFE_SYSCTLS = new Set(['kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.ip_unprivileged_port_start', 'net.ipv4.tcp_syncookies', 'net.ipv4.ping_group_range', 'net.ipv4.ip_local_reserved_ports']);
const SELINUX_TYPES = new Set(['', 'container_t', 'container_init_t', 'container_kvm_t']);
const RESTRICTED_VOLUMES = new Set(['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret']);
const APPARMOR_PREFIX = 'container.apparmor.security.beta.kubernetes.io/';

function containersOf(spec: Record<string, unknown>): { kind: string; c: Container }[] {
  const list = (key: string, kind: string) => ((spec[key] as Container[] | undefined) ?? []).map((c) => ({ kind, c }));
  return [...list('initContainers', 'init container'), ...list('containers', 'container'), ...list('ephemeralContainers', 'ephemeral container')];
}

/** Violations of "baseline", one message each. */
export function baselineViolations({ metadata, spec }: PodTemplate): string[] {
  const out: string[] = [];
  const pod = (spec.securityContext as PodSecurityContext | undefined) ?? {};
  for (const ns of ['hostNetwork', 'hostPID', 'hostIPC'] as const) if (spec[ns] === true) out.push(`${ns}: true shares the node's namespace`);
  if (pod.windowsOptions?.hostProcess) out.push('securityContext.windowsOptions.hostProcess: true');
  if (pod.seccompProfile?.type === 'Unconfined') out.push('securityContext.seccompProfile: Unconfined');
  checkSeLinux('securityContext', pod.seLinuxOptions, out);
  for (const s of pod.sysctls ?? []) if (!SAFE_SYSCTLS.has(s.name)) out.push(`securityContext.sysctls: "${s.name}" is not a safe sysctl`);
  for (const [key, value] of Object.entries(metadata.annotations ?? {})) {
    if (key.startsWith(APPARMOR_PREFIX) && value !== 'runtime/default' && !value.startsWith('localhost/')) out.push(`annotation ${key}: AppArmor profile "${value}"`);
  }
  for (const { kind, c } of containersOf(spec)) {
    const at = `${kind} "${c.name}"`;
    const sc = c.securityContext ?? {};
    if (sc.privileged) out.push(`${at}: privileged`);
    if (sc.windowsOptions?.hostProcess) out.push(`${at}: windowsOptions.hostProcess: true`);
    const extra = (sc.capabilities?.add ?? []).filter((cap) => !BASELINE_CAPABILITIES.has(cap));
    if (extra.length > 0) out.push(`${at}: adds capabilities ${extra.join(', ')}`);
    for (const p of c.ports ?? []) if (p.hostPort) out.push(`${at}: hostPort ${p.hostPort}`);
    if (sc.procMount !== undefined && sc.procMount !== 'Default') out.push(`${at}: procMount ${sc.procMount}`);
    if (sc.seccompProfile?.type === 'Unconfined') out.push(`${at}: seccompProfile Unconfined`);
    checkSeLinux(`${at}: seLinuxOptions`, sc.seLinuxOptions, out);
  }
  return out;
}

function checkSeLinux(at: string, o: SecurityContext['seLinuxOptions'], out: string[]): void {
  if (!o) return;
  if (o.type !== undefined && !SELINUX_TYPES.has(o.type)) out.push(`${at}: SELinux type "${o.type}"`);
  if (o.user !== undefined || o.role !== undefined) out.push(`${at}: SELinux user/role set`);
}

/** Violations of "restricted" beyond "baseline", one message each. */
export function restrictedViolations({ spec }: PodTemplate): string[] {
  const out: string[] = [];
  const pod = (spec.securityContext as PodSecurityContext | undefined) ?? {};
  for (const v of (spec.volumes as Record<string, unknown>[] | undefined) ?? []) {
    const type = Object.keys(v).find((k) => k !== 'name');
    if (type && type !== 'hostPath' && !RESTRICTED_VOLUMES.has(type)) out.push(`volume "${v.name as string}": type ${type} is not allowed`);
  }
  if (pod.runAsUser === 0) out.push('securityContext.runAsUser: 0');
  for (const { kind, c } of containersOf(spec)) {
    const at = `${kind} "${c.name}"`;
    const sc = c.securityContext ?? {};
    if (sc.allowPrivilegeEscalation !== false) out.push(`${at}: allowPrivilegeEscalation must be false`);
    if ((sc.runAsNonRoot ?? pod.runAsNonRoot) !== true) out.push(`${at}: runAsNonRoot must be true (container or pod)`);
    if (sc.runAsUser === 0) out.push(`${at}: runAsUser: 0`);
    const seccomp = sc.seccompProfile?.type ?? pod.seccompProfile?.type;
    if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost') out.push(`${at}: seccompProfile must be RuntimeDefault or Localhost (container or pod)`);
    if (!(sc.capabilities?.drop ?? []).includes('ALL')) out.push(`${at}: capabilities must drop ALL`);
    const added = (sc.capabilities?.add ?? []).filter((cap) => cap !== 'NET_BIND_SERVICE');
    if (added.length > 0) out.push(`${at}: may add only NET_BIND_SERVICE, adds ${added.join(', ')}`);
  }
  return out;
}
