import { toYaml } from './objects';

/** A Kustomization that lists `resources` (files and folders, relative to it) and changes nothing. */
export function kustomizationYaml(resources: readonly string[]): string {
  return toYaml({ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: [...resources] });
}
