import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { DEFAULTS } from '../../core/defaults';
import { fail } from '../../core/errors';
import { isValidName, NameRule, validateName } from '../../core/names';
import { validateQuantity } from '../../core/quantity';
import type { MountSpec, VolumeSpec } from '../../workload/pod';

/** How a volume can be mounted. @see https://kubernetes.io/docs/concepts/storage/persistent-volumes/#access-modes */
export type AccessMode = 'ReadWriteOnce' | 'ReadOnlyMany' | 'ReadWriteMany' | 'ReadWriteOncePod';

/** The access modes Kubernetes knows. */
export const ACCESS_MODES: readonly AccessMode[] = ['ReadWriteOnce', 'ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOncePod'];

/**
 * A persistent volume per pod: a volumeClaimTemplate of the StatefulSet, mounted into the main
 * container. Each pod gets its own PersistentVolumeClaim `<name>-<statefulset>-<ordinal>`.
 * @see https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/#volume-claim-templates
 */
export interface StorageClaimProps {
  /** The claim's name (also the pod volume's name), a DNS-1123 label, unique per store. @default 'data' */
  readonly name?: string;
  /** Where the main container mounts it: an absolute path. */
  readonly mountPath: string;
  /**
   * The requested size, a storage quantity such as '10Gi' or '500Mi'. A StatefulSet's claims
   * cannot change once it exists: docs/stateful-store.md ("Growing a volume") says how to grow them.
   * @default '10Gi'
   */
  readonly size?: string;
  /**
   * The StorageClass that provisions the volume. `''` means no class: no dynamic provisioning, the
   * claim binds a PersistentVolume created beforehand (by hand, or by another tool) whose
   * `storageClassName` is empty too, and waits (the pod stays Pending) until there is one. The class
   * cannot change once the claims exist: docs/stateful-store.md ("Changing the storage class").
   * @default - the cluster's default StorageClass
   * @see https://kubernetes.io/docs/concepts/storage/persistent-volumes/#class-1
   */
  readonly storageClassName?: string;
  /** @default ['ReadWriteOnce'] */
  readonly accessModes?: AccessMode[];
}

/** The data volume of a preset (PostgreSQL, Redis): its mount path is the preset's. */
export interface PresetStorageOptions {
  /**
   * The claim's size; with `ephemeral`, the emptyDir's size limit. A claim cannot change once the
   * StatefulSet exists: docs/stateful-store.md ("Growing a volume") says how to grow it.
   * @default - '10Gi' ('1Gi' with `ephemeral`)
   */
  readonly size?: string;
  /**
   * The StorageClass that provisions the volume. `''` means no class: no dynamic provisioning, the
   * claim binds a PersistentVolume created beforehand (by hand, or by another tool) whose
   * `storageClassName` is empty too, and waits (the pod stays Pending) until there is one. The class
   * cannot change once the claims exist: docs/stateful-store.md ("Changing the storage class").
   * @default - the cluster's default StorageClass
   * @see https://kubernetes.io/docs/concepts/storage/persistent-volumes/#class-1
   */
  readonly storageClassName?: string;
  /** @default ['ReadWriteOnce'] */
  readonly accessModes?: AccessMode[];
}

/** How a preset keeps its data: claims for the StatefulStore, or an emptyDir volume and its mount. */
export interface PresetData {
  readonly storage: StorageClaimProps[];
  readonly volumes: VolumeSpec[];
  readonly mounts: MountSpec[];
}

/**
 * A preset's data volume at `mountPath`: one claim `data` from `storage`, or with `ephemeral` an
 * emptyDir `data` whose size limit is `storage.size` (checked before: nothing else of `storage`).
 */
export function presetData(mountPath: string, storage: PresetStorageOptions | undefined, ephemeral: boolean): PresetData {
  const d = DEFAULTS.statefulStore;
  if (!ephemeral) return { storage: [{ name: d.storage.name, mountPath, ...storage }], volumes: [], mounts: [] };
  return {
    storage: [],
    volumes: [{ name: d.storage.name, emptyDir: { sizeLimit: storage?.size ?? d.ephemeral.sizeLimit } }],
    mounts: [{ volume: d.storage.name, mountPath }],
  };
}

/**
 * Says on the StatefulSet that its data is on an emptyDir, for readers and policies:
 * `timonel.dev/data: ephemeral` (a store, for development), or `cache` (data that can be rebuilt).
 */
export function annotateEphemeral(statefulSet: ApiObject, kind: 'store' | 'cache' = 'store'): void {
  const e = DEFAULTS.statefulStore.ephemeral;
  statefulSet.metadata.addAnnotation(e.annotation, kind === 'cache' ? e.cacheAnnotationValue : e.annotationValue);
}

/** A claim with its defaults applied and validated. */
export interface ResolvedClaim {
  readonly name: string;
  readonly mountPath: string;
  readonly size: string;
  readonly storageClassName?: string;
  readonly accessModes: AccessMode[];
}

/** Validates the `storage` prop and applies its defaults (one 'data' claim when unset). */
export function resolveClaims(scope: IConstruct, storage: StorageClaimProps[] | undefined): ResolvedClaim[] {
  const d = DEFAULTS.statefulStore.storage;
  const claims = storage ?? [{ name: d.name, mountPath: d.mountPath }];
  const names = new Set<string>();
  const paths = new Set<string>();
  return claims.map((c, i) => {
    const p = `storage[${i}]`;
    const name = validateName(c.name ?? d.name, NameRule.DNS_1123_LABEL, { scope, prop: `${p}.name` });
    if (names.has(name)) {
      fail({
        scope, prop: `${p}.name`, message: `names a second claim '${name}'`, value: name,
        allowed: 'unique claim names', fix: "give every claim its own 'name' (the default is 'data')",
      });
    }
    names.add(name);
    if (typeof c.mountPath !== 'string' || !c.mountPath.startsWith('/')) {
      fail({
        scope, prop: `${p}.mountPath`,
        message: 'must be an absolute path', value: c.mountPath,
        allowed: "a path starting with '/'", fix: `use '/${c.mountPath ?? 'data'}'`,
      });
    }
    if (paths.has(c.mountPath)) {
      fail({ scope, prop: `${p}.mountPath`, message: 'is the mount path of another claim', value: c.mountPath, allowed: 'one claim per mount path', fix: `give each claim its own mountPath, e.g. '${c.mountPath.replace(/\/+$/, '')}-2'` });
    }
    paths.add(c.mountPath);
    const size = validateQuantity(c.size ?? d.size, { scope, prop: `${p}.size`, kind: 'storage', storageUse: 'claim' });
    const accessModes = c.accessModes ?? [d.accessMode];
    if (accessModes.length === 0) {
      fail({ scope, prop: `${p}.accessModes`, message: 'must not be empty', value: accessModes, allowed: ACCESS_MODES.join(', '), fix: "list one, e.g. ['ReadWriteOnce'], or leave accessModes out for it" });
    }
    accessModes.forEach((m, j) => oneOf(scope, `${p}.accessModes[${j}]`, m, ACCESS_MODES));
    // '' is Kubernetes' "no class": the claim binds a pre-created PersistentVolume, nothing is provisioned.
    if (c.storageClassName !== undefined && c.storageClassName !== '' && !isValidName(c.storageClassName, NameRule.DNS_1123_SUBDOMAIN)) {
      validateName(c.storageClassName, NameRule.DNS_1123_SUBDOMAIN, { scope, prop: `${p}.storageClassName` });
    }
    return { name, mountPath: c.mountPath, size, storageClassName: c.storageClassName, accessModes: [...accessModes] };
  });
}

/** Fails unless `value` is one of `allowed`, suggesting the closest. */
export function oneOf<T extends string>(scope: IConstruct, prop: string, value: T, allowed: readonly T[]): T {
  if (!allowed.includes(value)) {
    const close = allowed.find((a) => a.toLowerCase() === String(value).toLowerCase().replace(/[-_ ]/g, ''));
    fail({
      scope, prop, message: 'is not a known value', value, allowed: allowed.map((a) => `'${a}'`).join(', '),
      fix: close ? `write '${close}'` : `use one of ${allowed.join(', ')}`,
    });
  }
  return value;
}

